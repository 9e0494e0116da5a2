"""A sweep's folder: what it was started from, its parts, and resuming.

Layout of ``DIR``:

``sweep.json``
    Written when the sweep starts: the sweep file's text and hash, each
    scenario's settings hash and the start of every session. ``--resume``
    refuses a folder whose hash differs from the file's (another sweep file),
    or whose scenarios have changed since.
``design.parquet``
    Every variant's factor values, whether it is feasible, and why not.
``parts/part-*.parquet``
    Summary rows of finished replications, one row per variant, scenario and
    replication (with its seed and the run key: the hash of the settings it
    simulated). Each part is a batch written aside and renamed into place
    (``sim.storage``), so a sweep killed at any moment leaves whole parts only.
``parts/failed-*.parquet``
    Replications that raised: variant, scenario, run, replication, seed, error.
``summary.parquet``, ``failures.parquet``, ``manifest.json``
    Written when the sweep ends (``sim.sweeps.engine``).

While a sweep runs it holds an exclusive lock on ``DIR/.lock`` (released by
the system even after a ``kill -9``), so two processes never fill one folder.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd

from sim.storage import atomic_write_parquet, atomic_write_text

RECORD = "sweep.json"
DESIGN = "design.parquet"
PARTS = "parts"
LOCK = ".lock"


class SweepFolderError(ValueError):
    """A folder that cannot take this sweep (or has nothing to resume); says why."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SweepFolder:
    """The folder of one sweep, locked while this object is open."""

    def __init__(self, directory: Path, lock: IO[str] | None) -> None:
        self.directory = directory
        self.parts = directory / PARTS
        self._lock = lock
        self._written = 0

    # -- opening -----------------------------------------------------------------
    @classmethod
    def open(
        cls,
        directory: str | Path,
        record: dict[str, Any],
        design: pd.DataFrame,
        resume: bool,
    ) -> SweepFolder:
        """Start a sweep in a new or empty folder, or resume the one in ``directory``.

        ``record`` holds ``file``, ``hash`` (of the sweep file's text), ``text``
        and ``scenarios`` (name to settings hash).
        """
        directory = Path(directory)
        recorded_path = directory / RECORD
        if resume:
            if not recorded_path.is_file():
                raise SweepFolderError(
                    f"{directory}: nothing to resume (no {RECORD}); start the sweep without "
                    "--resume"
                )
            previous = json.loads(recorded_path.read_text(encoding="utf-8"))
            _check_same_sweep(directory, previous, record)
        elif directory.exists() and any(directory.iterdir()):
            kind = "a sweep" if recorded_path.is_file() else "files"
            raise SweepFolderError(
                f"{directory} already holds {kind}; use --resume to continue a sweep there, "
                "or choose another --out"
            )
        try:
            (directory / PARTS).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SweepFolderError(f"{directory}: cannot create the folder ({exc})") from None
        folder = cls(directory, _lock(directory))
        sessions = previous.get("sessions", []) if resume else []
        record = {**record, "sessions": [*sessions, {"started": _now(), "pid": os.getpid()}]}
        atomic_write_text(recorded_path, json.dumps(record, indent=2, default=str) + "\n")
        if not (directory / DESIGN).is_file():
            atomic_write_parquet(directory / DESIGN, design)
        return folder

    def close(self) -> None:
        """Release the folder's lock."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def record(self) -> dict[str, Any]:
        """What ``sweep.json`` holds."""
        data: dict[str, Any] = json.loads((self.directory / RECORD).read_text(encoding="utf-8"))
        return data

    # -- parts -------------------------------------------------------------------
    def _name(self, kind: str) -> Path:
        self._written += 1
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        token = f"{os.getpid()}-{self._written:06d}-{secrets.token_hex(3)}"
        return self.parts / f"{kind}-{stamp}-{token}.parquet"

    def write_part(self, rows: pd.DataFrame, failures: pd.DataFrame) -> int:
        """Write a batch of rows (and of failures) atomically; return the files written."""
        written = 0
        if not rows.empty:
            atomic_write_parquet(self._name("part"), rows)
            written += 1
        if not failures.empty:
            atomic_write_parquet(self._name("failed"), failures)
            written += 1
        return written

    def load_parts(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Every row and failure written so far (hidden half-written files ignored)."""
        return _read_all(sorted(self.parts.glob("part-*.parquet"))), _read_all(
            sorted(self.parts.glob("failed-*.parquet"))
        )


def _read_all(paths: list[Path]) -> pd.DataFrame:
    frames = [pd.read_parquet(path) for path in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _check_same_sweep(directory: Path, previous: dict[str, Any], record: dict[str, Any]) -> None:
    if previous.get("hash") != record["hash"]:
        raise SweepFolderError(
            f"{directory} was made from another sweep file ({previous.get('file')}, hash "
            f"{str(previous.get('hash'))[:12]}); {record['file']} hashes to "
            f"{record['hash'][:12]}; resume with the same file or choose another --out"
        )
    before, now = previous.get("scenarios", {}), record["scenarios"]
    for name, digest in now.items():
        if before.get(name) != digest:
            raise SweepFolderError(
                f"{directory}: scenario {name!r} has changed since the sweep started "
                "(its settings hash differs); resuming would mix two models; "
                "choose another --out"
            )


def _lock(directory: Path) -> IO[str] | None:
    try:
        import fcntl
    except ImportError:  # no advisory locks on this platform
        return None
    handle = open(directory / LOCK, "w")  # noqa: SIM115 - held open while the sweep runs
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise SweepFolderError(
            f"{directory}: another flocksim process is running this sweep"
        ) from None
    return handle


__all__ = ["DESIGN", "PARTS", "RECORD", "SweepFolder", "SweepFolderError"]
