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
comparison table of ``sim.stats.compare_to_baseline``, the scenarios' settings
and the run manifest; it never imports the simulation model.  Every piece of
user-supplied text (scenario names, settings, manifest values, the title) is
HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Final

import pandas as pd

from sim.charts import (
    CHART_TITLES,
    CI_LEVEL,
    SALES_ACTIVITIES,
    all_charts,
    figure_label,
    is_money,
    is_share,
    save_figure,
    scenario_order,
)

__all__ = ["format_interval", "format_value", "settings_text", "write_report"]

logger = logging.getLogger(__name__)

HTML_NAME: Final = "report.html"
MARKDOWN_NAME: Final = "report.md"
CHARTS_DIR: Final = "charts"

#: One sentence under each chart saying what it shows.
CHART_CAPTIONS: Final[dict[str, str]] = {
    "sales_time_use": (
        "Each bar splits the salespeople's working hours into five activities, "
        "averaged over the replications."
    ),
    "key_figures": (
        "Mean of each scenario over the replications; the black bars are "
        f"{CI_LEVEL:.0%} confidence intervals of the mean."
    ),
    "paired_differences": (
        "Difference of each scenario to the baseline, replication by replication "
        f"(same random numbers), with its {CI_LEVEL:.0%} confidence interval. "
        "An interval that does not cross the zero line is a clear difference."
    ),
    "weekly_revenue": (
        f"Revenue per week, mean over the replications with a {CI_LEVEL:.0%} "
        "confidence band; grey weeks are the warm-up period."
    ),
    "weekly_customers_active": (
        f"Active customers per week, mean over the replications with a {CI_LEVEL:.0%} "
        "confidence band; grey weeks are the warm-up period."
    ),
    "lead_funnel": (
        "Leads per replication (mean): how many are contacted, qualified and won, "
        "and why the others were not won."
    ),
    "wait_to_contact": (
        "Share of contacted leads that waited at most a given number of working hours "
        "for their first contact; the dots mark the medians."
    ),
    "insight_over_time": (
        f"Market insight per week, mean over the replications with a {CI_LEVEL:.0%} "
        "confidence band."
    ),
}

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
td.figure { min-width: 9rem; }
th, td { padding: 0.35rem 0.6rem; border-bottom: 1px solid #e2e2e2; text-align: left;
         vertical-align: top; }
