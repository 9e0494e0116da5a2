"""The Markdown report: the same content as the HTML page, as Markdown.

:func:`render_markdown` writes the report's content (see ``_content``) as
Markdown, with pipe tables, TOML code fences for the settings and links to
the chart PNG files saved next to it.  Text is escaped for Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from sim.charts import CHART_TITLES
from sim.report._content import (
    _COMPARISON_HEADERS,
    CHART_CAPTIONS,
    _ComparisonRow,
    _Facts,
    _flatten_manifest,
    settings_text,
)

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


def render_markdown(
    title: str,
    facts: _Facts,
    charts: Mapping[str, Path],
    directory: Path,
    reading_aid: str,
    rows: Sequence[_ComparisonRow],
    scenarios: Mapping[str, Any],
    manifest: Mapping[str, Any],
) -> str:
    """The whole Markdown report."""

    def image(name: str) -> str:
        link = charts[name].relative_to(directory).as_posix()
        alt = _md(CHART_TITLES.get(name, name))
        return f"![{alt}]({link})"

    out: list[str] = [f"# {_md(title)}", ""]
    facts_rows = facts.items()
    out += [f"- **{_md(k)}:** {_md(v)}" for k, v in facts_rows]
    out.append("")

    headline = "sales_time_use"
    if headline in charts:
        out += [f"## {_md(CHART_TITLES[headline])}", "", _md(reading_aid), "", image(headline), ""]

    out += ["## Comparison with the baseline", ""]
    if rows:
        out.append(
            _md_table(
                _COMPARISON_HEADERS,
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
                    for r in rows
                ),
            )
        )
    else:
        out.append("No comparison table was given.")
    out.append("")

    others = [name for name in charts if name != headline]
    if others:
        out += ["## Charts", ""]
        for name in others:
            out += [
                f"### {_md(CHART_TITLES.get(name, name))}",
                "",
                image(name),
                "",
                _md(CHART_CAPTIONS.get(name, "")),
                "",
            ]

    out += ["## Scenario settings", ""]
    if not scenarios:
        out += ["No scenario settings were given.", ""]
    for name, settings in scenarios.items():
        text = settings_text(settings)
        fence = _fence(text)
        out += [f"### {_md(name)}", ""]
        digest = facts.hashes.get(str(name))
        if digest:
            out += [f"Settings hash: {_md(digest)}", ""]
        out += [f"{fence}toml", text, fence, ""]

    out += ["## Run manifest", ""]
    manifest_rows = _flatten_manifest(manifest)
    out.append(
        _md_table(("Key", "Value"), manifest_rows) if manifest_rows else "No manifest was given."
    )
    out.append("")
    return "\n".join(out)
