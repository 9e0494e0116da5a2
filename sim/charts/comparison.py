"""Charts of the comparison table: scenario means and paired differences.

Both charts read the tidy table of ``sim.analysis.compare_to_baseline`` (one row
per figure and scenario) and draw one small panel per figure:
:func:`key_figures` shows each scenario's mean with its confidence interval,
:func:`paired_differences` each other scenario's difference to the baseline,
paired replication by replication.  Shares are shown in %, their differences
in percentage points.
"""

from __future__ import annotations

import logging
import math
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.analysis import baseline_of
from sim.charts._style import (
    _AXIS_COLOUR,
    CHART_TITLES,
    CI_LEVEL,
    _bottom_legend,
    _colours,
    _label_offset,
    _message_figure,
    _new_figure,
    _NumberFormatter,
    _require,
    _scale,
    _styled,
    _suptitle,
    _value_formatter,
    _wrap,
)
from sim.figures import (
    DEFAULT_FIGURES,
    diff_unit,
    figure_title,
    figure_unit,
    is_share,
    scenario_order,
)
from sim.formatting import format_percent, format_value

logger = logging.getLogger(__name__)


def _present_figures(comparison: pd.DataFrame, figures: Sequence[str]) -> list[str]:
    """Requested figures that the comparison table holds, in requested order."""
    available = set(comparison["figure"].astype(str))
    present = [f for f in figures if f in available]
    missing = [f for f in figures if f not in available]
    if missing:
        logger.warning("comparison table has no rows for: %s", ", ".join(missing))
    if not present:
        raise ValueError(f"comparison table has none of the figures {list(figures)}")
    return present


def _grid(n: int) -> tuple[int, int]:
    """Rows and columns for ``n`` small multiples."""
    ncols = 1 if n == 1 else 2
    return math.ceil(n / ncols), ncols


def _tick_wrap_width(fig: Figure, ncols: int, labels: Sequence[str]) -> int | None:
    """Characters per line that let ``labels`` fit as x tick labels, else None."""
    if not labels:
        return None
    slot = (fig.get_figwidth() * 72 / ncols - 90) / len(labels)  # points per tick
    chars = int(slot / 9.5)  # ~9.5 pt per character at 15 pt
    longest_word = max(len(word) for label in labels for word in label.split())
    if chars < 6 or longest_word > chars:
        return None
    if any(len(textwrap.wrap(label, chars)) > 3 for label in labels):
        return None
    return chars


def _scenario_ticks(ax: Axes, x: np.ndarray, labels: Sequence[str], width: int | None) -> None:
    """Scenario names as tick labels when they fit, else no tick labels."""
    if width is None:
        ax.set_xticks(x, [""] * len(x))
        ax.tick_params(axis="x", length=0)
    else:
        ax.set_xticks(x, [_wrap(label, width) for label in labels])


def _baseline(comparison: pd.DataFrame) -> str:
    """The scenario whose rows carry no paired difference."""
    baseline = baseline_of(comparison)
    if baseline is None:
        raise ValueError("comparison table has no baseline (a scenario with NaN diff)")
    return baseline


def _figure_rows(comparison: pd.DataFrame, name: str) -> pd.DataFrame:
    """The comparison rows of one figure, indexed by scenario name."""
    rows = comparison[comparison["figure"].astype(str) == name]
    rows = rows.assign(scenario=rows["scenario"].astype(str))
    return rows.drop_duplicates("scenario").set_index("scenario")


def _errorbar(
    ax: Axes,
    x: np.ndarray,
    centre: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    **kwargs: Any,
) -> None:
    """Draw error bars from ``low`` to ``high`` around ``centre`` where finite."""
    finite = np.isfinite(centre) & np.isfinite(low) & np.isfinite(high)
    if not finite.any():
        return
    c = centre[finite]
    yerr = np.vstack([np.clip(c - low[finite], 0, None), np.clip(high[finite] - c, 0, None)])
    ax.errorbar(x[finite], c, yerr=yerr, **kwargs)


def _short_number(name: str, value: float, signed: bool = False) -> str:
    """A chart label for a (scaled) value, formatted exactly as the tables format it."""
    text = format_value(name, value / _scale(name), difference=signed)
    return text.replace("-", "\N{MINUS SIGN}")


