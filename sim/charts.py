"""Charts for flocksim output tables.

Every public chart function takes pandas DataFrames whose columns follow
``docs/tables.md`` (or the tidy comparison table made by
``sim.stats.compare_to_baseline``) and returns a :class:`matplotlib.figure.Figure`.
The module never touches pyplot or global matplotlib state: figures are built
with the object-oriented API inside :func:`matplotlib.rc_context`, so they
render on any backend (including headless ones) and leave the caller's
``rcParams`` untouched.

The style is meant for projection in a workshop room as much as for analysts:
large type, axis labels with units, no top/right spines, light horizontal
gridlines only, and the colour-blind-safe Okabe-Ito palette.  Scenarios always
appear in the order in which they first appear in the table.

Shares (columns whose name contains ``share``, ``wasted_sales_capacity``,
``conversion_rate`` and ``utilisation_*``) are stored as fractions between 0
and 1 and are displayed as percentages.
"""

from __future__ import annotations

import functools
import logging
import math
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, ParamSpec, TypeVar

import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, MaxNLocator, PercentFormatter
from scipy import stats

__all__ = [
    "CHART_TITLES",
    "CI_LEVEL",
    "DEFAULT_FIGURES",
    "FIGURE_LABELS",
    "OKABE_ITO",
    "SALES_ACTIVITIES",
    "all_charts",
    "diff_unit",
    "figure_label",
    "figure_title",
    "figure_unit",
    "funnel_counts",
    "insight_over_time",
    "is_money",
    "is_share",
    "key_figures",
    "lead_funnel",
    "paired_differences",
    "sales_time_use",
    "save_figure",
    "scenario_order",
    "wait_to_contact",
    "weekly_mean_ci",
    "weekly_series",
]

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# --------------------------------------------------------------------------
# Palette, labels and units
# --------------------------------------------------------------------------

#: The Okabe-Ito colour-blind-safe palette.
OKABE_ITO: Final[dict[str, str]] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Colours given to scenarios, in scenario order (yellow last: weak on white).
_SCENARIO_COLOURS: Final[tuple[str, ...]] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
    OKABE_ITO["yellow"],
)

_IDLE_GREY: Final = "#BBBBBB"

#: The five sales time-use shares: (column, readable name, colour).
SALES_ACTIVITIES: Final[tuple[tuple[str, str, str], ...]] = (
    ("sales_share_selling", "Selling", OKABE_ITO["bluish_green"]),
    ("sales_share_prospecting", "Cold prospecting", OKABE_ITO["orange"]),
    ("sales_share_servicing", "Servicing customers", OKABE_ITO["sky_blue"]),
    ("sales_share_expediting", "Expediting", OKABE_ITO["vermillion"]),
    ("sales_share_idle", "Idle", _IDLE_GREY),
)

#: Figures shown by :func:`key_figures` and :func:`paired_differences` by default.
DEFAULT_FIGURES: Final[tuple[str, ...]] = (
    "revenue",
    "profit",
    "wasted_sales_capacity",
    "customers_won",
)

#: Confidence level assumed for the comparison table and used for weekly bands.
CI_LEVEL: Final = 0.95

_MONEY: Final[frozenset[str]] = frozenset(
    {
        "revenue",
        "revenue_new",
        "revenue_repeat",
        "gross_profit",
        "staff_cost",
        "marketing_spend",
        "profit",
        "value",
    }
)

