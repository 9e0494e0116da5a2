"""Charts of the ``leads`` table: the lead funnel and the wait to first contact.

:func:`funnel_counts` counts, per scenario and replication, how many leads
are contacted, qualified and won and why the others were not;
:func:`lead_funnel` draws those counts, :func:`wait_to_contact` the
distribution of inbound leads' wait until their first contact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, Final

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.charts._style import (
    _AXIS_COLOUR,
    _bottom_legend,
    _colours,
    _label_offset,
    _message_figure,
    _new_chart,
    _NumberFormatter,
    _require,
    _styled,
    chart_name,
    chart_subtitle,
    sentence,
)
from sim.figures import scenario_label, scenario_order, scenario_subject
from sim.formatting import format_horizon, format_percent
from sim.i18n import DEFAULT_LANG, text
from sim.scenario import Scenario
from sim.story import speed_to_lead_steps, wait_caption

#: Funnel stages and loss reasons, in order (their names: ``chart.funnel`` in the catalogue).
_FUNNEL_STAGES: Final[tuple[str, ...]] = ("leads", "contacted", "qualified", "won")
_LOSS_REASONS: Final[tuple[str, ...]] = (
    "abandoned",
    "unqualified",
    "no_deal",
    "still_open",
    "lost_other",
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
    categories: Sequence[str],
    colours: Mapping[str, str],
    annotate: bool,
    lang: str,
) -> None:
    """Bars grouped by category, one bar per scenario."""
    scenarios = list(counts.index)
    n = len(scenarios)
    width = 0.8 / n
    x = np.arange(len(categories), dtype=float)
    for i, scenario in enumerate(scenarios):
        heights = counts.loc[scenario, list(categories)].to_numpy(dtype=float)
        pos = x - 0.4 + width * (i + 0.5)
        ax.bar(
            pos,
            heights,
            width=width * 0.92,
            color=colours[scenario],
            label=scenario_label(scenario, lang),
            gid=f"funnel:{scenario}",
        )
        if annotate:
            for xi, h in zip(pos, heights, strict=True):
                shown = f"{h:,.0f}" if h >= 10 else f"{h:.1f}"
                _label_offset(ax, xi, h, shown, True, fontsize=12 if n > 2 else 13)
    ax.set_xticks(x, [text(f"chart.funnel.{c}", lang) for c in categories])
    ax.margins(y=0.12)
    ax.yaxis.set_major_formatter(_NumberFormatter())


def _funnel_headline(counts: pd.DataFrame, lang: str) -> str:
    """Each scenario's leads won out of its leads, most won first."""
    ranked = counts.sort_values("won", ascending=False)
    if len(ranked) == 2:
        (first, a), (second, b) = ranked.iterrows()
        return sentence(
            text(
                "chart.title.funnel_two",
                lang,
                first=scenario_subject(str(first), lang),
                first_won=f"{a['won']:,.0f}",
                first_leads=f"{a['leads']:,.0f}",
                second=scenario_subject(str(second), lang),
                second_won=f"{b['won']:,.0f}",
                second_leads=f"{b['leads']:,.0f}",
            ),
            lang,
        )
    return chart_name("lead_funnel", lang)


@_styled
def lead_funnel(
    leads: pd.DataFrame, *, lang: str = DEFAULT_LANG, weeks: float | None = None
) -> Figure:
    """How far leads get, and why the others were not won.

    Parameters
    ----------
    leads : pandas.DataFrame
        The ``leads`` table.
    lang : str, optional
        Language of the texts.
    weeks : float, optional
        Weeks the leads were counted over (the horizon after warm-up), named on
        the axis ("leads in 2 years, average").

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
    reasons = [r for r in _LOSS_REASONS if r != "lost_other" or counts["lost_other"].any()]
    colours = _colours(list(counts.index))
    annotate = len(counts) <= 3
    replications = int(counts["replications"].max()) if len(counts) else None
    fig, body = _new_chart(
        _funnel_headline(counts, lang),
        chart_subtitle(lang, weeks=weeks, replications=replications),
        width=14,
        height=7.6,
    )
    ax_funnel, ax_lost = body.subplots(1, 2, width_ratios=[len(_FUNNEL_STAGES), len(reasons)])
    _grouped_bars(ax_funnel, counts, _FUNNEL_STAGES, colours, annotate, lang)
    _grouped_bars(ax_lost, counts, reasons, colours, annotate, lang)
    ax_funnel.set_title(text("chart.funnel.how_far", lang))
    ax_lost.set_title(text("chart.funnel.not_won", lang))
    if weeks:
        axis = text("chart.axis.leads_in", lang, horizon=format_horizon(weeks, lang))
    else:
        axis = text("chart.axis.leads_average", lang)
    ax_funnel.set_ylabel(axis)
    ax_lost.set_ylabel(axis)
    ax_lost.tick_params(axis="x", labelsize=13)
    handles, labels = ax_funnel.get_legend_handles_labels()
    _bottom_legend(body, handles, labels)
    return fig


_LINEAR_WAIT_LIMIT: Final = 24.0  # hours; longer waits get a symmetric-log axis
_WAIT_TICKS: Final = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000)


def _hours(value: float, lang: str) -> str:
    shown = f"{value:,.2f}" if value < 1 else f"{value:,.1f}"
    return text(
        "unit.hours_short", lang, n=shown.rstrip("0").rstrip(".") if "." in shown else shown
    )


def _steps(
    scenarios: Mapping[str, Scenario] | None, order: Sequence[str]
) -> list[tuple[float, float]]:
    """The speed-to-lead steps of the scenarios shown (the same in most comparisons)."""
    steps: dict[float, float] = {}
    for name in order:
        if scenarios and name in scenarios:
            for hours, chance in speed_to_lead_steps(scenarios[name]):
                steps.setdefault(hours, chance)
    return sorted(steps.items())


def _step_label(hours: float, chance: float, lang: str) -> str:
    fraction = Fraction(chance).limit_denominator(100)
    shown = f"1/{round(1 / chance)}" if chance > 0 and fraction.numerator == 1 else f"{chance:.0%}"
    return text("chart.wait_step", lang, wait=_hours(hours, lang), chance=shown)


def _wait_headline(shares: Mapping[str, float], limit: float, lang: str) -> str:
    """Share of each scenario's inbound leads contacted within ``limit`` hours."""
    within = _hours(limit, lang)
    if len(shares) == 2:
        (first, a), (second, b) = sorted(shares.items(), key=lambda item: -item[1])
        return sentence(
            text(
                "chart.title.wait_two",
                lang,
                first=scenario_subject(first, lang),
                first_share=format_percent(a),
                second=scenario_subject(second, lang),
                second_share=format_percent(b),
                limit=within,
            ),
            lang,
        )
    parts = text("list.separator", lang).join(
        text(
            "chart.title.share_of", lang, scenario=scenario_label(s, lang), share=format_percent(v)
        )
        for s, v in shares.items()
    )
    return text("chart.title.wait_many", lang, limit=within, shares=parts)


