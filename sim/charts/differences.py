"""Chart of the paired differences to the baseline.

:func:`paired_differences` reads the tidy table of
``sim.analysis.compare_to_baseline`` and shows each other scenario's difference
to the baseline, paired replication by replication: with one other scenario,
as one compact panel (a row per figure, the change relative to the baseline's
mean, each row labelled with the difference in its own unit), so that two
firms do not need four near-empty panels; with more, one small panel per
figure.  Shares differ in percentage points; money is in the scenarios'
currency, compactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.charts._style import (
    _AXIS_COLOUR,
    _bottom_legend,
    _colours,
    _label_offset,
    _message_figure,
    _new_chart,
    _NumberFormatter,
    _require,
    _scale,
    _styled,
    _value_formatter,
    _wrap,
    chart_name,
    chart_subtitle,
)
from sim.charts.comparison import (
    _baseline,
    _errorbar,
    _figure_rows,
    _grid,
    _present_figures,
    _replications,
    _scenario_ticks,
    _short_number,
    _tick_wrap_width,
)
from sim.figures import (
    DEFAULT_FIGURES,
    diff_unit,
    figure_title,
    figure_unit,
    is_money,
    is_share,
    scenario_label,
    scenario_order,
    scenario_subject,
)
from sim.formatting import MINUS, format_percent
from sim.i18n import DEFAULT_LANG, text
from sim.story import paired_headline


def _compact_possible(comparison: pd.DataFrame, present: Sequence[str], baseline: str) -> bool:
    """One compact panel needs every figure's change relative to a positive baseline mean."""
    for name in present:
        rows = _figure_rows(comparison, name)
        if baseline not in rows.index or not np.isfinite(float(rows.loc[baseline, "mean"])):
            return False
        if float(rows.loc[baseline, "mean"]) <= 0:
            return False
    return True