_TITLES: Final[dict[str, str]] = {
    "revenue": "Revenue",
    "revenue_new": "Revenue from new customers",
    "revenue_repeat": "Revenue from repeat orders",
    "gross_profit": "Gross profit",
    "staff_cost": "Staff cost",
    "marketing_spend": "Marketing spend",
    "profit": "Profit",
    "value": "Deal value",
    "wasted_sales_capacity": "Wasted sales capacity",
    "sales_share_selling": "Sales time: selling",
    "sales_share_prospecting": "Sales time: cold prospecting",
    "sales_share_servicing": "Sales time: servicing customers",
    "sales_share_expediting": "Sales time: expediting",
    "sales_share_idle": "Sales time: idle",
    "leads": "Leads",
    "leads_organic": "Organic leads",
    "leads_referral": "Referral leads",
    "leads_marketing": "Marketing leads",
    "leads_cold": "Cold leads",
    "leads_contacted": "Leads contacted",
    "leads_qualified": "Leads qualified",
    "leads_won": "Leads won",
    "leads_lost": "Leads lost",
    "leads_abandoned": "Leads abandoned",
    "leads_open": "Leads still open",
    "leads_never_contacted": "Leads never contacted",
    "mean_wait_to_contact_h": "Mean wait to first contact",
    "p50_wait_to_contact_h": "Median wait to first contact",
    "p90_wait_to_contact_h": "90th percentile wait to first contact",
    "wait_h": "Wait to first contact",
    "conversion_rate": "Conversion rate",
    "customers_won": "Customers won",
    "customers_active": "Active customers",
    "customers_churned": "Customers churned",
    "complaints": "Complaints",
    "complaints_resolved": "Complaints resolved",
    "mean_complaint_resolution_h": "Mean complaint resolution time",
    "insight": "Market insight",
    "insight_end": "Market insight at the end",
    "utilisation_sales": "Utilisation of sales staff",
    "utilisation_service": "Utilisation of service staff",
    "utilisation_marketing": "Utilisation of marketing staff",
}

_COUNT_UNIT: Final[dict[str, str]] = {
    "leads": "leads",
    "customers": "customers",
    "complaints": "complaints",
}


def is_share(name: str) -> bool:
    """Tell whether a figure is a share stored as a fraction between 0 and 1.

    Parameters
    ----------
    name : str
        Column (figure) name.

    Returns
    -------
    bool
        True for ``*share*``, ``wasted_sales_capacity``, ``conversion_rate``
        and ``utilisation_*``.
    """
    return (
        "share" in name
        or name in {"wasted_sales_capacity", "conversion_rate"}
        or name.startswith("utilisation_")
    )


def is_money(name: str) -> bool:
    """Tell whether a figure is an amount of money.

    Parameters
    ----------
    name : str
        Column (figure) name.

    Returns
    -------
    bool
        True for revenue, profit, cost and deal value columns.
    """
    return name in _MONEY


def figure_unit(name: str) -> str:
    """Return the display unit of a figure.

    Parameters
    ----------
    name : str
        Column (figure) name.

    Returns
    -------
    str
        ``"money units"``, ``"%"``, ``"working hours"``, ``"index"`` or a count
        unit such as ``"leads"``.
    """
    if is_money(name):
        return "money units"
    if is_share(name):
        return "%"
    if name.endswith("_h"):
        return "working hours"
    if name.startswith("insight"):
        return "index"
    for prefix, unit in _COUNT_UNIT.items():
        if name.startswith(prefix):
            return unit
    return "count"


def diff_unit(name: str) -> str:
    """Return the unit of a difference of a figure (shares differ in points).

    Parameters
    ----------
    name : str
        Column (figure) name.

    Returns
    -------
    str
        ``"percentage points"`` for shares, else :func:`figure_unit`.
    """
    return "percentage points" if is_share(name) else figure_unit(name)


def figure_title(name: str) -> str:
    """Return the readable name of a figure, without unit.

    Parameters
    ----------
    name : str
        Column (figure) name.

    Returns
    -------
    str
        For example ``"Wasted sales capacity"``; unknown names are prettified.
    """
    return _TITLES.get(name, name.replace("_", " ").capitalize())


def figure_label(name: str) -> str:
    """Return the readable label of a figure with its unit.

    Parameters
    ----------
    name : str
        Column (figure) name.

    Returns
    -------
    str
        For example ``"Revenue (money units)"`` or ``"Wasted sales capacity (%)"``.
    """
    return f"{figure_title(name)} ({figure_unit(name)})"


#: Readable labels with units, e.g. ``"revenue" -> "Revenue (money units)"``.
FIGURE_LABELS: Final[dict[str, str]] = {name: figure_label(name) for name in _TITLES}

#: Headlines of the charts made by :func:`all_charts`, keyed by chart name.
CHART_TITLES: Final[dict[str, str]] = {
    "sales_time_use": "Where the salespeople's hours go",
    "key_figures": "Key figures per scenario",
    "paired_differences": "Difference to the baseline",
    "weekly_revenue": "Revenue week by week",
    "weekly_customers_active": "Active customers week by week",
    "lead_funnel": "What happens to the leads",
    "wait_to_contact": "How long inbound leads wait for a first contact",
    "insight_over_time": "Market insight over time",
}

# --------------------------------------------------------------------------
# Style
# --------------------------------------------------------------------------

