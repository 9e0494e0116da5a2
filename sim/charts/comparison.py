"""Chart of the comparison table's means, and the helpers both comparison charts share.

:func:`key_figures` reads the tidy table of ``sim.analysis.compare_to_baseline``
(one row per figure and scenario) and draws one small panel per figure with
each scenario's mean and its confidence interval; the paired differences are
in :mod:`sim.charts.differences`.  Shares are shown in %, money in the
scenarios' currency, compactly.
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
from matplotlib.patches import Patch

from sim.analysis import baseline_of
from sim.charts._style import (
    _AXIS_COLOUR,
    _bottom_legend,
    _colours,
    _label_offset,
    _new_chart,
    _require,
    _scale,
    _styled,
    _value_formatter,
    _wrap,
    chart_name,
    chart_subtitle,
)
from sim.figures import (
    DEFAULT_FIGURES,
    figure_title,
    figure_unit,
    scenario_label,
    scenario_order,
)
from sim.formatting import MINUS, format_value
from sim.i18n import DEFAULT_LANG
from sim.story import key_figures_headline

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


def _short_number(
    name: str,
    value: float,
    signed: bool = False,
    lang: str = DEFAULT_LANG,
    currency: str | None = None,
) -> str:
    """A chart label for a (scaled) value, formatted exactly as the tables format it."""
    shown = format_value(
        name, value / _scale(name), difference=signed, lang=lang, currency=currency
    )
    return shown.replace("-", MINUS)


def _replications(comparison: pd.DataFrame) -> int | None:
    """The largest number of replications behind a row of the table."""
    if "n" not in comparison.columns or comparison.empty:
        return None
    n = pd.to_numeric(comparison["n"], errors="coerce").max()
    return int(n) if np.isfinite(n) else None


@_styled
def key_figures(
    comparison: pd.DataFrame,
    figures: Sequence[str] = DEFAULT_FIGURES,
    *,
    lang: str = DEFAULT_LANG,
    currency: str | None = None,
    weeks: float | None = None,
) -> Figure:
    """Small multiples of each scenario's mean with its confidence interval.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The comparison table (``figure, scenario, n, mean, ci_low, ci_high,
        diff, ...``), one row per figure and scenario.
    figures : sequence of str, optional
        Figures to show, one panel each; figures absent from the table are
        skipped with a logged warning.
    lang : str, optional
        Language of the texts.
    currency : str, optional
        The scenarios' currency (money axes); default "money units".
    weeks : float, optional
        Weeks the figures cover, stated under the headline.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per figure: a bar per scenario at the mean, with error bars
        from ``ci_low`` to ``ci_high``; shares are shown in %.  With two
        scenarios the headline compares their profit.

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
    labels = {s: scenario_label(s, lang) for s in order}
    colours = _colours(order)
    nrows, ncols = _grid(len(present))
    headline = key_figures_headline(comparison, lang, currency) or chart_name("key_figures", lang)
    subtitle = chart_subtitle(
        lang, weeks=weeks, replications=_replications(comparison), interval="ci"
    )
    fig, body = _new_chart(headline, subtitle, height=1.9 + 4.4 * nrows)
    axes = body.subplots(nrows, ncols, squeeze=False)
    wrap = _tick_wrap_width(fig, ncols, list(labels.values()))
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
            label = _short_number(name, m, lang=lang, currency=currency)
            _label_offset(ax, xi, edge, label, above, fontsize=label_size)
        ax.margins(y=0.15)
        ax.axhline(0, color=_AXIS_COLOUR, linewidth=1.2)
        _scenario_ticks(ax, x, [labels[s] for s in scenarios], wrap)
        ax.set_title(figure_title(name, lang))
        ax.set_ylabel(figure_unit(name, lang, currency))
        ax.yaxis.set_major_formatter(_value_formatter(name, lang, currency))
        ax.set_xlim(-0.6, len(scenarios) - 0.4)
    for ax in list(axes.flat)[len(present) :]:
        body.delaxes(ax)
    if wrap is None:
        _bottom_legend(body, [Patch(color=colours[s]) for s in order], list(labels.values()))
    return fig