@_styled
def key_figures(comparison: pd.DataFrame, figures: Sequence[str] = DEFAULT_FIGURES) -> Figure:
    """Small multiples of each scenario's mean with its confidence interval.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The comparison table (``figure, scenario, n, mean, ci_low, ci_high,
        diff, ...``), one row per figure and scenario.
    figures : sequence of str, optional
        Figures to show, one panel each; figures absent from the table are
        skipped with a logged warning.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per figure: a bar per scenario at the mean, with error bars
        from ``ci_low`` to ``ci_high``; shares are shown in %.

    Raises
    ------
    KeyError
        If a required column is missing.
    ValueError
        If none of ``figures`` is in the table.
    """
    _require(comparison, ["figure", "scenario", "mean", "ci_low", "ci_high"], "comparison")
    present = _present_figures(comparison, figures)
    order = scenario_order(comparison)
    colours = _colours(order)
    nrows, ncols = _grid(len(present))
    fig = _new_figure(height=1.2 + 4.4 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    wrap = _tick_wrap_width(fig, ncols, order)
    label_size = 15 if len(order) <= 3 else 13
    for ax, name in zip(axes.flat, present, strict=False):
        rows = _figure_rows(comparison, name)
        scenarios = [s for s in order if s in rows.index]
        rows = rows.loc[scenarios]
        scale = _scale(name)
        x = np.arange(len(scenarios), dtype=float)
        mean = rows["mean"].to_numpy(dtype=float) * scale
        low = rows["ci_low"].to_numpy(dtype=float) * scale
        high = rows["ci_high"].to_numpy(dtype=float) * scale
        ax.bar(x, mean, width=0.6, color=[colours[s] for s in scenarios])
        _errorbar(ax, x, mean, low, high, fmt="none", ecolor="black", elinewidth=2, capthick=2)
        for xi, m, lo, hi in zip(x, mean, low, high, strict=True):
            if not np.isfinite(m):
                continue
            above = m >= 0
            edge = np.nanmax([m, hi]) if above else np.nanmin([m, lo])
            _label_offset(ax, xi, edge, _short_number(name, m), above, fontsize=label_size)
        ax.margins(y=0.15)
        ax.axhline(0, color=_AXIS_COLOUR, linewidth=1.2)
        _scenario_ticks(ax, x, scenarios, wrap)
        ax.set_title(figure_title(name))
        ax.set_ylabel(figure_unit(name))
        ax.yaxis.set_major_formatter(_value_formatter(name))
        ax.set_xlim(-0.6, len(scenarios) - 0.4)
    for ax in list(axes.flat)[len(present) :]:
        fig.delaxes(ax)
    if wrap is None:
        _bottom_legend(fig, [Patch(color=colours[s]) for s in order], order)
    level = f"{CI_LEVEL:.0%}"
    _suptitle(fig, f"{CHART_TITLES['key_figures']}: mean with {level} confidence interval")
    return fig


@_styled
def paired_differences(
    comparison: pd.DataFrame, figures: Sequence[str] = DEFAULT_FIGURES
) -> Figure:
    """Each non-baseline scenario's paired difference to the baseline.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The comparison table; the baseline's rows have NaN in ``diff``.
    figures : sequence of str, optional
        Figures to show, one panel each; absent figures are skipped.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per figure with a dot per non-baseline scenario at ``diff``
        and error bars from ``diff_low`` to ``diff_high``, a zero line, and
        tick labels ``"B − baseline"``.  Share differences are shown in
        percentage points.  With a single scenario the figure says that there
        is nothing to compare.

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
    title = f"{CHART_TITLES['paired_differences']} ({baseline})"
    if not others:
        return _message_figure(
            title, f"Only one scenario ({baseline}) was run, so there is no difference to show."
        )
    colours = _colours(order)
    has_rel = "rel_change" in comparison.columns
    nrows, ncols = _grid(len(present))
    fig = _new_figure(height=1.2 + 4.4 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    pair_labels = {s: f"{s} \N{MINUS SIGN} {baseline}" for s in others}
    wrap = _tick_wrap_width(fig, ncols, [pair_labels[s] for s in others])
    beside = len(others) == 1  # value label right of the dot, else above the interval
    for ax, name in zip(axes.flat, present, strict=False):
        rows = _figure_rows(comparison, name)
        scenarios = [s for s in others if s in rows.index]
        rows = rows.loc[scenarios]
        scale = _scale(name)
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
            text = _short_number(name, diff[i], signed=True)
            if has_rel and not is_share(name):
                rel = float(rows["rel_change"].iloc[i])
                if math.isfinite(rel):
                    rel_text = f"({format_percent(rel, signed=True)})".replace(
                        "-", "\N{MINUS SIGN}"
                    )
                    text += f" {rel_text}" if beside else f"\n{rel_text}"
            if beside:
                ax.annotate(
                    text,
                    (x[i], diff[i]),
                    xytext=(14, 0),
                    textcoords="offset points",
                    ha="left",
                    va="center",
                    fontsize=15,
                )
            else:
                top = float(np.nanmax([diff[i], high[i]]))
                _label_offset(ax, x[i], top, text, True, fontsize=13, linespacing=1.1)
        finite = np.concatenate([v[np.isfinite(v)] for v in (diff, low, high)] + [np.zeros(1)])
        span = float(finite.max() - finite.min()) or 1.0
        headroom = 0.12 if beside else 0.3
        ax.set_ylim(float(finite.min()) - 0.12 * span, float(finite.max()) + headroom * span)
        ax.set_xlim(-0.5, len(scenarios) - 0.5 + (0.6 if beside else 0.0))
        _scenario_ticks(ax, x, [pair_labels[s] for s in scenarios], wrap)
        ax.set_title(figure_title(name))
        ax.set_ylabel(f"difference ({diff_unit(name)})")
        formatter = _NumberFormatter()
        ax.yaxis.set_major_formatter(formatter)
    for ax in list(axes.flat)[len(present) :]:
        fig.delaxes(ax)
    if wrap is None:
        handles = [
            Line2D([], [], marker="o", markersize=12, linestyle="", color=colours[s])
            for s in others
        ]
        _bottom_legend(fig, handles, [pair_labels[s] for s in others])
    level = f"{CI_LEVEL:.0%}"
    _suptitle(fig, f"{title}, paired by replication, with {level} confidence interval")
    return fig
