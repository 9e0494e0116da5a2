"""The manifest of a results folder, and the checks a folder must pass to be loaded.

``manifest.json`` says what produced the tables (scenarios, seed, version,
time; see ``sim.results.build_manifest``) and what the folder holds::

    "tables": {"summary": {"file": "summary.parquet", "rows": 40, "sha256": "..."}, ...},
    "files":  {"comparison.csv": {"sha256": "..."}},
    "sha256": "<checksum of the manifest itself>"

The manifest's own checksum is taken over its canonical JSON (keys sorted,
without the ``sha256`` key), so an edit of any field is found. A folder is read
through one open handle of the folder, so a folder replaced while it is being
read gives an error, never a mixture of old and new tables.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pandas as pd
import pyarrow as pa

MANIFEST = "manifest.json"

#: The tables a run produces (``docs/tables.md``); ``summary`` is always made.
TABLES = ("summary", "weekly", "leads", "customers", "queues")

#: The comparison table of ``sim.compare``, saved beside the run tables.
COMPARISON = "comparison"

#: Every table a folder may hold, each as ``<name>.parquet``.
STORED = (*TABLES, COMPARISON)

# keys that describe the folder, not the run: added by ``save``, removed by ``load``
_FOLDER_KEYS = ("tables", "files", "sha256")
_HEX = re.compile(r"[0-9a-f]{64}")


class ResultsError(ValueError):
    """A results folder that cannot be written or read as asked; the message names the
    folder and what is wrong, on one line."""


def checksum(manifest: Mapping[str, Any]) -> str:
    """SHA-256 of the manifest's canonical JSON, its own ``sha256`` key left out."""
    body = {key: value for key, value in manifest.items() if key != "sha256"}
    # through JSON and back first, so that what ``save`` hashes is what ``load`` reads
    plain = json.loads(json.dumps(body, default=str))
    text = json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def stamp(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest with its own checksum added."""
    return {**manifest, "sha256": checksum(manifest)}


class _Folder:
    """An open results folder: files are opened relative to it, not by path."""

    def __init__(self, descriptor: int | None, path: Path) -> None:
        self.descriptor = descriptor
        self.path = path

    def open(self, name: str) -> IO[bytes]:
        if self.descriptor is None:
            return open(self.path / name, "rb")
        descriptor = self.descriptor
        return open(name, "rb", opener=lambda file, flags: os.open(file, flags, dir_fd=descriptor))

    def names(self) -> set[str]:
        return set(os.listdir(self.descriptor if self.descriptor is not None else self.path))


@contextmanager
def open_folder(path: Path) -> Iterator[_Folder]:
    """The folder at ``path``, held open while it is read."""
    if not path.is_dir():
        what = "is not a folder" if path.exists() else "no such folder"
        raise ResultsError(f"{path}: {what}; not a flocksim results folder")
    descriptor = None
    if os.open in os.supports_dir_fd and os.listdir in os.supports_fd:
        try:
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError as exc:
            raise ResultsError(f"{path}: cannot open the folder ({exc.strerror})") from None
    try:
        yield _Folder(descriptor, path)
    finally:
        if descriptor is not None:
            os.close(descriptor)


def read_verified(path: Path, folder: _Folder) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """The manifest (without its folder keys) and the tables, every check passed."""
    manifest = _read_manifest(path, folder)
    tables, files = _listing(path, manifest)
    present = folder.names()
    unlisted = [f"{name}.parquet" for name in STORED if f"{name}.parquet" in present]
    unlisted = [name for name in unlisted if name not in {e["file"] for e in tables.values()}]
    if unlisted:
        raise ResultsError(
            f"{path}: {unlisted[0]} is not listed in {MANIFEST} (left by another run?); "
            "the folder is not consistent"
        )
    frames = {name: _read_table(path, folder, name, entry) for name, entry in tables.items()}
    for name, entry in files.items():
        _verify_file(path, folder, name, entry["sha256"])
    _check_columns(path, frames)
    for key in _FOLDER_KEYS:
        manifest.pop(key, None)
    return manifest, frames


def _read_manifest(path: Path, folder: _Folder) -> dict[str, Any]:
    try:
        with folder.open(MANIFEST) as handle:
            text = handle.read().decode("utf-8")
    except FileNotFoundError:
        raise ResultsError(f"{path}: no {MANIFEST}; not a flocksim results folder") from None
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read {MANIFEST} ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ResultsError(f"{path}/{MANIFEST}: not a readable manifest ({exc})") from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}/{MANIFEST}: not a readable manifest ({exc})") from None
    if not isinstance(manifest, dict):
        raise ResultsError(f"{path}/{MANIFEST}: not a readable manifest (not a JSON object)")
    recorded = manifest.get("sha256")
    if not isinstance(recorded, str):
        raise ResultsError(
            f"{path}/{MANIFEST}: has no checksum (written by hand or by an older flocksim); "
            "run the scenarios again to get a verified folder"
        )
    if recorded != checksum(manifest):
        raise ResultsError(
            f"{path}/{MANIFEST}: was changed after it was saved (its checksum does not match)"
        )
    return manifest


def _listing(
    path: Path, manifest: Mapping[str, Any]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The manifest's tables and files, their shape checked (a file name never a path)."""
    where = f"{path}/{MANIFEST}"
    tables, files = manifest.get("tables"), manifest.get("files", {})
    if not isinstance(tables, dict) or not isinstance(files, dict):
        raise ResultsError(f"{where}: 'tables' and 'files' must map names to entries")
    for name, entry in tables.items():
        if name not in STORED:
            raise ResultsError(f"{where}: lists an unknown table {name!r}")
        good = (
            isinstance(entry, dict)
            and entry.get("file") == f"{name}.parquet"
            and isinstance(entry.get("rows"), int)
            and entry["rows"] >= 0
            and isinstance(entry.get("sha256"), str)
            and _HEX.fullmatch(entry["sha256"])
        )
        if not good:
            raise ResultsError(f"{where}: the entry of table {name!r} is malformed")
    for name, entry in files.items():
        good = (
            isinstance(entry, dict)
            and isinstance(entry.get("sha256"), str)
            and bool(_HEX.fullmatch(entry["sha256"]))
            and name == os.path.basename(name)
            and not name.startswith(".")
            and name != MANIFEST
        )
        if not good:
            raise ResultsError(f"{where}: the entry of file {name!r} is malformed")
    if "summary" not in tables:
        raise ResultsError(f"{where}: lists no summary table")
    scenarios = manifest.get("scenarios", {})
    if not isinstance(scenarios, dict) or not all(isinstance(v, dict) for v in scenarios.values()):
        raise ResultsError(f"{where}: 'scenarios' must map each name to its settings")
    if not isinstance(manifest.get("partial", False), bool):
        raise ResultsError(f"{where}: 'partial' must be true or false")
    return tables, files


def _hash_handle(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def _verify_file(path: Path, folder: _Folder, name: str, expected: str) -> None:
    try:
        with folder.open(name) as handle:
            actual = _hash_handle(handle)
    except FileNotFoundError:
        raise ResultsError(f"{path}: {name} is listed in {MANIFEST} but missing") from None
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read {name} ({exc.strerror or exc})") from None
    if actual != expected:
        raise ResultsError(
            f"{path}: {name} does not match its checksum in {MANIFEST} "
            "(changed or truncated after it was saved)"
        )


def _read_table(path: Path, folder: _Folder, name: str, entry: Mapping[str, Any]) -> pd.DataFrame:
    file = entry["file"]
    try:
        handle = folder.open(file)
    except FileNotFoundError:
        raise ResultsError(f"{path}: {file} is listed in {MANIFEST} but missing") from None
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read {file} ({exc.strerror or exc})") from None
    with handle:
        if _hash_handle(handle) != entry["sha256"]:
            raise ResultsError(
                f"{path}: {file} does not match its checksum in {MANIFEST} "
                "(changed or truncated after it was saved)"
            )
        handle.seek(0)
        try:
            frame = pd.read_parquet(handle)
        except (OSError, ValueError, pa.ArrowException) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ResultsError(
                f"{path}: {file} is not a readable Parquet table ({reason})"
            ) from None
    if len(frame) != entry["rows"]:
        raise ResultsError(f"{path}: {file} has {len(frame)} rows, {MANIFEST} says {entry['rows']}")
    return frame


def _check_columns(path: Path, frames: Mapping[str, pd.DataFrame]) -> None:
    """Every run table carries ``scenario`` and ``replication`` (docs/tables.md)."""
    for name, frame in frames.items():
        needed = ("figure", "scenario") if name == COMPARISON else ("scenario", "replication")
        missing = [column for column in needed if column not in frame.columns]
        if missing:
            raise ResultsError(f"{path}: {name}.parquet has no {missing[0]!r} column")


__all__ = [
    "COMPARISON",
    "MANIFEST",
    "STORED",
    "TABLES",
    "ResultsError",
    "checksum",
    "open_folder",
    "read_verified",
    "stamp",
]
