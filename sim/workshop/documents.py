"""The kit's printed pages: a one-page handout per part and the answer key.

Each is one self-contained HTML file (the chart inline as PNG; in Chinese the
package's CJK font embedded, so it prints right on a machine without Chinese
fonts) with print CSS for A4.  A handout has the part's idea, its chart and its
three questions with room to write; the answer key has every part's questions
with the answers of this build's runs, each exercise and what it shows, and
the discussion prompts; :func:`answer_key_markdown` is the same as Markdown.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sim.charts import font_paths
from sim.i18n import text
from sim.workshop import words
from sim.workshop.notebook import IDEAS

__all__ = ["PartPages", "answer_key_html", "answer_key_markdown", "handout_html", "index_html"]

_CJK: Final = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_CJK_RANGE: Final = "U+2E80-9FFF, U+F900-FAFF, U+FF00-FFEF"

_CSS: Final = """
@page { size: A4; margin: 12mm 14mm; }
body { font-family: "flocksim CJK", "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  color: #222; font-size: 11pt; line-height: 1.4; max-width: 182mm; margin: 0 auto; }
@media screen { body { margin: 1.5rem auto; padding: 0 1rem; } }
.part { color: #555; font-size: 10pt; margin: 0; }
h1 { font-size: 19pt; margin: 1mm 0 2mm; }
h2 { font-size: 14pt; margin: 5mm 0 2mm; border-bottom: 1px solid #ccc; }
h3 { font-size: 12pt; margin: 4mm 0 1mm; }
.idea { margin: 0 0 2mm; }
figure { margin: 2mm 0; }
figure img { display: block; max-width: 100%; max-height: 100mm; width: auto; height: auto;
  margin: 0 auto; }
ol.questions { padding-left: 6mm; margin: 0; }
ol.questions li { margin: 0 0 2mm; page-break-inside: avoid; }
.lines { height: 18mm; margin-top: 1mm;
  background: repeating-linear-gradient(to bottom, transparent 0, transparent 6.5mm,
    #bbb 6.5mm, #bbb 7mm); }
.answer { margin: 1mm 0 3mm; padding: 1mm 3mm; border-left: 3px solid #0072B2;
  background: #f3f7fb; }
section.part-key { page-break-inside: avoid; }
footer { color: #666; font-size: 8.5pt; margin-top: 3mm; }
a { color: #0072B2; }
@media print { .lines { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .answer { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


@dataclass(frozen=True)
class PartPages:
    """What one part's pages show: its facts, its exercise's facts and its chart as PNG."""

    part: str
    facts: dict[str, Any]
    tried: dict[str, Any]
    chart_png: bytes


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def _inline(value: str) -> str:
    """Escape, then the catalogue's little Markdown: `code`, **bold** and *italic*."""
    shown = _e(value)
    shown = re.sub(r"`([^`]+)`", r"<code>\1</code>", shown)
    shown = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", shown)
    return re.sub(r"\*([^*]+)\*", r"<em>\1</em>", shown)


def _font_face(page: str) -> str:
    if not _CJK.search(page):
        return ""
    data = base64.b64encode(font_paths()[0].read_bytes()).decode("ascii")
    return (
        '@font-face { font-family: "flocksim CJK"; font-weight: normal; '
        f"unicode-range: {_CJK_RANGE}; "
        f'src: url("data:font/otf;base64,{data}") format("opentype"); }}'
    )


def _page(title: str, body: str, lang: str) -> str:
    code = "zh-Hans" if lang == "zh" else lang
    return (
        f'<!DOCTYPE html>\n<html lang="{code}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_font_face(title + body)}{_CSS}</style>\n"
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _heading(part: str, lang: str) -> str:
    n = words.number(part)
    return (
        f'<p class="part">{_e(text("workshop.part", lang, n=n))} · '
        f"{_e(text('workshop.title', lang))}</p>\n"
        f"<h1>{_e(text(f'workshop.p{n}.title', lang))}</h1>\n"
        f'<p class="idea"><strong>{_e(text("workshop.idea", lang))}</strong> '
        f"{_e(text(f'workshop.idea_of.{IDEAS[part]}', lang))}</p>\n"
    )


def handout_html(pages: PartPages, lang: str) -> str:
    """One part's printable page: the idea, the chart and three questions to answer."""
    part = pages.part
    n = words.number(part)
    image = base64.b64encode(pages.chart_png).decode("ascii")
    asked = "\n".join(
        f'<li><p>{_inline(q)}</p><div class="lines"></div></li>'
        for q in words.questions(part, pages.facts, lang)
    )
    body = (
        f"<header>\n{_heading(part, lang)}</header>\n"
        f'<figure><img alt="{_e(text(f"workshop.p{n}.reading", lang))}" '
        f'src="data:image/png;base64,{image}"></figure>\n'
        f"<h2>{_e(text('workshop.questions', lang))}</h2>\n"
        f'<ol class="questions">\n{asked}\n</ol>\n'
        f"<footer>{_e(words.run_note(pages.facts, lang))}</footer>"
    )
    return _page(words.title(part, lang), body, lang)


def _bullets(value: str) -> list[str]:
    return [line.strip().removeprefix("- ") for line in value.splitlines() if line.strip()]


def answer_key_html(parts: Sequence[PartPages], lang: str) -> str:
    """Every part's questions with this build's answers, the exercises and the prompts."""
    sections = []
    for pages in parts:
        part, facts = pages.part, pages.facts
        n = words.number(part)
        pairs = zip(
            words.questions(part, facts, lang), words.answers(part, facts, lang), strict=True
        )
        answered = "\n".join(
            f'<li><p>{_inline(q)}</p><p class="answer">{_inline(a)}</p></li>' for q, a in pairs
        )
        prompts = "".join(
            f"<li>{_inline(p)}</li>" for p in _bullets(text(f"workshop.p{n}.discuss", lang))
        )
        sections.append(
            f'<section class="part-key">\n<h2>{_e(words.title(part, lang))}</h2>\n'
            f'<ol class="questions">\n{answered}\n</ol>\n'
            f"<h3>{_e(text('workshop.try_it', lang))}</h3>\n"
            f"<p>{_inline(words.try_it(part, facts, lang))}</p>\n"
            f'<p class="answer">{_inline(words.try_answer(part, facts, pages.tried, lang))}</p>\n'
            f"<h3>{_e(text('workshop.discuss', lang))}</h3>\n<ul>{prompts}</ul>\n</section>"
        )
    title = f"{text('workshop.answer_key', lang)} · {text('workshop.title', lang)}"
    note = words.run_note(parts[0].facts, lang) if parts else ""
    body = (
        f"<h1>{_e(title)}</h1>\n<p>{_inline(text('workshop.answer_key_intro', lang))}</p>\n"
        f"<p>{_e(note)}</p>\n" + "\n".join(sections)
    )
    return _page(title, body, lang)


def answer_key_markdown(parts: Sequence[PartPages], lang: str) -> str:
    """:func:`answer_key_html` as Markdown."""
    title = f"{text('workshop.answer_key', lang)} · {text('workshop.title', lang)}"
    lines = [f"# {title}", "", text("workshop.answer_key_intro", lang), ""]
    if parts:
        lines += [words.run_note(parts[0].facts, lang), ""]
    for pages in parts:
        part, facts = pages.part, pages.facts
        n = words.number(part)
        lines += [f"## {words.title(part, lang)}", ""]
        pairs = zip(
            words.questions(part, facts, lang), words.answers(part, facts, lang), strict=True
        )
        for i, (q, a) in enumerate(pairs, 1):
            lines += [f"{i}. {q}", "", f"   **{text('workshop.answer', lang)}:** {a}", ""]
        lines += [
            f"### {text('workshop.try_it', lang)}",
            "",
            words.try_it(part, facts, lang),
            "",
            f"**{text('workshop.answer', lang)}:** "
            + words.try_answer(part, facts, pages.tried, lang),
            "",
            f"### {text('workshop.discuss', lang)}",
            "",
            text(f"workshop.p{n}.discuss", lang),
            "",
        ]
    return "\n".join(lines)


def index_html(links: dict[str, list[tuple[str, list[tuple[str, str]]]]], note: str) -> str:
    """The kit's front page: per language, groups of (label, relative link)."""
    blocks = []
    for lang, groups in links.items():
        items = "".join(
            f"<h3>{_e(head)}</h3><ul>"
            + "".join(f'<li><a href="{_e(href)}">{_e(label)}</a></li>' for label, href in entries)
            + "</ul>"
            for head, entries in groups
        )
        blocks.append(
            f'<section lang="{"zh-Hans" if lang == "zh" else lang}">'
            f"<h2>{_e(text('workshop.title', lang))}</h2>"
            f"<p>{_inline(text('workshop.index_intro', lang, lang=lang))}</p>{items}</section>"
        )
    body = f"<h1>flocksim · workshop</h1>\n<p>{_e(note)}</p>\n" + "\n".join(blocks)
    return _page("flocksim workshop kit", body, "en")