def _compact_panel(
    body: Any,
    comparison: pd.DataFrame,
    present: Sequence[str],
    baseline: str,
    other: str,
    colour: str,
    lang: str,
    currency: str | None,
) -> None:
    """One panel, a row per figure: change relative to the baseline with its interval."""
    ax = body.add_subplot()
    y = np.arange(len(present), dtype=float)
    ax.axvline(0, color=_AXIS_COLOUR, linewidth=1.5, zorder=1)
    extremes: list[float] = [0.0]
    for yi, name in zip(y, present, strict=True):
        rows = _figure_rows(comparison, name)
        base = float(rows.loc[baseline, "mean"])
        row = rows.loc[other]
        centre, low, high = (100 * float(row[c]) / base for c in ("diff", "diff_low", "diff_high"))
        if not np.isfinite(centre):
            continue
        finite = [v for v in (low, high) if np.isfinite(v)]
        extremes += [centre, *finite]
        if len(finite) == 2:
            ax.plot(
                [low, high], [yi, yi], color=colour, linewidth=3, zorder=2, solid_capstyle="butt"
            )
            for end in (low, high):
                ax.plot([end, end], [yi - 0.12, yi + 0.12], color=colour, linewidth=2.5, zorder=2)
        (dot,) = ax.plot([centre], [yi], "o", markersize=13, color=colour, zorder=3)
        dot.set_gid(f"diff:{name}")
        scale = _scale(name)
        label = _short_number(name, float(row["diff"]) * scale, True, lang, currency)
        if is_money(name):
            label += f" {figure_unit(name, lang, currency)}"
        if is_share(name):
            label = text(
                "chart.share_change",
                lang,
                diff=label,
                before=format_percent(base),
                after=format_percent(float(row["mean"])),
            )
        ax.annotate(
            label,
            (max(centre, high) if np.isfinite(high) else centre, yi),
            xytext=(14, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=15,
            bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        )
    ax.set_yticks(y, [_wrap(figure_title(name, lang), 22) for name in present])
    ax.invert_yaxis()
    span = (max(extremes) - min(extremes)) or 1.0
    ax.set_xlim(min(extremes) - 0.08 * span, max(extremes) + 0.75 * span)
    ax.xaxis.set_major_formatter(_PercentTicks())
    ax.set_xlabel(
        text("chart.axis.relative_change", lang, baseline=scenario_subject(baseline, lang))
    )
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_ylim(len(present) - 0.4, -0.6)


class _PercentTicks(_NumberFormatter):
    """Signed percentages: −50%, 0%, +100%."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        shown = super().__call__(x, pos)
        return f"+{shown}%" if x > 0 else f"{shown}%"


@_styled
def paired_differences(
    comparison: pd.DataFrame,
    figures: Sequence[str] = DEFAULT_FIGURES,
    *,
    lang: str = DEFAULT_LANG,
    currency: str | None = None,
    weeks: float | None = None,
) -> Figure:
    """Each non-baseline scenario's paired difference to the baseline.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The comparison table; the baseline's rows have NaN in ``diff``.
    figures : sequence of str, optional
        Figures to show; absent figures are skipped.
    lang : str, optional
        Language of the texts.
    currency : str, optional
        The scenarios' currency; default "money units".
    weeks : float, optional
        Weeks the figures cover, stated under the headline.

    Returns
    -------
    matplotlib.figure.Figure
        With one other scenario (and positive baseline means): one panel with a
        row per figure, a dot at the change relative to the baseline's mean
        (``diff / mean``, in %) and a line over its interval, each row labelled
        with the difference in its own unit (shares: in percentage points, from
        and to).  Otherwise one panel per figure with a dot per non-baseline
        scenario at ``diff``, error bars from ``diff_low`` to ``diff_high``, a
        zero line and tick labels ``"B − baseline"``.  With a single scenario
        the figure says that there is nothing to compare.

    Raises
    ------
    KeyError
        If a required column is missing.
    ValueError
        If none of ``figures`` is in the table or there is no baseline.
    """
    _require(
        comparison,
        ["figure", "scenario", "diff", "diff_low", "diff_high"],
        "comparison",
    )
    present = _present_figures(comparison, figures)
    baseline = _baseline(comparison)
    order = scenario_order(comparison)
    others = [s for s in order if s != baseline]
    labels = {s: scenario_label(s, lang) for s in order}
    name = chart_name("paired_differences", lang)
    if not others:
        return _message_figure(
            name, text("chart.message.one_scenario", lang, scenario=labels[baseline])
        )
    colours = _colours(order)
    headline = paired_headline(comparison, lang) or text(
        "chart.title.paired_generic", lang, baseline=labels[baseline]
    )
    subtitle = chart_subtitle(
        lang, weeks=weeks, replications=_replications(comparison), interval="paired"
    )
    if (
        len(others) == 1
        and "mean" in comparison.columns
        and _compact_possible(comparison, present, baseline)
    ):
        fig, body = _new_chart(headline, subtitle, height=2.6 + 1.15 * len(present))
        _compact_panel(
            body, comparison, present, baseline, others[0], colours[others[0]], lang, currency
        )
        return fig
    has_rel = "rel_change" in comparison.columns
    nrows, ncols = _grid(len(present))
    fig, body = _new_chart(headline, subtitle, height=1.9 + 4.4 * nrows)
    axes = body.subplots(nrows, ncols, squeeze=False)
    pair_labels = {s: f"{labels[s]} {MINUS} {labels[baseline]}" for s in others}
    wrap = _tick_wrap_width(fig, ncols, [pair_labels[s] for s in others])
    for ax, figure in zip(axes.flat, present, strict=False):
        rows = _figure_rows(comparison, figure)
        scenarios = [s for s in others if s in rows.index]
        rows = rows.loc[scenarios]
        scale = _scale(figure)
        x = np.arange(len(scenarios), dtype=float)
        diff = rows["diff"].to_numpy(dtype=float) * scale
        low = rows["diff_low"].to_numpy(dtype=float) * scale
        high = rows["diff_high"].to_numpy(dtype=float) * scale
        ax.axhline(0, color=_AXIS_COLOUR, linewidth=1.5, zorder=1)
        for i, s in enumerate(scenarios):
            _errorbar(
                ax,
                x[i : i + 1],
                diff[i : i + 1],
                low[i : i + 1],
                high[i : i + 1],
                fmt="o",
                markersize=12,
                color=colours[s],
                elinewidth=2.5,
                capthick=2.5,
                zorder=3,
            )
            if not np.isfinite(diff[i]):
                continue
            label = _short_number(figure, diff[i], True, lang, currency)
            if has_rel and not is_share(figure):
                rel = float(rows["rel_change"].iloc[i])
                if math.isfinite(rel):
                    label += "\n(" + format_percent(rel, signed=True).replace("-", MINUS) + ")"
            top = float(np.nanmax([diff[i], high[i]]))
            _label_offset(ax, x[i], top, label, True, fontsize=13, linespacing=1.1)
        finite = np.concatenate([v[np.isfinite(v)] for v in (diff, low, high)] + [np.zeros(1)])
        span = float(finite.max() - finite.min()) or 1.0
        ax.set_ylim(float(finite.min()) - 0.12 * span, float(finite.max()) + 0.3 * span)
        ax.set_xlim(-0.5, len(scenarios) - 0.5)
        _scenario_ticks(ax, x, [pair_labels[s] for s in scenarios], wrap)
        ax.set_title(figure_title(figure, lang))
        ax.set_ylabel(text("chart.axis.difference", lang, unit=diff_unit(figure, lang, currency)))
        ax.yaxis.set_major_formatter(
            _value_formatter(figure, lang, currency) if is_money(figure) else _NumberFormatter()
        )
    for ax in list(axes.flat)[len(present) :]:
        body.delaxes(ax)
    if wrap is None:
        handles = [
            Line2D([], [], marker="o", markersize=12, linestyle="", color=colours[s])
            for s in others
        ]
        _bottom_legend(body, handles, [pair_labels[s] for s in others])
    return fig
