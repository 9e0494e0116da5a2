"""The tables a run produces, and how they are saved and read back.

``Results`` holds plain pandas tables (see ``docs/tables.md`` and the README):
``summary`` (one row per replication), ``weekly``, ``leads``, ``customers`` and
``queues``, optionally the ``comparison`` table of ``sim.compare``, plus a
manifest saying what produced them.

A results folder is never lost or mixed (STYLE.md, "Reliability habits"):
``save`` writes every table and ``manifest.json`` into a staged folder beside
the target and renames it into place when complete, under a lock that stops a
second writer; it refuses a folder that already holds files unless ``force``
(which replaces a results folder in one step). The manifest lists every table
with its row count and SHA-256 checksum and carries a checksum of itself;
``load`` verifies all of it and refuses with one line (:class:`ResultsError`)
when anything disagrees. The checks live in ``sim/manifest.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from sim.arguments import check_folder
from sim.manifest import (
    COMPARISON,
    MANIFEST,
    TABLES,
    ResultsError,
    open_folder,
    read_verified,
    stamp,
)
from sim.scenario import Scenario
from sim.storage import (
    FolderLocked,
    exclusive_lock,
    remove_leftovers,
    sha256_file,
    staged_directory,
    temporary_sibling,
)


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
        "partial": False,
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
    """Tables of one or more scenarios' replications, with their manifest.

    ``comparison`` is the comparison table of ``sim.compare`` (empty otherwise);
    it is saved and verified with the tables, so a folder never shows a
    comparison of scenarios that are not in it.
    """

    summary: pd.DataFrame
    weekly: pd.DataFrame = field(default_factory=pd.DataFrame)
    leads: pd.DataFrame = field(default_factory=pd.DataFrame)
    customers: pd.DataFrame = field(default_factory=pd.DataFrame)
    queues: pd.DataFrame = field(default_factory=pd.DataFrame)
    manifest: dict[str, Any] = field(default_factory=dict)
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The non-empty run tables by name (the comparison is not one of them)."""
        return {name: getattr(self, name) for name in TABLES if not getattr(self, name).empty}

    @property
    def scenarios(self) -> list[str]:
        """Scenario names in order of appearance."""
        return list(dict.fromkeys(self.summary["scenario"])) if not self.summary.empty else []

    @property
    def partial(self) -> bool:
        """Whether the run was interrupted before all its replications finished."""
        return self.manifest.get("partial") is True

    def mark_partial(
        self, interrupted_by: str, requested: int, names: Iterable[str] = ()
    ) -> Results:
        """These results as the finished part of an interrupted run.

        The manifest gets ``"partial": true``, what interrupted it, the
        replications asked for (the cap, for a run to a precision) and those
        finished per scenario: every scenario of the manifest and of ``names``
        (0 for one that had not started). A comparison is dropped: it would
        describe replications that are not all there.
        """
        finished = (
            self.summary.groupby("scenario", sort=False)["replication"].nunique().to_dict()
            if not self.summary.empty
            else {}
        )
        names = dict.fromkeys([*self.manifest.get("scenarios", {}), *finished, *names])
        manifest = {
            **self.manifest,
            "partial": True,
            "interrupted_by": interrupted_by,
            "replications_requested": requested,
            "replications_done": {name: int(finished.get(name, 0)) for name in names},
        }
        return replace(self, manifest=manifest, comparison=pd.DataFrame())

    def save(self, directory: str | Path, *, force: bool = False) -> Path:
        """Write the tables (Parquet) and ``manifest.json`` into ``directory``; return it.

        The folder appears complete or not at all: everything is written into a
        staged folder beside it and renamed into place. A folder that already
        holds files is refused unless ``force``, and then only if it is a results
        folder (it has a ``manifest.json``), which is replaced in one step. While
        saving, a lock file beside the folder stops a second writer.

        Raises
        ------
        ResultsError
            The folder holds files (without ``force``), is not a folder, or
            another process is writing there.
        OSError
            Writing failed (e.g. disk full); the folder keeps its earlier content.
        """
        target = check_folder("directory", directory)
        path = Path(os.path.abspath(target))
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with exclusive_lock(path):
                check_destination(path, force=force)
                remove_leftovers(path)
                with staged_directory(path, replace=True) as staging:
                    self._write(staging)
        except FolderLocked as exc:
            raise ResultsError(f"{exc}; nothing was written") from None
        return target

    def _write(self, folder: Path) -> None:
        stored = {**self.tables()}
        if not self.comparison.empty:
            stored[COMPARISON] = self.comparison
        tables = {}
        for name, frame in stored.items():
            path = folder / f"{name}.parquet"
            frame.to_parquet(path, index=False)
            tables[name] = {"file": path.name, "rows": len(frame), "sha256": sha256_file(path)}
        files = {}
        if not self.comparison.empty:  # for people and spreadsheets; checked, never read
            path = folder / f"{COMPARISON}.csv"
            self.comparison.to_csv(path, index=False)
            files[path.name] = {"sha256": sha256_file(path)}
        manifest = stamp({**self.manifest, "tables": tables, "files": files})
        (folder / MANIFEST).write_text(
            json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: str | Path) -> Results:
        """Read a folder written by :meth:`save`, verified against its manifest.

        Raises
        ------
        ResultsError
            One line naming the folder and what disagrees: no or unreadable
            manifest, a manifest changed since it was saved, a listed table missing,
            changed, truncated or with another row count, a table file the
            manifest does not list.
        """
        path = check_folder("directory", directory)
        with open_folder(path) as folder:
            manifest, frames = read_verified(path, folder)
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


