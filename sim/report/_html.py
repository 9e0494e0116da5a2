"""The HTML report: one self-contained, printable page.

:func:`render_html` lays out the report's content (see ``_content``) as a
single page: the verdict first, then the headline chart, what differs between
the scenarios, the comparison table, the other charts, and an appendix with
every setting and the run's facts.  Every chart is embedded as a base64 PNG,
the CSS is inline, there are no external resources, and ``@media print`` rules
put a page break before each section.  A page with Chinese text embeds the
package's CJK font (``sim/fonts``, OFL) as a fallback, so it shows wherever it
is opened.  Every piece of text is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from sim.charts import font_paths
from sim.report._content import (
    ExtraSection,
    ReportContent,
    _ComparisonRow,
    _Facts,
    _flatten_manifest,
)
from sim.report._settings import settings_text

_CSS: Final = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  font-family: "flocksim CJK", system-ui, -apple-system, "Segoe UI", Roboto,
    "Helvetica Neue", Arial, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  font-size: 17px; line-height: 1.5; color: #222; background: #fff;
  max-width: 1150px; margin: 0 auto; padding: 1.5rem 1.5rem 4rem;
}
h1 { font-size: 2.1rem; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.6rem; border-bottom: 2px solid #ddd; padding-bottom: 0.2rem;
     margin-top: 2.8rem; }
h3 { font-size: 1.25rem; margin-top: 2rem; }
.meta { color: #555; margin: 0 0 1rem; }
.reading-aid { font-size: 1.15rem; }
.verdict { font-size: 1.45rem; font-weight: 600; line-height: 1.4; margin: 1rem 0 0.4rem; }
.note { color: #555; font-size: 0.95rem; }
td.key { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
         white-space: nowrap; }
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
    """The facts of the run as a definition list."""
    items = facts.items()
    body = "\n".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
    return f'<dl class="facts">\n{body}\n</dl>'


def _html_figure(name: str, png: bytes, alt: str, caption: str) -> str:
    """A chart embedded as a base64 PNG with its caption."""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure id="chart-{_e(name)}">\n'
        f'<img src="data:image/png;base64,{data}" alt="{_e(alt)}">\n'
        f"<figcaption>{_e(caption)}</figcaption>\n</figure>"
    )


def _html_comparison(content: ReportContent) -> str:
    """The comparison table as HTML."""
    rows: Sequence[_ComparisonRow] = content.rows
    if not rows:
        return f'<p class="muted">{_e(content.t("report.no_comparison"))}</p>'
    num = ' class="num"'
    head = "".join(
        f'<th scope="col"{num if i >= 2 else ""}>{_e(h)}</th>'
        for i, h in enumerate(content.headers)
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


def _html_differences(content: ReportContent) -> str:
    """The settings that differ between the scenarios, one row each."""
    if not content.differences:
        return f'<p class="muted">{_e(content.t("report.no_differences"))}</p>'
    head = "".join(
        f'<th scope="col">{_e(h)}</th>'
        for h in (content.t("report.column.setting"), content.t("report.column.meaning"))
    )
    head += "".join(f'<th scope="col">{_e(name)}</th>' for name in content.difference_names)
    body = "\n".join(
        f'<tr><td class="key">{_e(key)}</td><td>{_e(meaning)}</td>'
        + "".join(f"<td>{_e(v)}</td>" for v in values)
        + "</tr>"
        for key, meaning, values in content.differences
    )
    return (
        f'<table class="differences">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n'
        "</tbody>\n</table>"
    )


def _html_extra(content: ReportContent, section: ExtraSection, pngs: Mapping[str, bytes]) -> str:
    """An extra section: paragraphs, its chart, its table, notes."""
    parts = [f"<p>{_e(paragraph)}</p>" for paragraph in section.paragraphs]
    if section.chart and section.chart in pngs:
        alt = content.chart_names.get(section.chart, section.heading)
        parts.append(_html_figure(section.chart, pngs[section.chart], alt, section.caption))
    if section.headers:
        head = "".join(f'<th scope="col">{_e(h)}</th>' for h in section.headers)
        body = "\n".join(
            "<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>"
            for row in section.rows
        )
        parts.append(
            f'<table class="{_e(section.key)}">\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{body}\n</tbody>\n</table>"
        )
    parts += [f'<p class="note">{_e(note)}</p>' for note in section.notes]
    return "\n".join(parts)


def _html_settings(content: ReportContent) -> str:
    """Each scenario's settings as an escaped TOML-like block."""
    if not content.scenarios:
        return f'<p class="muted">{_e(content.t("report.no_settings"))}</p>'
    parts = []
    for name, settings in content.scenarios.items():
        digest = content.facts.hashes.get(str(name))
        meta = (
            f'<p class="meta">{_e(content.t("report.settings_hash"))} <code>{_e(digest)}</code></p>'
            if digest
            else ""
        )
        parts.append(
            f"<h3>{_e(name)}</h3>\n{meta}\n"
            f'<pre class="settings">{_e(settings_text(settings))}</pre>'
        )
    return "\n".join(parts)