_GRID_COLOUR: Final = "#DDDDDD"
_TEXT_COLOUR: Final = "#222222"
_AXIS_COLOUR: Final = "#555555"

_STYLE: Final[dict[Any, Any]] = {
    "font.size": 16,
    "axes.titlesize": 18,
    "axes.titleweight": "bold",
    "axes.titlepad": 12,
    "axes.labelsize": 16,
    "axes.labelcolor": _TEXT_COLOUR,
    "axes.edgecolor": _AXIS_COLOUR,
    "axes.linewidth": 1.2,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=list(_SCENARIO_COLOURS)),
    "grid.color": _GRID_COLOUR,
    "grid.linewidth": 1.0,
    "xtick.labelsize": 15,
    "ytick.labelsize": 15,
    "xtick.color": _AXIS_COLOUR,
    "ytick.color": _AXIS_COLOUR,
    "xtick.labelcolor": _TEXT_COLOUR,
    "ytick.labelcolor": _TEXT_COLOUR,
    "legend.fontsize": 15,
    "legend.frameon": False,
    "figure.titlesize": 22,
    "figure.titleweight": "bold",
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "lines.linewidth": 2.8,
    "errorbar.capsize": 8,
    "text.color": _TEXT_COLOUR,
}

_WIDE: Final = 12.0  # inches; 16:9 at 12 x 6.75
_PNG_DPI: Final = 150
_WRAP: Final = 16  # characters per line of a scenario tick label