def check_destination(directory: str | Path, *, force: bool = False) -> Path:
    """Refuse a destination that :meth:`Results.save` must not write into.

    Allowed: a folder that does not exist, an empty folder, and with ``force`` a
    results folder (one with a ``manifest.json``). A folder holding other files
    is never replaced, even with ``force``: it is not ours to delete.
    """
    target = check_folder("directory", directory)
    if not isinstance(force, bool):  # force="no" would otherwise replace
        raise ValueError(f"force must be True or False, got {force!r}")
    path = Path(os.path.abspath(target))
    if path.is_symlink():
        raise ResultsError(f"{target}: is a symbolic link; give the folder it points to")
    if path.exists() and not path.is_dir():
        raise ResultsError(f"{target}: is a file, not a folder")
    cwd = Path.cwd().resolve()
    if path.exists() and (cwd == path.resolve() or path.resolve() in cwd.parents):
        raise ResultsError(f"{target}: is (or holds) the working folder; give another folder")
    if not path.is_dir() or not any(path.iterdir()):
        return path
    if not (path / MANIFEST).is_file():
        raise ResultsError(
            f"{target}: holds files but no {MANIFEST}: not a flocksim results folder, "
            "so it is never replaced; give another folder"
        )
    if not force:
        raise ResultsError(
            f"{target}: already holds results; replace them with force=True "
            "(--force on the command line) or give another folder"
        )
    return path


def prepare_destination(directory: str | Path, *, force: bool = False) -> Path:
    """Check before a run that its results could be saved in ``directory``.

    :func:`check_destination`, plus: the parent folders are created, a probe
    folder is created and removed beside the target (where the staged folder
    will go), and the writer's lock is free. Nothing is left behind.

    Raises
    ------
    ResultsError
        Naming the folder and why it cannot be written.
    """
    path = check_destination(directory, force=force)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = temporary_sibling(path, "probe")
        probe.mkdir()
        probe.rmdir()
        with exclusive_lock(path):
            pass
    except FolderLocked as exc:
        raise ResultsError(str(exc)) from None
    except OSError as exc:
        raise ResultsError(
            f"{directory}: cannot write there ({exc.strerror or exc}: {exc.filename})"
        ) from None
    return path


__all__ = [
    "MANIFEST",
    "TABLES",
    "Results",
    "ResultsError",
    "build_manifest",
    "check_destination",
    "package_version",
    "prepare_destination",
]
