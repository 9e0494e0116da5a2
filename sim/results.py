"""The tables a run produces, and how they are saved and read back.

``Results`` holds plain pandas tables (see ``docs/tables.md`` and the README):
``summary`` (one row per replication), ``weekly``, ``leads``, ``customers`` and
``queues``, plus a manifest saying what produced them. ``save`` writes one
Parquet file per table and ``manifest.json``; ``load`` reads them back
identically.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from sim.scenario import Scenario

MANIFEST = "manifest.json"

#: The tables a run produces (``docs/tables.md``); ``summary`` is always made.
TABLES = ("summary", "weekly", "leads", "customers", "queues")


def package_version() -> str:
    """The installed flocksim version (``unknown`` when run from a bare checkout)."""
    try:
        return metadata.version("flocksim")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_manifest(
    scenarios: Iterable[Scenario], seed: int, replications: int, workers: int = 1
) -> dict[str, Any]:
    """What produced a set of tables: scenarios (settings and hash), seed, version, time."""
    return {
        "package": "flocksim",
        "version": package_version(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "replications": replications,
        "workers": workers,
        "scenarios": {
            scenario.name: {
                "source": scenario.source,
                "hash": scenario.hash,
                "settings": scenario.raw,
            }
            for scenario in scenarios
        },
    }


@dataclass(frozen=True)
class Results:
    """Tables of one or more scenarios' replications, with their manifest."""

    summary: pd.DataFrame
    weekly: pd.DataFrame = field(default_factory=pd.DataFrame)
    leads: pd.DataFrame = field(default_factory=pd.DataFrame)
    customers: pd.DataFrame = field(default_factory=pd.DataFrame)
    queues: pd.DataFrame = field(default_factory=pd.DataFrame)
    manifest: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The non-empty tables by name."""
        return {name: getattr(self, name) for name in TABLES if not getattr(self, name).empty}

    @property
    def scenarios(self) -> list[str]:
        """Scenario names in order of appearance."""
        return list(dict.fromkeys(self.summary["scenario"])) if not self.summary.empty else []

    def save(self, directory: str | Path) -> Path:
        """Write each table as Parquet and the manifest as JSON; return the directory."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in self.tables().items():
            frame.to_parquet(directory / f"{name}.parquet", index=False)
            written.append(name)
        manifest = {**self.manifest, "tables": written}
        (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> Results:
        """Read tables written by :meth:`save`."""
        directory = Path(directory)
        manifest_path = directory / MANIFEST
        if not manifest_path.is_file():
            raise FileNotFoundError(f"{directory}: no {MANIFEST}; not a flocksim results folder")
        try:
            manifest = json.loads(manifest_path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{manifest_path}: not a readable manifest ({exc})") from None
        frames = {
            name: pd.read_parquet(directory / f"{name}.parquet")
            for name in manifest.get("tables", [])
            if name in TABLES
        }
        manifest.pop("tables", None)
        return cls(manifest=manifest, **frames)

    @classmethod
    def combine(cls, parts: Iterable[Results]) -> Results:
        """Stack results into one: several scenarios run on the same seeds, or batches
        of replications of one scenario."""
        parts = list(parts)
        if not parts:
            raise ValueError("nothing to combine")
        frames = {}
        for name in TABLES:
            pieces = [getattr(part, name) for part in parts if not getattr(part, name).empty]
            frames[name] = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame()
        manifest = dict(parts[0].manifest)
        manifest["scenarios"] = {}
        for part in parts:
            manifest["scenarios"].update(part.manifest.get("scenarios", {}))
        summary = frames["summary"]
        if not summary.empty:  # counted, so that stacked batches add up
            manifest["replications"] = int(
                summary.groupby("scenario")["replication"].nunique().max()
            )
        return cls(manifest=manifest, **frames)