def _styled(func: Callable[P, R]) -> Callable[P, R]:
    """Run a chart-building function inside the module's rc_context."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with rc_context(_STYLE):
            return func(*args, **kwargs)

    return wrapper


class _NumberFormatter(Formatter):
    """Tick formatter with thousands separators and just enough decimals."""

    def __init__(self) -> None:
        super().__init__()
        self._decimals = 0

    def set_locs(self, locs: list[float]) -> None:
        super().set_locs(locs)
        values = np.asarray(locs, dtype=float)
        values = values[np.isfinite(values)]
        scale = float(np.abs(values).max()) if values.size else 1.0
        self._decimals = 0
        for decimals in range(7):
            self._decimals = decimals
            if np.allclose(np.round(values, decimals), values, rtol=0, atol=1e-9 * max(scale, 1)):
                break

    def __call__(self, x: float, pos: int | None = None) -> str:
        text = f"{x:,.{self._decimals}f}"
        if text.lstrip("-").strip("0.,") == "":
            return "0"
        return text.replace("-", "\N{MINUS SIGN}")


def _value_formatter(name: str) -> Formatter:
    """Return a tick formatter for values of ``name`` (already scaled)."""
    if is_share(name):
        return PercentFormatter(xmax=100, decimals=None)
    return _NumberFormatter()


def _scale(name: str) -> float:
    """Factor turning stored values of ``name`` into displayed values."""
    return 100.0 if is_share(name) else 1.0


def scenario_order(*tables: pd.DataFrame | None) -> list[str]:
    """Return scenario names in order of first appearance.

    Parameters
    ----------
    *tables : pandas.DataFrame or None
        Tables with a ``scenario`` column; earlier tables take precedence.
        ``None`` and tables without the column are ignored.

    Returns
    -------
    list of str
        Unique scenario names, in order of first appearance.
    """
    order: dict[str, None] = {}
    for table in tables:
        if table is None or "scenario" not in table.columns:
            continue
        for name in pd.unique(table["scenario"].astype(str)):
            order.setdefault(str(name), None)
    return list(order)


def _colours(scenarios: Sequence[str]) -> dict[str, str]:
    """Map scenarios (in order) to palette colours."""
    return {s: _SCENARIO_COLOURS[i % len(_SCENARIO_COLOURS)] for i, s in enumerate(scenarios)}


def _wrap(text: str, width: int = _WRAP) -> str:
    """Wrap a tick label onto several lines."""
    return textwrap.fill(text, width=width, break_long_words=False) or text


def _text_colour_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour``."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(colour))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if luminance > 0.18 else "white"


def _new_figure(width: float = _WIDE, height: float = _WIDE * 9 / 16) -> Figure:
    """Create a free-standing figure with constrained layout."""
    return Figure(figsize=(width, height), layout="constrained")


def _message_figure(title: str, message: str) -> Figure:
    """A figure that states in words why there is nothing to plot."""
    fig = _new_figure(height=4.5)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        textwrap.fill(message, width=60),
        ha="center",
        va="center",
        fontsize=20,
        transform=ax.transAxes,
    )
    _suptitle(fig, title)
    return fig


def _require(table: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise a clear error when required columns are missing."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise KeyError(f"{what} table lacks column(s): {', '.join(missing)}")


def _bottom_legend(fig: Figure, handles: Sequence[Any], labels: Sequence[str]) -> None:
    """Put a legend in as few rows as fit under the plot area."""
    available = 0.95 * 72 * fig.get_figwidth()  # points
    ncol = max(1, len(labels))
    while ncol > 1:
        rows = [labels[i : i + ncol] for i in range(0, len(labels), ncol)]
        # ~8.7 pt per character at 15 pt, ~62 pt per legend handle and gap
        if max(sum(8.7 * len(label) + 62 for label in row) for row in rows) <= available:
            break
        ncol -= 1
    fig.legend(handles, labels, loc="outside lower center", ncol=ncol, handlelength=1.6)


def _suptitle(fig: Figure, title: str) -> None:
    """Figure title, wrapped so that it never runs off the figure."""
    width = int(60 * fig.get_figwidth() / _WIDE)
    fig.suptitle(textwrap.fill(title, width=width, break_long_words=False))


# --------------------------------------------------------------------------
# Headline: sales time use
# --------------------------------------------------------------------------

_MIN_SEGMENT_LABEL: Final = 3.0  # % of hours; narrower segments stay unlabelled


@_styled
def sales_time_use(summary: pd.DataFrame) -> Figure:
    """Stacked bar per scenario of how the salespeople spend their hours.

    Parameters
    ----------
    summary : pandas.DataFrame
        The ``summary`` table (one row per replication) with the five
        ``sales_share_*`` columns as fractions.

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal stacked bar per scenario (first scenario on top) of the
        mean shares over replications, in %, with each wide enough segment
        labelled with its value.

    Raises
    ------
    KeyError
        If a required column is missing.
    ValueError
        If the table is empty.
    """
    columns = [col for col, _, _ in SALES_ACTIVITIES]
    _require(summary, ["scenario", *columns], "summary")
    if summary.empty:
        raise ValueError("summary table is empty")
    order = scenario_order(summary)
    means = (
        summary.assign(scenario=summary["scenario"].astype(str))
        .groupby("scenario", sort=False)[columns]
        .mean()
        .reindex(order)
        * 100.0
    )
    n_reps = summary.groupby(summary["scenario"].astype(str), sort=False).size()

    fig = _new_figure(height=2.6 + 1.25 * len(order))
    ax = fig.add_subplot()
    y = np.arange(len(order), dtype=float)
    left = np.zeros(len(order))
    for col, label, colour in SALES_ACTIVITIES:
        widths = means[col].fillna(0.0).to_numpy(dtype=float)
        ax.barh(
            y,
            widths,
            left=left,
            height=0.62,
            color=colour,
            label=label,
            edgecolor="white",
            linewidth=1.5,
        )
        for yi, x0, width in zip(y, left, widths, strict=True):
            if width >= _MIN_SEGMENT_LABEL:
                ax.text(
                    x0 + width / 2,
                    yi,
                    f"{width:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=16 if width >= 6 else 13,
                    fontweight="bold",
                    color=_text_colour_on(colour),
                )
        left = left + widths

    tick_labels = [f"{_wrap(s)}\n(n = {n_reps.get(s, 0)})" for s in order]
    ax.set_yticks(y, tick_labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(100.0, float(left.max()) if left.size else 100.0))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel("Share of the salespeople's working hours (%), mean over replications")
    ax.grid(False)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    _bottom_legend(fig, handles, labels)
    _suptitle(fig, CHART_TITLES["sales_time_use"])
    return fig


# --------------------------------------------------------------------------
# Comparison table charts
# --------------------------------------------------------------------------


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
    scenarios = scenario_order(comparison)
    no_diff = comparison["diff"].isna().groupby(comparison["scenario"].astype(str)).all()
    candidates = [s for s in scenarios if bool(no_diff.get(s, False))]
    if not candidates:
        raise ValueError("comparison table has no baseline (a scenario with NaN diff)")
    if len(candidates) > 1:
        logger.warning(
            "several scenarios without paired differences (%s); taking %r as baseline",
            ", ".join(candidates),
            candidates[0],
        )
    return candidates[0]


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


def _label_offset(ax: Axes, x: float, y: float, text: str, above: bool, **kwargs: Any) -> None:
    """Write a value label just above (or below) a point."""
    ax.annotate(
        text,
        (x, y),
        xytext=(0, 8 if above else -8),
        textcoords="offset points",
        ha="center",
        va="bottom" if above else "top",
        **kwargs,
    )


def _short_number(name: str, value: float, signed: bool = False) -> str:
    """Compact display of a (scaled) value for a chart label."""
    if not math.isfinite(value):
        return "n/a"
    sign = "+" if signed else ""
    if is_share(name):
        text = f"{value:{sign}.1f}{' pp' if signed else '%'}"
    else:
        magnitude = abs(value)
        decimals = 0 if magnitude >= 100 else 1 if magnitude >= 1 else 2
        text = f"{value:{sign},.{decimals}f}"
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
                    rel_text = f"({rel:+.0%})".replace("-", "\N{MINUS SIGN}")
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


# --------------------------------------------------------------------------
# Weekly series
# --------------------------------------------------------------------------


def weekly_mean_ci(weekly: pd.DataFrame, figure: str, level: float = CI_LEVEL) -> pd.DataFrame:
    """Mean over replications per scenario and week with a t confidence interval.

    Parameters
    ----------
    weekly : pandas.DataFrame
        The ``weekly`` table (``scenario, replication, week, <figure>``).
    figure : str
        Column to summarise (values as stored, not rescaled).
    level : float, optional
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario, week, n, mean, ci_low, ci_high``, scenarios in
        order of first appearance, weeks ascending.  The interval is
        ``mean ± t(level, n - 1) · sd / sqrt(n)``; it is NaN when ``n < 2``.
    """
    _require(weekly, ["scenario", "week", figure], "weekly")
    table = weekly.assign(scenario=weekly["scenario"].astype(str))
    grouped = table.groupby(["scenario", "week"], sort=False)[figure]
    out = pd.DataFrame(
        {
            "n": grouped.count(),
            "mean": grouped.mean(),
            "sd": grouped.std(ddof=1),
        }
    ).reset_index()
    n = out["n"].to_numpy(dtype=float)
    df = np.where(n >= 2, n - 1, np.nan)
    t = np.full_like(n, np.nan)
    ok = np.isfinite(df)
    t[ok] = stats.t.ppf(0.5 + level / 2, df[ok])
    with np.errstate(invalid="ignore", divide="ignore"):
        half = t * out["sd"].to_numpy(dtype=float) / np.sqrt(n)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    rank = {s: i for i, s in enumerate(scenario_order(table))}
    out = out.assign(_rank=out["scenario"].map(rank)).sort_values(["_rank", "week"])
    return out.drop(columns=["sd", "_rank"]).reset_index(drop=True)


def _weekly_subtitle(weekly: pd.DataFrame) -> str:
    """Subtitle naming the replications behind the weekly means."""
    if "replication" in weekly.columns:
        n = int(weekly.groupby(weekly["scenario"].astype(str))["replication"].nunique().max())
        if n < 2:
            return "A single replication, so no confidence band"
        return f"Mean of {n} replications with {CI_LEVEL:.0%} confidence band"
    return f"Mean over replications with {CI_LEVEL:.0%} confidence band"


def _draw_weekly(fig: Figure, weekly: pd.DataFrame, figure: str) -> Axes:
    """Mean lines with CI bands per scenario and shaded warm-up weeks."""
    ax = fig.add_subplot()
    summary = weekly_mean_ci(weekly, figure)
    order = scenario_order(weekly)
    colours = _colours(order)
    scale = _scale(figure)
    handles: list[Any] = []
    labels: list[str] = []
    if "in_warmup" in weekly.columns:
        warm = weekly.loc[weekly["in_warmup"].eq(True), "week"]
        if not warm.empty:
            start, end = float(warm.min()) - 0.5, float(warm.max()) + 0.5
            span = ax.axvspan(start, end, color="#EEEEEE", zorder=0, linewidth=0)
            span.set_gid("warmup")
            ax.text(
                (start + end) / 2,
                0.98,
                "warm-up",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=14,
                color=_AXIS_COLOUR,
            )
            handles.append(Patch(color="#E4E4E4"))
            labels.append("Warm-up period")
    for scenario in order:
        rows = summary[summary["scenario"] == scenario]
        week = rows["week"].to_numpy(dtype=float)
        (line,) = ax.plot(week, rows["mean"].to_numpy(dtype=float) * scale, color=colours[scenario])
        low = rows["ci_low"].to_numpy(dtype=float) * scale
        high = rows["ci_high"].to_numpy(dtype=float) * scale
        if np.isfinite(low).any():
            band = ax.fill_between(
                week, low, high, color=colours[scenario], alpha=0.25, linewidth=0
            )
            band.set_gid(f"band:{scenario}")
            handles.append((Patch(color=colours[scenario], alpha=0.25, linewidth=0), line))
        else:
            handles.append(line)
        labels.append(scenario)
    ax.set_title(_weekly_subtitle(weekly), fontsize=15, fontweight="normal", color=_AXIS_COLOUR)
    ax.set_xlabel("Week")
    ax.set_ylabel(figure_label(figure))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(_value_formatter(figure))
    ax.margins(x=0.01)
    _bottom_legend(fig, handles, labels)
    return ax


@_styled
def weekly_series(weekly: pd.DataFrame, figure: str = "revenue") -> Figure:
    """Weekly mean over replications with a t confidence band per scenario.

    Parameters
    ----------
    weekly : pandas.DataFrame
        The ``weekly`` table.
    figure : str, optional
        Column to plot, e.g. ``"revenue"`` or ``"customers_active"``.

    Returns
    -------
    matplotlib.figure.Figure
        Lines of the mean per week with a shaded confidence band per scenario
        (see :func:`weekly_mean_ci`); warm-up weeks (``in_warmup``) are shaded
        grey.
    """
    if weekly.empty:
        raise ValueError("weekly table is empty")
    fig = _new_figure()
    _draw_weekly(fig, weekly, figure)
    _suptitle(fig, f"{figure_title(figure)} week by week")
    return fig


@_styled
def welch_plot(smoothed: pd.DataFrame, figure: str, warmup: int | None = None) -> Figure:
    """Welch's plot for choosing a warm-up: weekly mean and its moving average.

    Parameters
    ----------
    smoothed : pandas.DataFrame
        Columns ``scenario, week, mean, smoothed`` (``sim.stats.welch_moving_average``
        per scenario).
    figure : str
        The weekly column that was smoothed (for labels and units).
    warmup : int, optional
        Weeks a rule (MSER-5) suggests discarding; drawn as a dashed line.

    Returns
    -------
    matplotlib.figure.Figure
        Thin lines: the mean over replications per week; thick lines: Welch's
        moving average, which flattens once the warm-up is over.
    """
    _require(smoothed, ["scenario", "week", "mean", "smoothed"], "smoothed")
    order = scenario_order(smoothed)
    colours = _colours(order)
    scale = _scale(figure)
    fig = _new_figure()
    ax = fig.add_subplot()
    handles, labels = [], []
    for scenario in order:
        rows = smoothed[smoothed["scenario"].astype(str) == scenario]
        ax.plot(rows["week"], rows["mean"] * scale, color=colours[scenario], alpha=0.35, lw=1.2)
        (line,) = ax.plot(rows["week"], rows["smoothed"] * scale, color=colours[scenario])
        line.set_gid(f"welch:{scenario}")
        handles.append(line)
        labels.append(scenario)
    if warmup:
        ax.axvline(warmup, color="#555555", linestyle="--", linewidth=1.5)
        ax.annotate(
            f"MSER-5: discard {warmup} weeks",
            xy=(warmup, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(6, -6),
            textcoords="offset points",
            va="top",
            color="#333333",
        )
    ax.set_xlabel("Week")
    ax.set_ylabel(figure_label(figure))
    ax.yaxis.set_major_formatter(_value_formatter(figure))
    _bottom_legend(fig, handles, labels)
    _suptitle(fig, f"Choosing the warm-up: {figure_title(figure)}, Welch's moving average")
    return fig


@_styled
def insight_over_time(weekly: pd.DataFrame) -> Figure:
    """Mean market insight per week and scenario with its confidence band.

    Parameters
    ----------
    weekly : pandas.DataFrame
        The ``weekly`` table with an ``insight`` column.

    Returns
    -------
    matplotlib.figure.Figure
        As :func:`weekly_series` for ``insight``; if insight is zero in every
        scenario and week, a figure that says so in words instead.
    """
    title = CHART_TITLES["insight_over_time"]
    if weekly.empty or "insight" not in weekly.columns:
        return _message_figure(
            title, "No weekly insight was recorded, so there is nothing to plot."
        )
    values = weekly["insight"].to_numpy(dtype=float)
    if not np.any(np.nan_to_num(values) != 0):
        return _message_figure(
            title,
            "Insight stays at zero in every scenario and every week: no scenario builds "
            "up market insight, so there is no curve to draw.",
        )
    fig = _new_figure()
    _draw_weekly(fig, weekly, "insight")
    _suptitle(fig, title)
    return fig


# --------------------------------------------------------------------------
# Leads
# --------------------------------------------------------------------------

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


def funnel_counts(leads: pd.DataFrame) -> pd.DataFrame:
    """Mean number of leads per replication at each funnel stage and loss reason.

    Parameters
    ----------
    leads : pandas.DataFrame
        The ``leads`` table.

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
    return out.reindex(scenario_order(flags))


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
    contacted = leads[leads["contacted_h"].notna() & leads["wait_h"].notna()]
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
    ax.set_ylabel("Contacted leads that waited\nat most this long (%)")
    _bottom_legend(fig, handles, labels)
    _suptitle(fig, title)
    return fig


