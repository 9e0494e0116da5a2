"""The shared look of flocksim's charts: palette, style and layout helpers.

Every chart is built with matplotlib's object-oriented API inside
:func:`matplotlib.rc_context` (the :func:`_styled` decorator), so it renders
on any backend, including headless ones, and leaves the caller's
``rcParams`` untouched.  The style is meant for projection in a workshop room
as much as for analysts: large type, axis labels with units, no top/right
spines, light horizontal gridlines only, and the colour-blind-safe Okabe-Ito
palette, with scenarios coloured in the order they first appear.

This module also holds what several charts share: the chart headlines
(:data:`CHART_TITLES`), the confidence level of bands and intervals, the colour
of each sales time category, tick formatters, and helpers for figures,
legends, titles and value labels.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, ParamSpec, TypeVar

import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, PercentFormatter

from sim.figures import is_share

# --------------------------------------------------------------------------
# Palette and shared constants
# --------------------------------------------------------------------------

P = ParamSpec("P")
R = TypeVar("R")

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

#: Colour of each sales time category (names and order: ``sim.figures``).
SALES_CATEGORY_COLOURS: Final[dict[str, str]] = {
    "selling": OKABE_ITO["bluish_green"],
    "prospecting": OKABE_ITO["orange"],
    "servicing": OKABE_ITO["sky_blue"],
    "expediting": OKABE_ITO["vermillion"],
    "idle": _IDLE_GREY,
}

#: Confidence level assumed for the comparison table and used for weekly bands.
CI_LEVEL: Final = 0.95

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
