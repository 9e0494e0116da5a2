"""What the report says, independent of its format.

The HTML and Markdown writers render the same content, gathered here in the
report's language: the caption under each chart, the facts of the run taken
from the manifest, the rows of the comparison table formatted with
:mod:`sim.formatting`, the sentence that helps read the headline chart, the
table of settings that differ between the scenarios, and the scenarios'
settings and the manifest turned into text (:func:`settings_text` renders
nested settings as TOML-like lines).  The verdict that opens the report comes
from :func:`sim.story.verdict`.  Everything returned is plain, unescaped text;
escaping is the writers' job.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import pandas as pd

from sim.analysis import baseline_of
from sim.charts import CHART_NAMES, CI_LEVEL
from sim.figures import (
    NONSELLING_WORK_CATEGORIES,
    figure_label,
    sales_share_column,
    scenario_label,
    scenario_order,
)
from sim.formatting import format_interval, format_percent, is_finite
from sim.i18n import DEFAULT_LANG, text
from sim.report._settings import settings_text


def chart_caption(name: str, lang: str = DEFAULT_LANG) -> str:
    """One or two sentences under a chart saying what it shows and how to read it."""
    if name in CHART_NAMES:
        return text(f"caption.{name}", lang, level=f"{CI_LEVEL:.0%}")
    return ""


class _Captions(Mapping[str, str]):
    def __getitem__(self, key: str) -> str:
        if key not in CHART_NAMES:
            raise KeyError(key)
        return chart_caption(key)

    def __iter__(self) -> Iterator[str]:
        return iter(CHART_NAMES)

    def __len__(self) -> int:
        return len(CHART_NAMES)


#: English captions of the charts (:func:`chart_caption` for another language).
CHART_CAPTIONS: Final[Mapping[str, str]] = _Captions()


# --------------------------------------------------------------------------
# Settings and manifest
# --------------------------------------------------------------------------


def _scalar_text(value: Any) -> str:
    """A manifest value as text."""
    if isinstance(value, list | tuple | set | frozenset):
        if all(not isinstance(v, Mapping | list | tuple) for v in value):
            return ", ".join(str(v) for v in value)
        return json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return str(value)


def _flatten_manifest(
    manifest: Mapping[str, Any], prefix: str = "", lang: str = DEFAULT_LANG
) -> list[tuple[str, str]]:
    """Dotted keys and text values of a nested manifest.

    Scenario settings (``scenarios.<name>.settings``) are not repeated; they
    have their own section.
    """
    rows: list[tuple[str, str]] = []
    for key, value in manifest.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            if key == "settings" and prefix.startswith("scenarios."):
                rows.append((name, text("report.see_settings", lang)))
            elif value:
                rows.extend(_flatten_manifest(value, f"{name}.", lang))
            else:
                rows.append((name, text("report.empty", lang)))
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
    lang: str = DEFAULT_LANG

    def items(self) -> list[tuple[str, str]]:
        """The facts as labelled rows, in the order both report formats show them."""

        def label(key: str, **values: str) -> str:
            return text(f"report.fact.{key}", self.lang, **values)

        rows = [(label("created"), self.created)]
        if self.run_created:
            rows.append((label("produced"), self.run_created))
        rows += [
            (label("version"), self.version),
            (label("seed"), self.seed),
            (label("replications"), self.replications),
        ]
        if self.baseline:
            rows.append((label("baseline"), scenario_label(self.baseline, self.lang)))
        rows += [(label("hash", name=name), digest) for name, digest in self.hashes.items()]
        return rows


def _facts(
    manifest: Mapping[str, Any],
    names: Sequence[str],
    baseline: str | None,
    lang: str = DEFAULT_LANG,
) -> _Facts:
    """Collect the facts of the run from the manifest."""

    def shown(value: Any) -> str:
        return text("report.not_recorded", lang) if value is None else _scalar_text(value)

    run_created = _first(manifest, "created", "created_at", "timestamp")
    return _Facts(
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        run_created=None if run_created is None else str(run_created),
        version=shown(_first(manifest, "version", "package_version", "flocksim_version")),
        seed=shown(_first(manifest, "seed", "base_seed", "master_seed", "root_seed")),
        replications=shown(_first(manifest, "replications", "n_replications")),
        hashes=_scenario_hashes(manifest, names),
        baseline=baseline,
        lang=lang,
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


def comparison_headers(lang: str = DEFAULT_LANG) -> tuple[str, ...]:
    """Column headings of the comparison table."""
    level = f"{CI_LEVEL:.0%}"
    return tuple(
        text(f"report.column.{key}", lang, level=level)
        for key in ("figure", "scenario", "n", "mean", "diff", "relative", "better")
    )


_COMPARISON_HEADERS: Final = comparison_headers()


def _comparison_rows(
    comparison: pd.DataFrame | None, lang: str = DEFAULT_LANG, currency: str | None = None
) -> list[_ComparisonRow]:
    """Formatted rows, figures and scenarios in table order."""
    if comparison is None or comparison.empty:
        return []
    baseline = baseline_of(comparison)
    rows: list[_ComparisonRow] = []
    previous: str | None = None
    for record in comparison.to_dict("records"):
        figure = str(record["figure"])
        scenario = str(record["scenario"])
        is_baseline = scenario == baseline
        n = record.get("n")
        options: dict[str, Any] = {"lang": lang, "currency": currency}
        rows.append(
            _ComparisonRow(
                figure=figure_label(figure, lang, currency),
                first_of_figure=figure != previous,
                scenario=scenario_label(scenario, lang),
                n=str(int(n)) if is_finite(n) else text("number.na", lang),
                mean=format_interval(
                    figure,
                    record.get("mean"),
                    record.get("ci_low"),
                    record.get("ci_high"),
                    **options,
                ),
                diff=text("report.baseline", lang)
                if is_baseline
                else format_interval(
                    figure,
                    record.get("diff"),
                    record.get("diff_low"),
                    record.get("diff_high"),
                    difference=True,
                    **options,
                ),
                rel_change=""
                if is_baseline
                else format_percent(record.get("rel_change"), signed=True, lang=lang),
                share_better=""
                if is_baseline
                else format_percent(record.get("share_better"), lang=lang),
                is_baseline=is_baseline,
            )
        )
        previous = figure
    return rows


# --------------------------------------------------------------------------
# Reading aid
# --------------------------------------------------------------------------


def _reading_aid(summary: pd.DataFrame | None, lang: str = DEFAULT_LANG) -> str:
    """Plain sentences (unescaped) that help read the headline chart, one story of idle time."""
    column = sales_share_column("selling")
    if summary is None or summary.empty or column not in summary.columns:
        return chart_caption("sales_time_use", lang)
    table = summary.assign(scenario=summary["scenario"].astype(str))
    means = table.groupby("scenario", sort=False).mean(numeric_only=True)
    parts = []
    for name in scenario_order(table):
        row = means.loc[name]
        work = sum(float(row.get(sales_share_column(c), 0.0)) for c in NONSELLING_WORK_CATEGORIES)
        idle = float(row.get(sales_share_column("idle"), 0.0))
        parts.append(
            text(
                "report.wasted_in",
                lang,
                scenario=scenario_label(name, lang),
                wasted=format_percent(work + idle),
                work=format_percent(work),
                idle=format_percent(idle),
            )
        )
    return text("report.reading_aid", lang, parts=text("list.separator", lang).join(parts))


# --------------------------------------------------------------------------
# The whole content
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtraSection:
    """A section another part of flocksim adds to the report (``sim.explain``, the
    assumptions register): paragraphs, an optional chart and an optional table.

    Attributes
    ----------
    key : str
        The section's anchor in the HTML page.
    heading : str
        Its heading.
    paragraphs : tuple of str
        Plain text before the chart and the table.
    chart : str or None
        Name of a chart passed to ``write_report(extra_charts=...)``, shown here
        (and not again among the other charts).
    caption : str
        Text under the chart.
    headers, rows : tuple
        A table (cells are plain text).
    notes : tuple of str
        Plain text after the table.
    place : str
        ``"after_differences"`` (before the comparison table) or ``"after_charts"``.
    """

    key: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    chart: str | None = None
    caption: str = ""
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()
    place: str = "after_differences"


@dataclass(frozen=True)
class ReportContent:
    """Everything the report says, in its language; the writers lay it out."""

    title: str
    lang: str
    verdict: list[str]
    verdict_note: str
    facts: _Facts
    reading_aid: str
    headers: tuple[str, ...]
    rows: list[_ComparisonRow]
    currency_note: str
    difference_names: list[str]
    differences: list[tuple[str, str, list[str]]]
    scenarios: Mapping[str, Any]
    manifest: Mapping[str, Any]
    captions: dict[str, str]
    chart_names: dict[str, str]
    extra: tuple[ExtraSection, ...] = ()

    def sections_at(self, place: str) -> list[ExtraSection]:
        """The extra sections shown at ``place``."""
        return [section for section in self.extra if section.place == place]

    @property
    def section_charts(self) -> set[str]:
        """Charts shown inside extra sections."""
        return {section.chart for section in self.extra if section.chart}

    def t(self, key: str, **values: Any) -> str:
        """A catalogue text in the report's language."""
        return text(key, self.lang, **values)


__all__ = [
    "CHART_CAPTIONS",
    "ExtraSection",
    "ReportContent",
    "chart_caption",
    "comparison_headers",
    "settings_text",
]