# --------------------------------------------------------------------------
# Saving and building everything
# --------------------------------------------------------------------------


def save_figure(fig: Figure, directory: str | Path, name: str) -> list[Path]:
    """Write a figure as ``name.png`` (150 dpi) and ``name.svg``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save.
    directory : str or pathlib.Path
        Target directory; created if needed.
    name : str
        File stem, without extension or path separators.

    Returns
    -------
    list of pathlib.Path
        The PNG path and the SVG path.

    Raises
    ------
    ValueError
        If ``name`` is empty or contains a path separator.
    """
    if not name or Path(name).name != name or name in {".", ".."}:
        raise ValueError(f"invalid figure name: {name!r}")
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    png = target / f"{name}.png"
    svg = target / f"{name}.svg"
    with rc_context(_STYLE):
        fig.savefig(png, format="png", dpi=_PNG_DPI)
        fig.savefig(svg, format="svg", metadata={"Date": None})
    logger.debug("saved %s and %s", png, svg)
    return [png, svg]


def _usable(table: pd.DataFrame | None) -> bool:
    """A table that exists and has rows."""
    return table is not None and not table.empty


@_styled
def all_charts(
    summary: pd.DataFrame | None,
    weekly: pd.DataFrame | None,
    leads: pd.DataFrame | None,
    comparison: pd.DataFrame | None,
) -> dict[str, Figure]:
    """Build every chart whose input is available.

    Parameters
    ----------
    summary, weekly, leads, comparison : pandas.DataFrame or None
        The output tables; ``None`` or empty tables (e.g. leads not kept)
        make the charts that need them be skipped.

    Returns
    -------
    dict of str to matplotlib.figure.Figure
        In this order, where available: ``sales_time_use``, ``key_figures``,
        ``paired_differences``, ``weekly_revenue``,
        ``weekly_customers_active``, ``lead_funnel``, ``wait_to_contact``,
        ``insight_over_time``.
    """
    charts: dict[str, Figure] = {}
    if (
        summary is not None
        and _usable(summary)
        and all(c in summary.columns for c, _, _ in SALES_ACTIVITIES)
    ):
        charts["sales_time_use"] = sales_time_use(summary)
    else:
        logger.info("skipping sales_time_use: no summary table")
    if comparison is not None and _usable(comparison):
        available = set(comparison["figure"].astype(str))
        figures = [f for f in DEFAULT_FIGURES if f in available]
        if figures:
            charts["key_figures"] = key_figures(comparison, figures)
            charts["paired_differences"] = paired_differences(comparison, figures)
        else:
            logger.info("skipping comparison charts: none of %s present", DEFAULT_FIGURES)
    if weekly is not None and _usable(weekly):
        for figure in ("revenue", "customers_active"):
            if figure in weekly.columns:
                charts[f"weekly_{figure}"] = weekly_series(weekly, figure)
    if leads is not None and _usable(leads):
        charts["lead_funnel"] = lead_funnel(leads)
        charts["wait_to_contact"] = wait_to_contact(leads)
    else:
        logger.info("skipping lead charts: no leads table")
    if weekly is not None and _usable(weekly):
        charts["insight_over_time"] = insight_over_time(weekly)
    return charts
