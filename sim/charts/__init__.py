"""Charts for flocksim output tables.

Every public chart function takes pandas DataFrames whose columns follow
``docs/tables.md`` (or the tidy comparison table made by
``sim.analysis.compare_to_baseline``) and returns a :class:`matplotlib.figure.Figure`.
Every one takes ``lang`` (``"en"`` or ``"zh"``, see :mod:`sim.i18n`); money
charts take the scenarios' ``currency``; time-dependent charts the ``weeks``
their figures cover, stated under the headline.  Each headline states the
chart's message, computed from the data (:mod:`sim.story`).
The package never touches pyplot or global matplotlib state: figures are built
with the object-oriented API inside :func:`matplotlib.rc_context`, so they
render on any backend (including headless ones) and leave the caller's
``rcParams`` untouched.  Scenarios always appear in the order in which they
first appear in the table.

The charts live in submodules by subject (``time_use``, ``comparison``,
``differences``, ``series``, ``leads``; the shared style in ``_style``, the CJK
font in ``_fonts``) and are re-exported
here, together with :func:`save_figure` and :func:`all_charts`, which builds
every chart whose input is available.  The names and units of figures and
the figures drawn by default come from :mod:`sim.figures` and are re-exported
for convenience.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure

from sim.charts._fonts import CJK_FONT_FAMILY, font_paths, register_fonts
from sim.charts._style import (
    _PNG_DPI,
    _STYLE,
    CHART_NAMES,
    CHART_TITLES,
    CI_LEVEL,
    OKABE_ITO,
    SALES_CATEGORY_COLOURS,
    SCENARIO_COLOURS,
    _styled,
    chart_name,
)
from sim.charts.comparison import key_figures
from sim.charts.differences import paired_differences
from sim.charts.leads import funnel_counts, lead_funnel, wait_to_contact
from sim.charts.series import insight_over_time, weekly_mean_ci, weekly_series, welch_plot
from sim.charts.time_use import sales_time_use
from sim.figures import (
    DEFAULT_FIGURES,
    FIGURE_LABELS,
    SALES_SHARE_COLUMNS,
    diff_unit,
    figure_label,
    figure_title,
    figure_unit,
    is_money,
    is_share,
    scenario_order,
)
from sim.i18n import DEFAULT_LANG, check_lang
from sim.scenario import Scenario
from sim.story import currency_of, horizon_weeks, scenarios_from_manifest

__all__ = [
    "CHART_NAMES",
    "CHART_TITLES",
    "CI_LEVEL",
    "CJK_FONT_FAMILY",
    "DEFAULT_FIGURES",
    "FIGURE_LABELS",
    "OKABE_ITO",
    "SALES_CATEGORY_COLOURS",
    "SCENARIO_COLOURS",
    "all_charts",
    "chart_name",
    "diff_unit",
    "figure_label",
    "figure_title",
    "figure_unit",
    "font_paths",
    "funnel_counts",
    "insight_over_time",
    "is_money",
    "is_share",
    "key_figures",
    "lead_funnel",
    "paired_differences",
    "register_fonts",
    "sales_time_use",
    "save_figure",
    "scenario_order",
    "wait_to_contact",
    "weekly_mean_ci",
    "weekly_series",
    "welch_plot",
]

logger = logging.getLogger(__name__)


def save_figure(
    fig: Figure, directory: str | Path, name: str, formats: tuple[str, ...] = ("png", "svg")
) -> list[Path]:
    """Write a figure as ``name.png`` (150 dpi) and ``name.svg`` (or other formats).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save.
    directory : str or pathlib.Path
        Target directory; created if needed.
    name : str
        File stem, without extension or path separators.
    formats : tuple of str, optional
        File formats, in order (``"png"``, ``"svg"``, ``"pdf"``); text is kept
        as outlines in SVG and embedded (subset) in PDF, so Chinese shows
        wherever the file is opened.

    Returns
    -------
    list of pathlib.Path
        One path per format, in order.

    Raises
    ------
    ValueError
        If ``name`` is empty or contains a path separator.
    """
    if not name or Path(name).name != name or name in {".", ".."}:
        raise ValueError(f"invalid figure name: {name!r}")
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    register_fonts()
    paths = []
    with rc_context(_STYLE):
        for fmt in formats:
            path = target / f"{name}.{fmt}"
            metadata = {"Date": None} if fmt == "svg" else {"CreationDate": None}
            options = {"dpi": _PNG_DPI} if fmt == "png" else {"metadata": metadata}
            fig.savefig(path, format=fmt, **options)
            paths.append(path)
    logger.debug("saved %s", ", ".join(map(str, paths)))
    return paths


def _usable(table: pd.DataFrame | None) -> bool:
    """A table that exists and has rows."""
    return table is not None and not table.empty


@_styled
def all_charts(
    summary: pd.DataFrame | None,
    weekly: pd.DataFrame | None,
    leads: pd.DataFrame | None,
    comparison: pd.DataFrame | None,
    *,
    lang: str = DEFAULT_LANG,
    manifest: dict | None = None,
    scenarios: dict[str, Scenario] | None = None,
    currency: str | None = None,
) -> dict[str, Figure]:
    """Build every chart whose input is available.

    Parameters
    ----------
    summary, weekly, leads, comparison : pandas.DataFrame or None
        The output tables; ``None`` or empty tables (e.g. leads not kept)
        make the charts that need them be skipped.
    lang : str, optional
        Language of every text (``sim.i18n.LANGUAGES``).
    manifest : dict, optional
        The run's manifest: the scenarios' settings in it give the currency and
        the speed-to-lead steps (when ``scenarios`` is not given).
    scenarios : dict of str to Scenario, optional
        The scenarios by name (e.g. from ``sim.load_scenario``).
    currency : str, optional
        Currency of money figures (default: the scenarios').

    Returns
    -------
    dict of str to matplotlib.figure.Figure
        In this order, where available: ``sales_time_use``, ``key_figures``,
        ``paired_differences``, ``weekly_revenue``,
        ``weekly_customers_active``, ``lead_funnel``, ``wait_to_contact``,
        ``insight_over_time``.
    """
    check_lang(lang)
    if scenarios is None:
        scenarios = scenarios_from_manifest(manifest)
    if currency is None and scenarios:
        currency = currency_of(scenarios)
    weeks = horizon_weeks(summary)
    charts: dict[str, Figure] = {}
    if (
        summary is not None
        and _usable(summary)
        and all(column in summary.columns for column in SALES_SHARE_COLUMNS)
    ):
        charts["sales_time_use"] = sales_time_use(summary, lang=lang, weeks=weeks)
    else:
        logger.info("skipping sales_time_use: no summary table")
    if comparison is not None and _usable(comparison):
        available = set(comparison["figure"].astype(str))
        figures = [f for f in DEFAULT_FIGURES if f in available]
        if figures:
            options: dict[str, Any] = {"lang": lang, "currency": currency, "weeks": weeks}
            charts["key_figures"] = key_figures(comparison, figures, **options)
            charts["paired_differences"] = paired_differences(comparison, figures, **options)
        else:
            logger.info("skipping comparison charts: none of %s present", DEFAULT_FIGURES)
    if weekly is not None and _usable(weekly):
        for figure in ("revenue", "customers_active"):
            if figure in weekly.columns:
                charts[f"weekly_{figure}"] = weekly_series(
                    weekly, figure, lang=lang, currency=currency
                )
    if leads is not None and _usable(leads):
        charts["lead_funnel"] = lead_funnel(leads, lang=lang, weeks=weeks)
        charts["wait_to_contact"] = wait_to_contact(
            leads, lang=lang, scenarios=scenarios, weeks=weeks
        )
    else:
        logger.info("skipping lead charts: no leads table")
    if weekly is not None and _usable(weekly):
        charts["insight_over_time"] = insight_over_time(weekly, lang=lang)
    return charts