def _html_manifest(content: ReportContent) -> str:
    """The facts of the run and the manifest as a two-column table."""
    rows = _flatten_manifest(content.manifest, lang=content.lang)
    if not rows:
        return _html_facts(content.facts) + (
            f'\n<p class="muted">{_e(content.t("report.no_manifest"))}</p>'
        )
    body = "\n".join(f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>' for k, v in rows)
    return (
        _html_facts(content.facts)
        + '\n<table class="manifest">\n<thead><tr>'
        + f'<th scope="col">{_e(content.t("report.column.key"))}</th>'
        + f'<th scope="col">{_e(content.t("report.column.value"))}</th></tr></thead>\n'
        + f"<tbody>\n{body}\n</tbody>\n</table>"
    )


_CJK: Final = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _needs_cjk(page: str) -> bool:
    """Whether the page has CJK characters (ideographs, kana, CJK punctuation)."""
    return _CJK.search(page) is not None


#: What the embedded CJK font draws; everything else falls through to the system fonts.
_CJK_RANGE: Final = "U+2E80-9FFF, U+F900-FAFF, U+FF00-FFEF"


def _font_face() -> str:
    """The package's CJK font (Regular) as an inline @font-face rule, for CJK text only.

    It heads the font list with a ``unicode-range``, so it draws the Chinese and the
    system font the rest (a font late in the list is not reliably reached for the
    characters the first ones lack).  One weight keeps the page light; browsers
    embolden it for headings.
    """
    data = base64.b64encode(font_paths()[0].read_bytes()).decode("ascii")
    return (
        '@font-face { font-family: "flocksim CJK"; font-weight: normal; '
        f"unicode-range: {_CJK_RANGE}; "
        f'src: url("data:font/otf;base64,{data}") format("opentype"); }}'
    )


def render_html(content: ReportContent, pngs: Mapping[str, bytes]) -> str:
    """The whole HTML page."""
    headline = "sales_time_use"
    sections: list[tuple[str, str, str]] = []
    verdict = "".join(f'<p class="verdict">{_e(line)}</p>\n' for line in content.verdict)
    if verdict:
        verdict += f'<p class="note">{_e(content.verdict_note)}</p>\n'
    opening = verdict
    if headline in pngs:
        opening += f'<p class="reading-aid">{_e(content.reading_aid)}</p>\n' + _html_figure(
            headline,
            pngs[headline],
            content.chart_names[headline],
            content.captions[headline],
        )
    if opening:
        sections.append(("headline", content.t("report.section.verdict"), opening))
    sections.append(
        (
            "differences",
            content.t("report.section.differences"),
            f"<p>{_e(content.t('report.differences_intro'))}</p>\n" + _html_differences(content),
        )
    )
    sections += [
        (extra.key, extra.heading, _html_extra(content, extra, pngs))
        for extra in content.sections_at("after_differences")
    ]
    sections.append(
        (
            "comparison",
            content.t("report.section.comparison"),
            f"<p>{_e(content.t('report.comparison_intro', level='95%'))} "
            f"{_e(content.currency_note)}</p>\n" + _html_comparison(content),
        )
    )
    others = [name for name in pngs if name != headline and name not in content.section_charts]
    if others:
        figures = "\n".join(
            f"<h3>{_e(content.chart_names.get(n, n))}</h3>\n"
            + _html_figure(n, pngs[n], content.chart_names.get(n, n), content.captions.get(n, ""))
            for n in others
        )
        sections.append(("charts", content.t("report.section.charts"), figures))
    sections += [
        (extra.key, extra.heading, _html_extra(content, extra, pngs))
        for extra in content.sections_at("after_charts")
    ]
    sections.append(("scenarios", content.t("report.section.settings"), _html_settings(content)))
    sections.append(("manifest", content.t("report.section.run"), _html_manifest(content)))

    nav = "\n".join(f'<li><a href="#{sid}">{_e(head)}</a></li>' for sid, head, _ in sections)
    first = ' class="first"'
    body = "\n".join(
        f'<section id="{sid}"{first if i == 0 else ""}>\n<h2>{_e(head)}</h2>\n'
        f"{content_}\n</section>"
        for i, (sid, head, content_) in enumerate(sections)
    )
    lang = "zh-Hans" if content.lang == "zh" else content.lang
    page_text = content.title + body
    font = _font_face() if _needs_cjk(page_text) else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(content.title)}</title>
<style>{font}{_CSS}</style>
</head>
<body>
<header>
<h1>{_e(content.title)}</h1>
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