thead th { background: #f3f3f3; border-bottom: 2px solid #ccc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.figure { font-weight: 600; }
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
# Number formatting
# --------------------------------------------------------------------------


def _finite(value: Any) -> bool:
    """True for a real, finite number."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _decimals(figure: str, magnitude: float) -> int:
    """Decimals that suit a figure of a given size (shares already in %)."""
    if is_share(figure):
        return 1
    if is_money(figure):
        return 0 if magnitude >= 100 else 2
    if magnitude >= 100:
        return 0
    if magnitude >= 10:
        return 1
    return 2


def _number(figure: str, value: float, decimals: int, difference: bool) -> str:
    """One number with thousands separators, sign for differences, % for shares."""
    shown = value * 100 if is_share(figure) else value
    sign = "+" if difference else ""
    text = f"{shown:{sign},.{decimals}f}"
    if re.fullmatch(r"[+-]?[0.,]+", text):  # no negative or signed zero
        text = text.lstrip("+-")
        if difference:
            text = f"\N{PLUS-MINUS SIGN}{text}"
    if is_share(figure):
        text += " pp" if difference else "%"
    return text


def format_value(figure: str, value: Any, *, difference: bool = False) -> str:
    """Format one value of a figure for a table.

    Parameters
    ----------
    figure : str
        Figure (column) name; decides the format: money with thousands
        separators, shares (stored as fractions) in %, counts and hours with
        a few decimals.
    value : float
        The value as stored.
    difference : bool, optional
        Format as a difference: always signed, shares in percentage points.

    Returns
    -------
    str
        For example ``"1,234,567"``, ``"43.2%"``, ``"+3.1 pp"``; ``"n/a"`` for
        a missing or infinite value.
    """
    if not _finite(value):
        return "n/a"
    number = float(value)
    magnitude = abs(number) * (100 if is_share(figure) else 1)
    return _number(figure, number, _decimals(figure, magnitude), difference)


def format_interval(
    figure: str, value: Any, low: Any, high: Any, *, difference: bool = False
) -> str:
    """Format a value with its confidence interval, ``"value [low to high]"``.

    Parameters
    ----------
    figure : str
        Figure (column) name, see :func:`format_value`.
    value, low, high : float
        Point estimate and interval bounds, as stored.
    difference : bool, optional
        Format as a difference (signed; shares in percentage points).

    Returns
    -------
    str
        All three numbers with the same number of decimals; ``"value [no CI]"``
        when a bound is missing or infinite (e.g. a single replication).
    """
    if not _finite(value):
        return "n/a"
    numbers = [float(v) for v in (value, low, high) if _finite(v)]
    scale = 100 if is_share(figure) else 1
    decimals = _decimals(figure, max(abs(v) for v in numbers) * scale)
    shown = _number(figure, float(value), decimals, difference)
    if not (_finite(low) and _finite(high)):
        return f"{shown} [no CI]"
    return (
        f"{shown} [{_number(figure, float(low), decimals, difference)} to "
        f"{_number(figure, float(high), decimals, difference)}]"
    )


def _percent(value: Any, *, signed: bool = False) -> str:
    """A fraction as a percentage with no decimals when large."""
    if not _finite(value):
        return "n/a"
    number = float(value) * 100
    decimals = 0 if abs(number) >= 10 or abs(number - round(number)) < 1e-9 else 1
    return f"{number:{'+' if signed else ''},.{decimals}f}%"


# --------------------------------------------------------------------------
# Settings and manifest
# --------------------------------------------------------------------------

_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: Any) -> str:
    """A TOML key, quoted unless it is a bare key."""
    text = str(key)
    return text if _BARE_KEY.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    """A TOML-like literal for a settings value."""
    if value is None:
        return '"" # not set'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return f"{{ {inner} }}" if inner else "{}"
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _is_table_list(value: Any) -> bool:
    """A non-empty list of mappings (a TOML array of tables)."""
    return (
        isinstance(value, list | tuple)
        and len(value) > 0
        and all(isinstance(v, Mapping) for v in value)
    )


def _toml_lines(settings: Mapping[str, Any], path: tuple[str, ...]) -> list[str]:
    """Lines of a TOML-like rendering of nested settings."""
    lines: list[str] = []
    nested: list[tuple[str, Any]] = []
    for key, value in settings.items():
        if isinstance(value, Mapping) or _is_table_list(value):
            nested.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in nested:
        sub = (*path, _toml_key(key))
        if lines:
            lines.append("")
        if isinstance(value, Mapping):
            lines.append(f"[{'.'.join(sub)}]")
            lines.extend(_toml_lines(value, sub))
        else:
            for i, item in enumerate(value):
                if i:
                    lines.append("")
                lines.append(f"[[{'.'.join(sub)}]]")
                lines.extend(_toml_lines(item, sub))
    return lines


def settings_text(settings: Any) -> str:
    """Render a scenario's settings as a TOML-like text block.

    Parameters
    ----------
    settings : mapping or any
        Nested settings as loaded from the scenario's TOML file.

    Returns
    -------
    str
        Plain (unescaped) text: top-level keys first, then one ``[table]``
        section per nested mapping; anything that is not a mapping is shown as
        its string form.
    """
    if not isinstance(settings, Mapping):
        return str(settings)
    if not settings:
        return "# no settings recorded"
    return "\n".join(_toml_lines(settings, ()))


def _scalar_text(value: Any) -> str:
    """A manifest value as text."""
    if isinstance(value, list | tuple | set | frozenset):
        if all(not isinstance(v, Mapping | list | tuple) for v in value):
            return ", ".join(str(v) for v in value)
        return json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return str(value)


def _flatten_manifest(manifest: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Dotted keys and text values of a nested manifest.

    Scenario settings (``scenarios.<name>.settings``) are not repeated; they
    have their own section.
    """
    rows: list[tuple[str, str]] = []
    for key, value in manifest.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            if key == "settings" and prefix.startswith("scenarios."):
                rows.append((name, "see Scenario settings"))
            elif value:
                rows.extend(_flatten_manifest(value, f"{name}."))
            else:
                rows.append((name, "(empty)"))
        else:
            rows.append((name, _scalar_text(value)))
    return rows


def _first(manifest: Mapping[str, Any], *keys: str) -> Any:
    """The first of ``keys`` present in the manifest, else None."""
    for key in keys:
        if key in manifest and manifest[key] not in (None, ""):
            return manifest[key]
    return None


def _scenario_hashes(manifest: Mapping[str, Any], names: Iterable[str]) -> dict[str, str]:
    """Hash of each scenario's settings, from the manifest, where recorded."""
    hashes: dict[str, str] = {}
    direct = _first(manifest, "scenario_hashes", "hashes")
    if isinstance(direct, Mapping):
        hashes.update({str(k): str(v) for k, v in direct.items()})
    entries = manifest.get("scenarios")
    if isinstance(entries, Mapping):
        for name, entry in entries.items():
            if isinstance(entry, Mapping) and entry.get("hash") is not None:
                hashes[str(name)] = str(entry["hash"])
            elif isinstance(entry, str):
                hashes[str(name)] = entry
    wanted = list(names)
    ordered = {n: hashes[n] for n in wanted if n in hashes}
    ordered.update({n: h for n, h in hashes.items() if n not in ordered})
    return ordered


@dataclass(frozen=True)
class _Facts:
    """Facts shown at the top of the report."""

    created: str
    run_created: str | None
    version: str
    seed: str
    replications: str
    hashes: dict[str, str]
    baseline: str | None


def _facts(manifest: Mapping[str, Any], names: Sequence[str], baseline: str | None) -> _Facts:
    """Collect the facts of the run from the manifest."""

    def text(value: Any) -> str:
        return "not recorded" if value is None else _scalar_text(value)

    run_created = _first(manifest, "created", "created_at", "timestamp")
    return _Facts(
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        run_created=None if run_created is None else str(run_created),
        version=text(_first(manifest, "version", "package_version", "flocksim_version")),
        seed=text(_first(manifest, "seed", "base_seed", "master_seed", "root_seed")),
        replications=text(_first(manifest, "replications", "n_replications")),
        hashes=_scenario_hashes(manifest, names),
        baseline=baseline,
    )


# --------------------------------------------------------------------------
# Comparison table
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _ComparisonRow:
    """One formatted row of the comparison table."""

    figure: str
    first_of_figure: bool
    scenario: str
    n: str
    mean: str
    diff: str
    rel_change: str
    share_better: str
    is_baseline: bool


_COMPARISON_HEADERS: Final = (
    "Figure",
    "Scenario",
    "n",
    f"Mean [{CI_LEVEL:.0%} CI]",
    f"Difference to baseline [{CI_LEVEL:.0%} CI]",
    "Relative change",
    "Replications better than baseline",
)


def _baseline_of(comparison: pd.DataFrame | None) -> str | None:
    """The scenario whose rows carry no paired difference."""
    if comparison is None or comparison.empty or "diff" not in comparison.columns:
        return None
    no_diff = comparison["diff"].isna().groupby(comparison["scenario"].astype(str)).all()
    for name in scenario_order(comparison):
        if bool(no_diff.get(name, False)):
            return name
    return None


def _comparison_rows(comparison: pd.DataFrame | None) -> list[_ComparisonRow]:
    """Formatted rows, figures and scenarios in table order."""
    if comparison is None or comparison.empty:
        return []
    baseline = _baseline_of(comparison)
    rows: list[_ComparisonRow] = []
    previous: str | None = None
    for record in comparison.to_dict("records"):
        figure = str(record["figure"])
        scenario = str(record["scenario"])
        is_baseline = scenario == baseline
        n = record.get("n")
        rows.append(
            _ComparisonRow(
                figure=figure_label(figure),
                first_of_figure=figure != previous,
                scenario=scenario,
                n=str(int(n)) if _finite(n) else "n/a",
                mean=format_interval(
                    figure, record.get("mean"), record.get("ci_low"), record.get("ci_high")
                ),
                diff="baseline"
                if is_baseline
                else format_interval(
                    figure,
                    record.get("diff"),
                    record.get("diff_low"),
                    record.get("diff_high"),
                    difference=True,
                ),
                rel_change="" if is_baseline else _percent(record.get("rel_change"), signed=True),
                share_better="" if is_baseline else _percent(record.get("share_better")),
                is_baseline=is_baseline,
            )
        )
        previous = figure
    return rows


# --------------------------------------------------------------------------
# Reading aid
# --------------------------------------------------------------------------


def _join(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _reading_aid(summary: pd.DataFrame | None) -> str:
    """One plain sentence (unescaped) that helps read the headline chart."""
    column, activity, _ = SALES_ACTIVITIES[0]
    if summary is None or summary.empty or column not in summary.columns:
        return CHART_CAPTIONS["sales_time_use"]
    means = summary.groupby(summary["scenario"].astype(str), sort=False)[column].mean()
    parts = [f"{_percent(means[name])} in {name}" for name in scenario_order(summary)]
    return (
        "Read each bar from left to right: the first, green part is the time the "
        f"salespeople spend on {activity.lower()}, the rest goes to prospecting, "
        f"servicing, expediting or waiting idle. {activity} takes {_join(parts)}."
    )


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------


def _e(text: Any) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(text), quote=True)


def _html_facts(facts: _Facts) -> str:
    """The facts list at the top of the page."""
    items = [("Report created", facts.created)]
    if facts.run_created:
        items.append(("Results produced", facts.run_created))
    items += [
        ("flocksim version", facts.version),
        ("Seed", facts.seed),
        ("Replications", facts.replications),
    ]
    if facts.baseline:
        items.append(("Baseline scenario", facts.baseline))
    for name, digest in facts.hashes.items():
        items.append((f"Hash of {name}", digest))
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


def _render_html(
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


def _render_markdown(
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
    facts_rows = [("Report created", facts.created)]
    if facts.run_created:
        facts_rows.append(("Results produced", facts.run_created))
    facts_rows += [
        ("flocksim version", facts.version),
        ("Seed", facts.seed),
        ("Replications", facts.replications),
    ]
    if facts.baseline:
        facts_rows.append(("Baseline scenario", facts.baseline))
    facts_rows += [(f"Hash of {name}", digest) for name, digest in facts.hashes.items()]
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
        Table of ``sim.stats.compare_to_baseline`` (``figure, scenario, n,
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
    facts = _facts(manifest, names, _baseline_of(comparison))
    rows = _comparison_rows(comparison)
    reading_aid = _reading_aid(summary)

    html_path = target / HTML_NAME
    md_path = target / MARKDOWN_NAME
    html_path.write_text(
        _render_html(title, facts, pngs, reading_aid, rows, scenarios, manifest),
        encoding="utf-8",
    )
    md_path.write_text(
        _render_markdown(title, facts, png_paths, target, reading_aid, rows, scenarios, manifest),
        encoding="utf-8",
    )
    logger.info("wrote %s and %s", html_path, md_path)
    return html_path, md_path
