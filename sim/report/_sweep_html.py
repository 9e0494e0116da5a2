"""The sweep report as one self-contained, printable HTML page.

Same look as the comparison report (``_html``): charts embedded as base64 PNG,
the CSS inline, no external resources, every piece of text escaped.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sim.report._content import _flatten_manifest
from sim.report._html import _CSS, _e
from sim.report._sweep_parts import SweepReport

_SECTIONS = (
    ("headline", "Headline"),
    ("thresholds", "Where the difference crosses zero"),
    ("sensitivity", "Which assumption carries the difference"),
    ("best", "Best variants"),
    ("break_even", "Break-even along each factor"),
    ("effects", "Each figure against each factor"),
    ("infeasible", "Infeasible and failed variants"),
    ("sweep", "Sweep file, overrides and manifest"),
)


def _figure(name: str, png: bytes, title: str, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure id="chart-{_e(name)}">\n'
        f'<img src="data:image/png;base64,{data}" alt="{_e(title)}">\n'
        f"<figcaption>{_e(caption)}</figcaption>\n</figure>"
    )


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return '<p class="muted">None.</p>'
    head = "".join(f'<th scope="col">{_e(column)}</th>' for column in frame.columns)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{_e(value)}</td>" for value in row) + "</tr>"
        for row in frame.astype(object).itertuples(index=False)
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _charts(report: SweepReport, pngs: Mapping[str, bytes], section: str) -> list[str]:
    parts = []
    for name, chart in report.charts.items():
        if chart.section != section or name not in pngs:
            continue
        parts.append(
            f"<h3>{_e(chart.title)}</h3>\n" + _figure(name, pngs[name], chart.title, chart.caption)
        )
        if name in report.tables:
            parts.append(_table(report.tables[name]))
    return parts


def _manifest_table(manifest: Mapping[str, Any]) -> str:
    shown = {key: value for key, value in manifest.items() if key != "sweep_text"}
    rows = _flatten_manifest(shown)
    body = "\n".join(f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>' for k, v in rows)
    return (
        '<table class="manifest">\n<thead><tr><th scope="col">Key</th>'
        f'<th scope="col">Value</th></tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'
    )


def _section_body(
    key: str, report: SweepReport, pngs: Mapping[str, bytes], manifest: Mapping[str, Any]
) -> str:
    if key == "headline":
        items = "\n".join(f"<li>{_e(line)}</li>" for line in report.headline)
        return f'<ul class="reading-aid">\n{items}\n</ul>' if items else ""
    if key == "best":
        return _table(report.tables["best"]) if "best" in report.tables else ""
    if key == "sensitivity":
        parts = _charts(report, pngs, key)
        if "sensitivity" in report.tables:
            parts.append(_table(report.tables["sensitivity"]))
        if "sensitivity" in report.notes:
            parts.append(f'<p class="muted">{_e(report.notes["sensitivity"])}</p>')
        return "\n".join(parts)
    if key == "infeasible":
        parts = ["<h3>Infeasible variants (not run)</h3>", _table(report.tables["infeasible"])]
        if "failures" in report.tables:
            parts += ["<h3>Failed replications</h3>", _table(report.tables["failures"])]
        return "\n".join(parts)
    if key == "sweep":
        command = manifest.get("command")
        parts = []
        if command:
            parts.append(f"<p>Command: <code>{_e(command)}</code></p>")
        overrides = manifest.get("overrides") or {}
        if overrides:
            items = "".join(
                f"<li><code>{_e(k)} = {_e(v)}</code></li>" for k, v in overrides.items()
            )
            parts.append(f"<p>Overrides of the scenarios (<code>set</code>):</p><ul>{items}</ul>")
        parts.append(f'<pre class="settings">{_e(manifest.get("sweep_text", ""))}</pre>')
        parts.append(_manifest_table(manifest))
        return "\n".join(parts)
    return "\n".join(_charts(report, pngs, key))


def render_sweep_html(
    report: SweepReport, pngs: Mapping[str, bytes], manifest: Mapping[str, Any]
) -> str:
    """The whole page."""
    sections = []
    for key, title in _SECTIONS:
        body = _section_body(key, report, pngs, manifest)
        if body.strip():
            sections.append((key, title, body))
    facts = "\n".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in report.facts)
    nav = "\n".join(f'<li><a href="#{key}">{_e(title)}</a></li>' for key, title, _ in sections)
    first = ' class="first"'
    body = "\n".join(
        f'<section id="{key}"{first if i == 0 else ""}>\n<h2>{_e(title)}</h2>\n'
        f"{content}\n</section>"
        for i, (key, title, content) in enumerate(sections)
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(report.title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{_e(report.title)}</h1>
<dl class="facts">
{facts}
</dl>
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


__all__ = ["render_sweep_html"]
