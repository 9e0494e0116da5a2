"""The HTML report: one self-contained, printable page.

:func:`render_html` lays out the report's content (see ``_content``) as a
single page: every chart embedded as a base64 PNG, the CSS inline, no
external resources, and ``@media print`` rules with a page break before each
section.  Every piece of text is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from typing import Any, Final

from sim.charts import CHART_TITLES, CI_LEVEL
from sim.report._content import (
    _COMPARISON_HEADERS,
    CHART_CAPTIONS,
    _ComparisonRow,
    _Facts,
    _flatten_manifest,
    settings_text,
)

_CSS: Final = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif;
  font-size: 17px; line-height: 1.5; color: #222; background: #fff;
  max-width: 1150px; margin: 0 auto; padding: 1.5rem 1.5rem 4rem;
}
h1 { font-size: 2.1rem; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.6rem; border-bottom: 2px solid #ddd; padding-bottom: 0.2rem;
     margin-top: 2.8rem; }
h3 { font-size: 1.25rem; margin-top: 2rem; }
.meta { color: #555; margin: 0 0 1rem; }
.reading-aid { font-size: 1.15rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem;
           margin: 1rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
nav ol { columns: 2; padding-left: 1.2rem; }
figure { margin: 1.5rem 0 2rem; }
figure img { display: block; width: 100%; height: auto; }
figcaption { color: #444; font-size: 0.98rem; margin-top: 0.4rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 1rem 0; }
th, td { padding: 0.35rem 0.6rem; border-bottom: 1px solid #e2e2e2; text-align: left;
         vertical-align: top; }
thead th { background: #f3f3f3; border-bottom: 2px solid #ccc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.figure { font-weight: 600; min-width: 9rem; }
tr.group-start td { border-top: 2px solid #ccc; }
.muted { color: #777; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre.settings { background: #f6f6f6; border: 1px solid #e2e2e2; padding: 0.8rem 1rem;
               overflow-x: auto; font-size: 0.9rem; line-height: 1.4; }
@page { margin: 15mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  section { break-before: page; page-break-before: always; }
  section.first { break-before: auto; page-break-before: auto; }
  figure, pre, tr, dl.facts { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  pre.settings { white-space: pre-wrap; }
}
"""


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------


def _e(text: Any) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(text), quote=True)


def _html_facts(facts: _Facts) -> str:
    """The facts list at the top of the page."""
    items = facts.items()
    body = "\n".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
    return f'<dl class="facts">\n{body}\n</dl>'


def _html_figure(name: str, png: bytes, caption: str) -> str:
    """A chart embedded as a base64 PNG with its caption."""
    data = base64.b64encode(png).decode("ascii")
    title = CHART_TITLES.get(name, name.replace("_", " ").capitalize())
    return (
        f'<figure id="chart-{_e(name)}">\n'
        f'<img src="data:image/png;base64,{data}" alt="{_e(title)}">\n'
        f"<figcaption>{_e(caption)}</figcaption>\n</figure>"
    )


def _html_comparison(rows: Sequence[_ComparisonRow]) -> str:
    """The comparison table as HTML."""
    if not rows:
        return '<p class="muted">No comparison table was given.</p>'
    num = ' class="num"'
    head = "".join(
        f'<th scope="col"{num if i >= 2 else ""}>{_e(h)}</th>'
        for i, h in enumerate(_COMPARISON_HEADERS)
    )
    span: dict[int, int] = {}
    start = 0
    for i, row in enumerate(rows):
        if row.first_of_figure:
            start = i
        span[start] = span.get(start, 0) + 1
    body: list[str] = []
    for i, row in enumerate(rows):
        cells = []
        if row.first_of_figure:
            cells.append(f'<td class="figure" rowspan="{span[i]}">{_e(row.figure)}</td>')
        cells += [
            f"<td>{_e(row.scenario)}</td>",
            f'<td class="num">{_e(row.n)}</td>',
            f'<td class="num">{_e(row.mean)}</td>',
            f'<td class="num{" muted" if row.is_baseline else ""}">{_e(row.diff)}</td>',
            f'<td class="num">{_e(row.rel_change)}</td>',
            f'<td class="num">{_e(row.share_better)}</td>',
        ]
        css = ' class="group-start"' if row.first_of_figure and i else ""
        body.append(f"<tr{css}>{''.join(cells)}</tr>")
    return (
        '<table class="comparison">\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"
    )


def _html_settings(scenarios: Mapping[str, Any], hashes: Mapping[str, str]) -> str:
    """Each scenario's settings as an escaped TOML-like block."""
    if not scenarios:
        return '<p class="muted">No scenario settings were given.</p>'
    parts = []
    for name, settings in scenarios.items():
        digest = hashes.get(str(name))
        meta = f'<p class="meta">Settings hash: <code>{_e(digest)}</code></p>' if digest else ""
        parts.append(
            f"<h3>{_e(name)}</h3>\n{meta}\n"
            f'<pre class="settings">{_e(settings_text(settings))}</pre>'
        )
    return "\n".join(parts)


def _html_manifest(manifest: Mapping[str, Any]) -> str:
    """The manifest as a two-column table."""
    rows = _flatten_manifest(manifest)
    if not rows:
        return '<p class="muted">No manifest was given.</p>'
    body = "\n".join(f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>' for k, v in rows)
    return (
        '<table class="manifest">\n<thead><tr><th scope="col">Key</th>'
        f'<th scope="col">Value</th></tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'
    )


def render_html(
    title: str,
    facts: _Facts,
    pngs: Mapping[str, bytes],
    reading_aid: str,
    rows: Sequence[_ComparisonRow],
    scenarios: Mapping[str, Any],
    manifest: Mapping[str, Any],
) -> str:
    """The whole HTML page."""
    headline = "sales_time_use"
    sections: list[tuple[str, str, str]] = []
    if headline in pngs:
        sections.append(
            (
                "headline",
                CHART_TITLES[headline],
                f'<p class="reading-aid">{_e(reading_aid)}</p>\n'
                + _html_figure(headline, pngs[headline], CHART_CAPTIONS[headline]),
            )
        )
    sections.append(
        (
            "comparison",
            "Comparison with the baseline",
            "<p>Mean of each scenario over its replications and, for the other "
            "scenarios, the paired difference to the baseline (replication by "
            f"replication) with {CI_LEVEL:.0%} confidence intervals. Shares are in %, "
            "their differences in percentage points (pp); money is in money units.</p>\n"
            + _html_comparison(rows),
        )
    )
    others = [name for name in pngs if name != headline]
    if others:
        figures = "\n".join(
            f"<h3>{_e(CHART_TITLES.get(n, n))}</h3>\n"
            + _html_figure(n, pngs[n], CHART_CAPTIONS.get(n, ""))
            for n in others
        )
        sections.append(("charts", "Charts", figures))
    sections.append(("scenarios", "Scenario settings", _html_settings(scenarios, facts.hashes)))
    sections.append(("manifest", "Run manifest", _html_manifest(manifest)))

    nav = "\n".join(f'<li><a href="#{sid}">{_e(head)}</a></li>' for sid, head, _ in sections)
    first = ' class="first"'
    body = "\n".join(
        f'<section id="{sid}"{first if i == 0 else ""}>\n<h2>{_e(head)}</h2>\n{content}\n</section>'
        for i, (sid, head, content) in enumerate(sections)
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{_e(title)}</h1>
{_html_facts(facts)}
<nav><ol>
{nav}
</ol></nav>
</header>
<main>
{body}
</main>
</body>
</html>
"""
