"""Charts of the ``leads`` table: the lead funnel and the wait to first contact.

:func:`funnel_counts` counts, per scenario and replication, how many leads
are contacted, qualified and won and why the others were not;
:func:`lead_funnel` draws those counts, :func:`wait_to_contact` the
distribution of inbound leads' wait until their first contact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.charts._style import (
    CHART_TITLES,
    _bottom_legend,
    _colours,
    _label_offset,
    _message_figure,
    _new_figure,
    _NumberFormatter,
    _require,
    _styled,
    _suptitle,
)
from sim.figures import scenario_order

_FUNNEL_STAGES: Final[tuple[tuple[str, str], ...]] = (
    ("leads", "Leads"),
    ("contacted", "Contacted"),
    ("qualified", "Qualified"),
    ("won", "Won"),
)
_LOSS_REASONS: Final[tuple[tuple[str, str], ...]] = (
    ("abandoned", "Abandoned\n(gave up waiting)"),
    ("unqualified", "Unqualified"),
    ("no_deal", "No deal"),
    ("still_open", "Still open\nat the end"),
    ("lost_other", "Lost, other\nreason"),
)


def _measured(leads: pd.DataFrame) -> pd.DataFrame:
    """Leads created after the warm-up, as the summary counts them."""
    if "in_warmup" in leads.columns:
        return leads[~leads["in_warmup"].astype(bool)]
    return leads


def funnel_counts(leads: pd.DataFrame) -> pd.DataFrame:
    """Mean number of leads per replication at each funnel stage and loss reason.

    Parameters
    ----------
    leads : pandas.DataFrame
        The ``leads`` table; leads created during the warm-up (``in_warmup``)
        are left out, as in the summary.

    Returns
    -------
    pandas.DataFrame
        Indexed by scenario (order of first appearance) with columns ``leads,
        contacted, qualified, won, abandoned, unqualified, no_deal,
        still_open, lost_other`` and ``replications``.  Counts are averaged
        over the replications present in the table.
    """
    _require(
        leads,
        ["scenario", "replication", "contacted_h", "qualified", "outcome", "lost_reason"],
        "leads",
    )
    order = scenario_order(leads)
    leads = _measured(leads)
    outcome = leads["outcome"].astype(str)
    reason = leads["lost_reason"].fillna("").astype(str)
    lost = outcome == "lost"
    flags = pd.DataFrame(
        {
            "scenario": leads["scenario"].astype(str),
            "replication": leads["replication"],
            "leads": 1,
            "contacted": leads["contacted_h"].notna().astype(int),
            "qualified": leads["qualified"].eq(True).astype(int),
            "won": (outcome == "won").astype(int),
            "abandoned": (outcome == "abandoned").astype(int),
            "unqualified": (lost & (reason == "unqualified")).astype(int),
            "no_deal": (lost & (reason == "no_deal")).astype(int),
            "still_open": (outcome == "open").astype(int),
            "lost_other": (lost & ~reason.isin(["unqualified", "no_deal"])).astype(int),
        }
    )
    per_rep = flags.groupby(["scenario", "replication"], sort=False).sum()
    grouped = per_rep.groupby(level="scenario", sort=False)
    out = grouped.mean()
    out["replications"] = grouped.size()
    return out.reindex(order).fillna(0.0)  # a scenario with no measured lead shows zeros


def _grouped_bars(
    ax: Axes,
    counts: pd.DataFrame,
    categories: Sequence[tuple[str, str]],
    colours: Mapping[str, str],
    annotate: bool,
) -> None:
    """Bars grouped by category, one bar per scenario."""
    scenarios = list(counts.index)
    n = len(scenarios)
    width = 0.8 / n
    x = np.arange(len(categories), dtype=float)
    for i, scenario in enumerate(scenarios):
        heights = counts.loc[scenario, [c for c, _ in categories]].to_numpy(dtype=float)
        pos = x - 0.4 + width * (i + 0.5)
        ax.bar(pos, heights, width=width * 0.92, color=colours[scenario], label=scenario)
        if annotate:
            for xi, h in zip(pos, heights, strict=True):
                text = f"{h:,.0f}" if h >= 10 else f"{h:.1f}"
                _label_offset(ax, xi, h, text, True, fontsize=12 if n > 2 else 13)
    ax.set_xticks(x, [label for _, label in categories])
    ax.margins(y=0.12)
    ax.yaxis.set_major_formatter(_NumberFormatter())


@_styled
def lead_funnel(leads: pd.DataFrame) -> Figure:
    """How far leads get, and why the others were not won.

    Parameters
    ----------
    leads : pandas.DataFrame
        The ``leads`` table.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels of grouped bars (one bar per scenario) of mean counts per
        replication: the funnel (leads, contacted, qualified, won) and the
        leads not won by reason (abandoned, unqualified, no deal, still open;
        plus "lost, other reason" when there are any).
    """
    if leads.empty:
        raise ValueError("leads table is empty")
    counts = funnel_counts(leads)
    reasons = [r for r in _LOSS_REASONS if r[0] != "lost_other" or counts["lost_other"].any()]
    colours = _colours(list(counts.index))
    annotate = len(counts) <= 3
    fig = _new_figure(width=14, height=7)
    ax_funnel, ax_lost = fig.subplots(1, 2, width_ratios=[len(_FUNNEL_STAGES), len(reasons)])
    _grouped_bars(ax_funnel, counts, _FUNNEL_STAGES, colours, annotate)
    _grouped_bars(ax_lost, counts, reasons, colours, annotate)
    ax_funnel.set_title("How far the leads get")
    ax_lost.set_title("Leads not won, by reason")
    ax_funnel.set_ylabel("Leads per replication (count, mean)")
    ax_lost.set_ylabel("Leads per replication (count, mean)")
    ax_lost.tick_params(axis="x", labelsize=13)
    handles, labels = ax_funnel.get_legend_handles_labels()
    _bottom_legend(fig, handles, labels)
    _suptitle(fig, CHART_TITLES["lead_funnel"])
    return fig


_LINEAR_WAIT_LIMIT: Final = 24.0  # hours; longer waits get a symmetric-log axis
_WAIT_TICKS: Final = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000)


@_styled
def wait_to_contact(leads: pd.DataFrame) -> Figure:
    """Distribution of the wait until first contact, per scenario.

    Parameters
    ----------
    leads : pandas.DataFrame
        The ``leads`` table; only contacted inbound leads (``contacted_h`` not
        NaN, ``source`` not ``cold``) with a known ``wait_h`` are used: a cold
        lead is a call that hit, contacted the moment it exists, so its zero
        wait says nothing about how fast the firm answers.

    Returns
    -------
    matplotlib.figure.Figure
        Empirical cumulative distribution (ECDF) per scenario with the median
        marked by a dot and a dashed drop line.  The x axis (working hours) is
        linear when no wait exceeds 24 h, else symmetric-log (linear below
        1 h, logarithmic above).
    """
    _require(leads, ["scenario", "contacted_h", "wait_h"], "leads")
    title = CHART_TITLES["wait_to_contact"]
    measured = _measured(leads)
    contacted = measured[measured["contacted_h"].notna() & measured["wait_h"].notna()]
    if "source" in contacted.columns:
        contacted = contacted[contacted["source"] != "cold"]
    if contacted.empty:
        return _message_figure(title, "No lead was contacted, so there is no waiting time to show.")
    order = scenario_order(leads)
    colours = _colours(order)
    fig = _new_figure()
    ax = fig.add_subplot()
    handles: list[Any] = []
    labels: list[str] = []
    longest = 0.0
    scenario_col = contacted["scenario"].astype(str)
    for scenario in order:
        waits = np.sort(contacted.loc[scenario_col == scenario, "wait_h"].to_numpy(dtype=float))
        if waits.size == 0:
            continue
        waits = np.clip(waits, 0, None)
        share = np.arange(1, waits.size + 1) / waits.size * 100
        xs = np.concatenate([[waits[0]], waits])
        ys = np.concatenate([[0.0], share])
        (line,) = ax.step(xs, ys, where="post", color=colours[scenario])
        line.set_gid(f"ecdf:{scenario}")
        longest = max(longest, float(waits[-1]))
        median = float(np.median(waits))
        ax.plot([median, median], [0, 50], linestyle="--", linewidth=1.8, color=colours[scenario])
        ax.plot(
            [median], [50], "o", markersize=11, color=colours[scenario], zorder=4, clip_on=False
        )
        handles.append(line)
        shown = f"{median:,.2f}" if median < 1 else f"{median:,.1f}"
        at_once = float(np.mean(waits == 0))
        extra = f", {at_once:.0%} at once" if at_once >= 0.05 else ""
        labels.append(f"{scenario} (median {shown} h{extra}, {waits.size:,} leads)")
    if longest <= _LINEAR_WAIT_LIMIT:
        ax.set_xlim(0, max(longest * 1.03, 0.5))
        ax.set_xlabel("Wait until first contact (working hours)")
    else:
        ax.set_xscale("symlog", linthresh=1.0, linscale=0.6)
        ax.set_xticks([t for t in _WAIT_TICKS if t <= longest * 1.05])
        ax.set_xlim(0, longest * 1.1)
        ax.set_xlabel("Wait until first contact (working hours, log scale above 1 h)")
    ax.xaxis.set_major_formatter(_NumberFormatter())
    ax.set_ylim(0, 102)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_ylabel("Inbound leads that waited\nat most this long (%)")
    _bottom_legend(fig, handles, labels)
    _suptitle(fig, title)
    return fig
