"""HTML and Markdown report of a flocksim comparison.

:func:`write_report` writes two files into a directory:

``report.html``
    One self-contained page: every chart of :func:`sim.charts.all_charts`
    embedded as a base64 PNG, the CSS inline, no external resources.  It prints
    well (``@media print`` rules, a page break before each section).
``report.md``
    The same tables in Markdown, with links to the chart PNG files saved in
    ``charts/`` next to it (an SVG of each chart is saved there too).

The report works only on the output tables (see ``docs/tables.md``), the
comparison table of ``sim.analysis.compare_to_baseline``, the scenarios' settings
and the run manifest; it never imports the simulation model.  Every piece of
user-supplied text (scenario names, settings, manifest values, the title) is
HTML-escaped.

The content (captions, facts, comparison rows, settings text) is gathered in
``_content``; ``_html`` and ``_markdown`` render it.  :func:`format_value` and
:func:`format_interval` live in :mod:`sim.formatting` and are re-exported here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis import baseline_of
from sim.charts import all_charts, chart_name, save_figure
from sim.figures import money_unit, scenario_label, scenario_order
from sim.formatting import format_interval, format_value
from sim.i18n import DEFAULT_LANG, check_lang, text
from sim.report._content import (
    ExtraSection,
    ReportContent,
    _comparison_rows,
    _facts,
    _reading_aid,
    chart_caption,
    comparison_headers,
)
from sim.report._html import render_html
from sim.report._markdown import render_markdown
from sim.report._settings import difference_rows, settings_text
from sim.story import (
    currency_of,
    horizon_weeks,
    scenarios_from_manifest,
    verdict,
    wait_caption,
)

__all__ = [
    "ExtraSection",
    "build_content",
    "format_interval",
    "format_value",
    "settings_text",
    "write_report",
]

logger = logging.getLogger(__name__)

HTML_NAME: Final = "report.html"
MARKDOWN_NAME: Final = "report.md"
CHARTS_DIR: Final = "charts"


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def build_content(
    *,
    summary: pd.DataFrame | None,
    leads: pd.DataFrame | None,
    comparison: pd.DataFrame | None,
    scenarios: Mapping[str, Any],
    manifest: Mapping[str, Any],
    title: str | None = None,
    lang: str = DEFAULT_LANG,
    chart_list: Iterable[str] = (),
    extra: Sequence[ExtraSection] = (),
) -> ReportContent:
    """Everything the report says, in ``lang`` (the app can show the same content)."""
    check_lang(lang)
    validated = scenarios_from_manifest(manifest)
    currency = currency_of(validated) if validated else None
    names = scenario_order(comparison, summary) or [str(n) for n in scenarios]
    baseline = baseline_of(comparison) or (names[0] if names else None)
    lines = (
        verdict(summary, baseline, lang=lang, currency=currency)
        if (summary is not None and baseline is not None and not summary.empty)
        else []
    )
    n = int(summary["replication"].nunique()) if lines and summary is not None else 0
    captions = {name: chart_caption(name, lang) for name in chart_list}
    if "wait_to_contact" in captions and leads is not None and not leads.empty:
        why = wait_caption(leads, validated, lang=lang, weeks=horizon_weeks(summary))
        captions["wait_to_contact"] = " ".join(filter(None, [captions["wait_to_contact"], why]))
    difference_names, differences = difference_rows(scenarios, lang)
    return ReportContent(
        title=title or text("report.title", lang),
        lang=lang,
        verdict=lines,
        verdict_note=text("report.verdict_note", lang, level="95%", n=n),
        facts=_facts(manifest, names, baseline, lang),
        reading_aid=_reading_aid(summary, lang),
        headers=comparison_headers(lang),
        rows=_comparison_rows(comparison, lang, currency),
        currency_note=text("report.money_in", lang, unit=money_unit(currency, lang)),
        difference_names=[scenario_label(name, lang) for name in difference_names],
        differences=differences,
        scenarios=scenarios,
        manifest=manifest,
        captions=captions,
        chart_names={name: chart_name(name, lang) for name in chart_list},
        extra=tuple(extra),
    )


def write_report(
    directory: str | Path,
    *,
    summary: pd.DataFrame | None,
    weekly: pd.DataFrame | None,
    leads: pd.DataFrame | None,
    comparison: pd.DataFrame | None,
    scenarios: Mapping[str, Any],
    manifest: Mapping[str, Any],
    title: str | None = None,
    lang: str = DEFAULT_LANG,
    extra: Sequence[ExtraSection] = (),
    extra_charts: Mapping[str, Figure] | None = None,
) -> tuple[Path, Path]:
    """Write ``report.html`` and ``report.md`` (plus chart files) into a directory.

    Parameters
    ----------
    directory : str or pathlib.Path
        Output directory; created if needed.  Charts go to ``directory/charts``
        as PNG and SVG.
    summary, weekly, leads : pandas.DataFrame or None
        Output tables as described in ``docs/tables.md``; a missing or empty
        table makes the charts that need it be left out.
    comparison : pandas.DataFrame or None
        Table of ``sim.analysis.compare_to_baseline`` (``figure, scenario, n,
        mean, ci_low, ci_high, diff, diff_low, diff_high, rel_change,
        share_better``).
    scenarios : mapping of str to mapping
        Each scenario's nested settings as loaded from its TOML file.
    manifest : mapping
        Facts about the run (version, seed, replications, scenario hashes, the
        scenarios' settings, ...): the currency and the speed-to-lead steps are
        read from the settings in it; shown in the appendix.
    title : str, optional
        Title of the report (default: "flocksim comparison" in ``lang``).
    lang : str, optional
        Language of every text, charts included (``sim.i18n.LANGUAGES``).
    extra : sequence of ExtraSection, optional
        Sections other parts of flocksim add (where the difference comes from,
        the assumptions register).
    extra_charts : mapping of str to Figure, optional
        Charts those sections show, saved in ``charts/`` with the others.

    Returns
    -------
    tuple of pathlib.Path
        Paths of ``report.html`` and ``report.md``.

    The page opens with the verdict (:func:`sim.story.verdict`: profit over the
    horizon, as "N times" with the interval of the ratio, or as a paired
    difference), then the headline chart, the settings that differ between
    the scenarios, the comparison table and the other charts; every setting
    and the run's facts are in the appendix.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    charts_dir = target / CHARTS_DIR

    figures = all_charts(summary, weekly, leads, comparison, lang=lang, manifest=dict(manifest))
    figures.update(extra_charts or {})
    png_paths: dict[str, Path] = {}
    pngs: dict[str, bytes] = {}
    for name, fig in figures.items():
        png, _svg = save_figure(fig, charts_dir, name)
        png_paths[name] = png
        pngs[name] = png.read_bytes()
    logger.info("saved %d charts in %s", len(png_paths), charts_dir)

    content = build_content(
        summary=summary,
        leads=leads,
        comparison=comparison,
        scenarios=scenarios,
        manifest=manifest,
        title=title,
        lang=lang,
        chart_list=list(figures),
        extra=extra,
    )
    html_path = target / HTML_NAME
    md_path = target / MARKDOWN_NAME
    html_path.write_text(render_html(content, pngs), encoding="utf-8")
    md_path.write_text(render_markdown(content, png_paths, target), encoding="utf-8")
    logger.info("wrote %s and %s", html_path, md_path)
    return html_path, md_path
