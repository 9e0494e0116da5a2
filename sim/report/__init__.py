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
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pandas as pd

from sim.analysis import baseline_of
from sim.charts import all_charts, save_figure
from sim.figures import scenario_order
from sim.formatting import format_interval, format_value
from sim.report._content import _comparison_rows, _facts, _reading_aid, settings_text
from sim.report._html import render_html
from sim.report._markdown import render_markdown

__all__ = ["format_interval", "format_value", "settings_text", "write_report"]

logger = logging.getLogger(__name__)

HTML_NAME: Final = "report.html"
MARKDOWN_NAME: Final = "report.md"
CHARTS_DIR: Final = "charts"


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def write_report(
    directory: str | Path,
    *,
    summary: pd.DataFrame | None,
    weekly: pd.DataFrame | None,
    leads: pd.DataFrame | None,
    comparison: pd.DataFrame | None,
    scenarios: Mapping[str, Any],
    manifest: Mapping[str, Any],
    title: str = "flocksim comparison",
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
        Facts about the run (version, seed, replications, scenario hashes,
        ...), shown as a table.
    title : str, optional
        Title of the report.

    Returns
    -------
    tuple of pathlib.Path
        Paths of ``report.html`` and ``report.md``.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    charts_dir = target / CHARTS_DIR

    figures = all_charts(summary, weekly, leads, comparison)
    png_paths: dict[str, Path] = {}
    pngs: dict[str, bytes] = {}
    for name, fig in figures.items():
        png, _svg = save_figure(fig, charts_dir, name)
        png_paths[name] = png
        pngs[name] = png.read_bytes()
    logger.info("saved %d charts in %s", len(png_paths), charts_dir)

    names = scenario_order(comparison, summary) or [str(n) for n in scenarios]
    facts = _facts(manifest, names, baseline_of(comparison))
    rows = _comparison_rows(comparison)
    reading_aid = _reading_aid(summary)

    html_path = target / HTML_NAME
    md_path = target / MARKDOWN_NAME
    html_path.write_text(
        render_html(title, facts, pngs, reading_aid, rows, scenarios, manifest),
        encoding="utf-8",
    )
    md_path.write_text(
        render_markdown(title, facts, png_paths, target, reading_aid, rows, scenarios, manifest),
        encoding="utf-8",
    )
    logger.info("wrote %s and %s", html_path, md_path)
    return html_path, md_path