@_styled
def wait_to_contact(
    leads: pd.DataFrame,
    *,
    lang: str = DEFAULT_LANG,
    scenarios: Mapping[str, Scenario] | None = None,
    weeks: float | None = None,
) -> Figure:
    """Distribution of the wait until first contact, per scenario.

    Parameters
    ----------
    leads : pandas.DataFrame
        The ``leads`` table; only contacted inbound leads (``contacted_h`` not
        NaN, ``source`` not ``cold``) with a known ``wait_h`` are used: a cold
        lead is a call that hit, contacted the moment it exists, so its zero
        wait says nothing about how fast the firm answers.
    lang : str, optional
        Language of the texts.
    scenarios : mapping of str to Scenario, optional
        The scenarios by name: their speed-to-lead steps are marked, and their
        staff explains a longer tail.
    weeks : float, optional
        Weeks the leads were counted over.

    Returns
    -------
    matplotlib.figure.Figure
        Empirical cumulative distribution (ECDF) per scenario with the median
        marked by a dot and a dashed drop line, and a dotted vertical line at
        each wait where the chance to qualify drops (speed to lead).  The x
        axis (working hours) is linear when no wait exceeds 24 h, else
        symmetric-log (linear below 1 h, logarithmic above).  The headline
        gives the share of leads reached before the first step (1 h without
        steps); the line under it says why a scenario's leads wait longer in
        the tail, when they do (:func:`sim.story.wait_caption`).
    """
    _require(leads, ["scenario", "contacted_h", "wait_h"], "leads")
    name = chart_name("wait_to_contact", lang)
    measured = _measured(leads)
    contacted = measured[measured["contacted_h"].notna() & measured["wait_h"].notna()]
    if "source" in contacted.columns:
        contacted = contacted[contacted["source"] != "cold"]
    if contacted.empty:
        return _message_figure(name, text("chart.message.no_contact", lang))
    order = scenario_order(leads)
    colours = _colours(order)
    steps = _steps(scenarios, order)
    limit = steps[0][0] if steps else 1.0
    scenario_col = contacted["scenario"].astype(str)
    shares = {
        s: float(np.mean(contacted.loc[scenario_col == s, "wait_h"].to_numpy(dtype=float) <= limit))
        for s in order
        if (scenario_col == s).any()
    }
    caption = wait_caption(leads, scenarios or {}, lang=lang, weeks=weeks)
    replications = (
        int(contacted.groupby(scenario_col)["replication"].nunique().max())
        if ("replication" in contacted.columns)
        else None
    )
    subtitle = chart_subtitle(lang, weeks=weeks, replications=replications)
    fig, body = _new_chart(
        _wait_headline(shares, limit, lang),
        subtitle + (f"\n{caption}" if caption else ""),
        height=7.2 if caption else 6.75,
    )
    ax = body.add_subplot()
    handles: list[Any] = []
    labels: list[str] = []
    longest = 0.0
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
        at_once = float(np.mean(waits == 0))
        labels.append(
            text(
                "chart.wait_legend_at_once" if at_once >= 0.05 else "chart.wait_legend",
                lang,
                scenario=scenario_label(scenario, lang),
                median=_hours(median, lang),
                at_once=format_percent(at_once),
                n=f"{waits.size:,}",
            )
        )
    right = max(longest, *(h for h, _ in steps)) if steps else longest
    if right <= _LINEAR_WAIT_LIMIT:
        ax.set_xlim(0, max(right * 1.08, 0.5))
        ax.set_xlabel(text("chart.axis.wait", lang))
    else:
        ax.set_xscale("symlog", linthresh=1.0, linscale=0.6)
        ax.set_xticks([t for t in _WAIT_TICKS if t <= right * 1.05])
        ax.set_xlim(0, right * 1.1)
        ax.set_xlabel(text("chart.axis.wait_log", lang))
    for hours, chance in steps:
        step_line = ax.axvline(hours, color=_AXIS_COLOUR, linestyle=":", linewidth=2, zorder=1)
        step_line.set_gid(f"step:{hours:g}")
        ax.annotate(
            _step_label(hours, chance, lang),
            (hours, 0.04),
            xycoords=("data", "axes fraction"),
            xytext=(6, 0),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=13,
            color=_AXIS_COLOUR,
        )
    ax.xaxis.set_major_formatter(_NumberFormatter())
    ax.set_ylim(0, 102)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_ylabel(text("chart.axis.waited_at_most", lang))
    _bottom_legend(body, handles, labels)
    return fig
