"""What the report says, independent of its format.

The HTML and Markdown writers render the same content, gathered here: the
caption under each chart, the facts of the run taken from the manifest, the
rows of the comparison table formatted with :mod:`sim.formatting`, the sentence
that helps read the headline chart, and the scenarios' settings and the
manifest turned into text (:func:`settings_text` renders nested settings as
TOML-like lines).  Everything returned is plain, unescaped text; escaping is
the writers' job.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Final

import pandas as pd

from sim.analysis import baseline_of
from sim.charts import CI_LEVEL
from sim.figures import SALES_CATEGORY_TITLES, figure_label, sales_share_column, scenario_order
from sim.formatting import format_interval, format_percent, is_finite

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
        "Share of contacted inbound leads (cold calls left out) that waited at most a "
        "given number of working hours for their first contact; the dots mark the medians."
    ),
    "insight_over_time": (
        f"Market insight per week, mean over the replications with a {CI_LEVEL:.0%} "
        "confidence band."
    ),
}


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

    def items(self) -> list[tuple[str, str]]:
        """The facts as labelled rows, in the order both report formats show them."""
        rows = [("Report created", self.created)]
        if self.run_created:
            rows.append(("Results produced", self.run_created))
        rows += [
            ("flocksim version", self.version),
            ("Seed", self.seed),
            ("Replications", self.replications),
        ]
        if self.baseline:
            rows.append(("Baseline scenario", self.baseline))
        rows += [(f"Hash of {name}", digest) for name, digest in self.hashes.items()]
        return rows


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


def _comparison_rows(comparison: pd.DataFrame | None) -> list[_ComparisonRow]:
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
        rows.append(
            _ComparisonRow(
                figure=figure_label(figure),
                first_of_figure=figure != previous,
                scenario=scenario,
                n=str(int(n)) if is_finite(n) else "n/a",
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
                rel_change=""
                if is_baseline
                else format_percent(record.get("rel_change"), signed=True),
                share_better="" if is_baseline else format_percent(record.get("share_better")),
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
    column, activity = sales_share_column("selling"), SALES_CATEGORY_TITLES["selling"]
    if summary is None or summary.empty or column not in summary.columns:
        return CHART_CAPTIONS["sales_time_use"]
    means = summary.groupby(summary["scenario"].astype(str), sort=False)[column].mean()
    parts = [f"{format_percent(means[name])} in {name}" for name in scenario_order(summary)]
    return (
        "Read each bar from left to right: the first, green part is the time the "
        f"salespeople spend on {activity.lower()}, the rest goes to prospecting, "
        f"servicing, expediting or waiting idle. {activity} takes {_join(parts)}."
    )
