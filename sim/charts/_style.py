"""The shared look of flocksim's charts: palette, fonts, style and layout helpers.

Every chart is built with matplotlib's object-oriented API inside
:func:`matplotlib.rc_context` (the :func:`_styled` decorator), so it renders
on any backend, including headless ones, and leaves the caller's
``rcParams`` untouched.  The style is meant for projection in a workshop room
as much as for analysts: large type, axis labels with units, no top/right
spines, light horizontal gridlines only, and the colour-blind-safe Okabe-Ito
palette.  Scenarios and sales time categories never share a colour (orange is
cold prospecting, never a scenario), and scenarios are coloured in the order
they first appear.

Text is set in DejaVu Sans (matplotlib's own) with the package's CJK font
(``sim/fonts``: a subset of Noto Sans CJK SC, OFL) as fallback for every
glyph DejaVu lacks, in every language, so that Chinese labels and Chinese
scenario names render in PNG, SVG and PDF.  The font is added to matplotlib's
font manager the first time a chart is built (:func:`register_fonts`), never
at import.

Every chart has the same frame (:func:`_new_chart`): a headline that states
the chart's message, computed from the data, over a grey line saying what the
numbers are (the horizon, the replications, the intervals), then the plot.
The module runs just past 400 lines because that frame, the palette and the
fonts are what every chart shares; apart, each chart would import three.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, ParamSpec, TypeVar

import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure, FigureBase, SubFigure
from matplotlib.ticker import Formatter, PercentFormatter

from sim.charts._fonts import CJK_FONT_FAMILY, _fill, _width, register_fonts
from sim.figures import is_money, is_share
from sim.formatting import MINUS, compact_parts, format_horizon
from sim.i18n import DEFAULT_LANG, text

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

_IDLE_GREY: Final = "#BBBBBB"

#: Colours given to scenarios, in scenario order.  None is a sales time
#: category's colour (tests/test_charts.py holds this), so a colour means one
#: thing across charts: Okabe-Ito blue and reddish purple first, then dark
#: colours from Paul Tol's palettes, yellow last (weak on white).
SCENARIO_COLOURS: Final[tuple[str, ...]] = (
    OKABE_ITO["blue"],
    OKABE_ITO["reddish_purple"],
    "#555555",  # dark grey (idle is light grey)
    "#882255",  # wine
    "#999933",  # olive
    "#332288",  # indigo
    OKABE_ITO["black"],
    OKABE_ITO["yellow"],
)
_SCENARIO_COLOURS: Final = SCENARIO_COLOURS

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

#: The charts made by :func:`all_charts`, in order.
CHART_NAMES: Final[tuple[str, ...]] = (
    "sales_time_use",
    "key_figures",
    "paired_differences",
    "weekly_revenue",
    "weekly_customers_active",
    "lead_funnel",
    "wait_to_contact",
    "insight_over_time",
)


def chart_name(name: str, lang: str = DEFAULT_LANG) -> str:
    """What a chart shows, in a few words (a section heading, an image's alt text).

    The chart's own headline states its message, computed from the data; this
    is the fixed name, e.g. ``"Where the salespeople's hours go"``.
    """
    if name in CHART_NAMES:
        return text(f"chart.name.{name}", lang)
    return name.replace("_", " ").capitalize()


class _EnglishNames(Mapping[str, str]):
    def __getitem__(self, key: str) -> str:
        if key not in CHART_NAMES:
            raise KeyError(key)
        return chart_name(key)

    def __iter__(self) -> Iterator[str]:
        return iter(CHART_NAMES)

    def __len__(self) -> int:
        return len(CHART_NAMES)


#: English names of the charts made by :func:`all_charts` (:func:`chart_name`
#: for another language).
CHART_TITLES: Final[Mapping[str, str]] = _EnglishNames()

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
    "figure.titlesize": 21,
    "figure.titleweight": "bold",
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "lines.linewidth": 2.8,
    "errorbar.capsize": 8,
    "text.color": _TEXT_COLOUR,
    # DejaVu for Latin, the package's CJK font for every glyph DejaVu lacks
    "font.family": ["DejaVu Sans", CJK_FONT_FAMILY],
    "svg.fonttype": "path",
}

_WIDE: Final = 12.0  # inches; 16:9 at 12 x 6.75
_PNG_DPI: Final = 150
_WRAP: Final = 16  # characters per line of a scenario tick label


def _styled(func: Callable[P, R]) -> Callable[P, R]:
    """Run a chart-building function inside the module's rc_context."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        register_fonts()
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
        shown = f"{x:,.{self._decimals}f}"
        if shown.lstrip("-").strip("0.,") == "":
            return "0"
        return shown.replace("-", MINUS)


class _MoneyFormatter(Formatter):
    """Compact money ticks with one suffix for the axis: 0, 5 M, 10 M (or 万 in Chinese)."""

    def __init__(self, lang: str = DEFAULT_LANG, currency: str | None = None) -> None:
        super().__init__()
        self._lang = lang
        self._currency = currency
        self._divisor, self._suffix, self._decimals = 1.0, "", 0

    def set_locs(self, locs: list[float]) -> None:
        super().set_locs(locs)
        values = np.asarray(locs, dtype=float)
        values = values[np.isfinite(values)]
        largest = float(np.abs(values).max()) if values.size else 0.0
        self._divisor, self._suffix = compact_parts(largest, self._lang, self._currency)
        scaled = values / self._divisor
        self._decimals = 0
        for decimals in range(4):
            self._decimals = decimals
            if np.allclose(np.round(scaled, decimals), scaled, rtol=0, atol=1e-9):
                break

    def __call__(self, x: float, pos: int | None = None) -> str:
        scaled = x / self._divisor
        shown = f"{scaled:,.{self._decimals}f}"
        if shown.lstrip("-").strip("0.,") == "":
            return "0"
        if self._suffix:
            shown = f"{shown} {self._suffix}"
        return shown.replace("-", MINUS)


def _value_formatter(name: str, lang: str = DEFAULT_LANG, currency: str | None = None) -> Formatter:
    """Return a tick formatter for values of ``name`` (already scaled)."""
    if is_share(name):
        return PercentFormatter(xmax=100, decimals=None)
    if is_money(name):
        return _MoneyFormatter(lang, currency)
    return _NumberFormatter()


def _scale(name: str) -> float:
    """Factor turning stored values of ``name`` into displayed values."""
    return 100.0 if is_share(name) else 1.0


def _colours(scenarios: Sequence[str]) -> dict[str, str]:
    """Map scenarios (in order) to palette colours."""
    return {s: _SCENARIO_COLOURS[i % len(_SCENARIO_COLOURS)] for i, s in enumerate(scenarios)}


def _wrap(label: str, width: int = _WRAP) -> str:
    """Wrap a tick label onto several lines."""
    return _fill(label, width) or label


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


def _new_chart(
    headline: str, subtitle: str, width: float = _WIDE, height: float = _WIDE * 9 / 16
) -> tuple[Figure, SubFigure]:
    """A figure with a headline (the message) over a grey subtitle, and the body to draw in.

    The body is a subfigure, so that constrained layout stacks headline, subtitle,
    plots and a bottom legend without overlap.
    """
    fig = _new_figure(width, height)
    body = fig.subfigures(1, 1)
    assert isinstance(body, SubFigure)  # one row, one column: a single subfigure
    _suptitle(fig, headline)
    if subtitle:
        wrap = int(95 * fig.get_figwidth() / _WIDE)
        body.suptitle(
            "\n".join(_fill(line, wrap) for line in subtitle.split("\n")),
            fontsize=14,
            fontweight="normal",
            color=_AXIS_COLOUR,
        )
    return fig, body


def chart_subtitle(
    lang: str,
    *,
    weeks: float | None = None,
    replications: int | None = None,
    interval: str | None = None,
) -> str:
    """The grey line under a headline: horizon, replications and what the intervals are.

    Parameters
    ----------
    lang : str
        Language.
    weeks : float, optional
        Weeks the figures cover (stated on every time-dependent chart).
    replications : int, optional
        Replications averaged.
    interval : str, optional
        Catalogue key (under ``chart.interval``) naming the intervals drawn.
    """
    parts = []
    if weeks is not None and np.isfinite(weeks) and weeks > 0:
        parts.append(text("chart.over", lang, horizon=format_horizon(weeks, lang)))
    if replications is not None and replications > 0:
        key = "chart.replications_one" if replications == 1 else "chart.replications"
        parts.append(text(key, lang, n=replications))
    if interval is not None:
        parts.append(text(f"chart.interval.{interval}", lang, level=f"{CI_LEVEL:.0%}"))
    return text("chart.separator", lang).join(parts)


def sentence(phrase: str, lang: str = DEFAULT_LANG) -> str:
    """A phrase made the start of a sentence (English: first letter upper case)."""
    if lang == "en" and phrase[:1].islower() and phrase.startswith("the "):
        return phrase[0].upper() + phrase[1:]
    return phrase


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


def _bottom_legend(fig: FigureBase, handles: Sequence[Any], labels: Sequence[str]) -> None:
    """Put a legend in as few rows as fit under the plot area."""
    available = 0.95 * 72 * fig.get_figure(root=True).get_figwidth()  # points
    ncol = max(1, len(labels))
    while ncol > 1:
        rows = [labels[i : i + ncol] for i in range(0, len(labels), ncol)]
        # ~8.7 pt per character at 15 pt (twice that for a CJK character),
        # ~62 pt per legend handle and gap
        if max(sum(8.7 * _width(label) + 62 for label in row) for row in rows) <= available:
            break
        ncol -= 1
    fig.legend(handles, labels, loc="outside lower center", ncol=ncol, handlelength=1.6)


def _suptitle(fig: FigureBase, title: str) -> None:
    """Figure title, wrapped so that it never runs off the figure."""
    width = int(64 * fig.get_figwidth() / _WIDE) if isinstance(fig, Figure) else 64
    fig.suptitle(_fill(title, width))


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
