"""Writing files so that a crash never leaves half of one: write aside, then rename.

STYLE.md, "Reliability habits": results are written into a temporary file or
folder beside the target and renamed into place when complete, so a reader
(or a resumed run) sees either the old content or the new, never a mixture.
``os.replace`` is atomic within one file system, which is why the temporary
sits beside the target rather than in ``/tmp``.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd


def temporary_sibling(target: Path, kind: str = "tmp") -> Path:
    """A fresh, hidden name beside ``target`` (same folder, so a rename is atomic)."""
    return target.with_name(f".{target.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}")


def _fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def atomic_write(target: str | Path, write: Callable[[Path], object]) -> Path:
    """Write ``target`` through ``write(temporary_path)``, then rename it into place.

    If ``write`` raises (or the process dies) the target keeps its old content
    and the temporary file is removed (or, after a kill, left hidden beside it).
    """
    target = Path(target)
    temporary = temporary_sibling(target)
    try:
        write(temporary)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)
    return target


def atomic_write_text(target: str | Path, text: str) -> Path:
    """Write a text file (UTF-8) atomically."""
    return atomic_write(target, lambda path: path.write_text(text, encoding="utf-8"))


def atomic_write_parquet(target: str | Path, frame: pd.DataFrame) -> Path:
    """Write a table as Parquet atomically."""
    return atomic_write(target, lambda path: frame.to_parquet(path, index=False))


@contextmanager
def staged_directory(target: str | Path, replace: bool = False) -> Iterator[Path]:
    """A folder to fill that appears at ``target`` only once the block ends without error.

    With ``replace``, an existing ``target`` is swapped out (renamed aside, the
    new folder renamed in, the old one deleted); without it an existing target
    raises ``FileExistsError`` before anything is written.
    """
    target = Path(target)
    if target.exists() and not replace:
        raise FileExistsError(f"{target} already exists")
    staging = temporary_sibling(target, "staging")
    staging.mkdir(parents=True)
    try:
        yield staging
        for path in staging.rglob("*"):
            if path.is_file():
                with open(path, "rb") as handle:
                    os.fsync(handle.fileno())
        if target.exists():
            old = temporary_sibling(target, "old")
            os.replace(target, old)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
        _fsync_directory(target.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


__all__ = [
    "atomic_write",
    "atomic_write_parquet",
    "atomic_write_text",
    "staged_directory",
    "temporary_sibling",
]
