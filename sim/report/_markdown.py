"""The Markdown report: the same content as the HTML page, as Markdown.

:func:`render_markdown` writes the report's content (see ``_content``) as
Markdown, with pipe tables, TOML code fences for the settings and links to
the chart PNG files saved next to it.  Text is escaped for Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from sim.report._content import ExtraSection, ReportContent, _flatten_manifest
from sim.report._settings import settings_text

# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------

_MD_SPECIAL: Final = re.compile(r"([\\`*_\[\]|~])")


def _md(text: Any) -> str:
    """Escape text for Markdown (HTML characters and Markdown punctuation)."""
    escaped = html.escape(str(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", escaped).replace("\n", " ")


def _md_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A pipe table; cells are escaped."""
    lines = [
        "| " + " | ".join(_md(h) for h in headers) + " |",
        "|" + "|".join(" --- " for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _fence(text: str) -> str:
    """A fence longer than any backtick run inside ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _md_extra(
    section: ExtraSection, image: Callable[[str], str], charts: Mapping[str, Path]
) -> list[str]:
    """An extra section: heading, paragraphs, its chart, its table, notes."""
    out = [f"## {_md(section.heading)}", ""]
    for paragraph in section.paragraphs:
        out += [_md(paragraph), ""]
    if section.chart and section.chart in charts:
        out += [image(section.chart), ""]
        if section.caption:
            out += [_md(section.caption), ""]
    if section.headers:
        out += [_md_table(section.headers, section.rows), ""]
    for note in section.notes:
        out += [_md(note), ""]
    return out


def render_markdown(content: ReportContent, charts: Mapping[str, Path], directory: Path) -> str:
    """The whole Markdown report."""

    def image(name: str) -> str:
        link = charts[name].relative_to(directory).as_posix()
        return f"![{_md(content.chart_names.get(name, name))}]({link})"

    out: list[str] = [f"# {_md(content.title)}", ""]
    headline = "sales_time_use"
    if content.verdict or headline in charts:
        out += [f"## {_md(content.t('report.section.verdict'))}", ""]
    for line in content.verdict:
        out += [f"**{_md(line)}**", ""]
    if content.verdict:
        out += [_md(content.verdict_note), ""]
    if headline in charts:
        out += [_md(content.reading_aid), "", image(headline), ""]

    out += [f"## {_md(content.t('report.section.differences'))}", ""]
    if content.differences:
        headers = [content.t("report.column.setting"), content.t("report.column.meaning")]
        out.append(
            _md_table(
                [*headers, *content.difference_names],
                ((key, meaning, *values) for key, meaning, values in content.differences),
            )
        )
    else:
        out.append(_md(content.t("report.no_differences")))
    out.append("")

    for extra in content.sections_at("after_differences"):
        out += _md_extra(extra, image, charts)

    out += [f"## {_md(content.t('report.section.comparison'))}", ""]
    if content.rows:
        out += [_md(content.currency_note), ""]
        out.append(
            _md_table(
                content.headers,
                (
                    (
                        r.figure if r.first_of_figure else "",
                        r.scenario,
                        r.n,
                        r.mean,
                        r.diff,
                        r.rel_change,
                        r.share_better,
                    )
                    for r in content.rows
                ),
            )
        )
    else:
        out.append(_md(content.t("report.no_comparison")))
    out.append("")

    others = [name for name in charts if name != headline and name not in content.section_charts]
    if others:
        out += [f"## {_md(content.t('report.section.charts'))}", ""]
        for name in others:
            out += [
                f"### {_md(content.chart_names.get(name, name))}",
                "",
                image(name),
                "",
                _md(content.captions.get(name, "")),
                "",
            ]
    for extra in content.sections_at("after_charts"):
        out += _md_extra(extra, image, charts)

    out += [f"## {_md(content.t('report.section.settings'))}", ""]
    if not content.scenarios:
        out += [_md(content.t("report.no_settings")), ""]
    for name, settings in content.scenarios.items():
        settings_block = settings_text(settings)
        fence = _fence(settings_block)
        out += [f"### {_md(name)}", ""]
        digest = content.facts.hashes.get(str(name))
        if digest:
            out += [f"{_md(content.t('report.settings_hash'))} {_md(digest)}", ""]
        out += [f"{fence}toml", settings_block, fence, ""]

    out += [f"## {_md(content.t('report.section.run'))}", ""]
    out += [f"- **{_md(k)}:** {_md(v)}" for k, v in content.facts.items()]
    out.append("")
    manifest_rows = _flatten_manifest(content.manifest, lang=content.lang)
    keys = (content.t("report.column.key"), content.t("report.column.value"))
    out.append(
        _md_table(keys, manifest_rows) if manifest_rows else _md(content.t("report.no_manifest"))
    )
    out.append("")
    return "\n".join(out)
