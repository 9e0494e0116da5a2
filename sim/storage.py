"""Writing files so that a crash never leaves half of one: write aside, then rename.

STYLE.md, "Reliability habits": results are written into a temporary file or
folder beside the target and renamed into place when complete, so a reader
(or a resumed run) sees either the old content or the new, never a mixture.
``os.replace`` is atomic within one file system, which is why the temporary
sits beside the target rather than in ``/tmp``. A folder that already exists is
swapped for its replacement in one step where the system allows it (Linux
``renameat2`` with ``RENAME_EXCHANGE``), so even a ``kill -9`` between the two
renames of the fallback cannot leave no folder at all.

:func:`exclusive_lock` keeps two writers apart: an ``flock`` on a hidden lock
file beside the target, which the kernel releases when its holder dies, so a
writer killed with ``kill -9`` leaves no stale lock behind (the file holds the
holder's pid, to say who is writing). Locks are POSIX-only, like the runner's
worker processes.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

# Leftovers of a writer killed mid-way: ``.<name>.<kind>-<pid>-<8 hex>`` (``temporary_sibling``).
_LEFTOVER = r"\.{name}\.(?:staging|old|tmp|probe)-(?P<pid>\d+)-[0-9a-f]{{8}}"


def temporary_sibling(target: Path, kind: str = "tmp") -> Path:
    """A fresh, hidden name beside ``target`` (same folder, so a rename is atomic)."""
    return target.with_name(f".{target.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}")


def sha256_file(path: str | Path) -> str:
    """The SHA-256 checksum of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
            if _exchange(staging, target):  # ``staging`` now holds the old folder
                shutil.rmtree(staging, ignore_errors=True)
            else:
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


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step; False where the system cannot (then nothing moved)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # e.g. a file system without it
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def remove_leftovers(target: str | Path) -> list[Path]:
    """Remove what writers of ``target`` killed mid-way left beside it; return what went.

    Only leftovers whose writer (the pid in the name) is no longer running are
    removed, so a live writer's staging folder is never touched.
    """
    target = Path(target)
    pattern = re.compile(_LEFTOVER.format(name=re.escape(target.name)))
    removed: list[Path] = []
    try:
        siblings = list(target.parent.iterdir())
    except OSError:
        return removed
    for path in siblings:
        match = pattern.fullmatch(path.name)
        if match is None or _running(int(match["pid"])):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


class FolderLocked(RuntimeError):
    """Another process holds the lock of a folder; ``pid`` says which (None if unknown)."""

    def __init__(self, target: Path, pid: int | None) -> None:
        who = f"another process (pid {pid})" if pid else "another process"
        super().__init__(f"{target}: {who} is writing there")
        self.target = target
        self.pid = pid


def lock_file(target: str | Path) -> Path:
    """The lock file of ``target``: hidden, beside it."""
    target = Path(target)
    return target.with_name(f".{target.name}.lock")


# Locks this process holds, by lock file, with their depth: a command that reserves its
# output folder for the whole run can still call ``Results.save``, which locks it again.
_HELD: dict[Path, int] = {}


@contextmanager
def exclusive_lock(target: str | Path) -> Iterator[Path]:
    """Hold the writer's lock of ``target`` for the block; never wait for it.

    Raises
    ------
    FolderLocked
        When another process holds it.
    OSError
        When the lock file cannot be created (e.g. a read-only parent folder).
    """
    path = Path(os.path.abspath(lock_file(target)))
    if path in _HELD:
        _HELD[path] += 1
        try:
            yield path
        finally:
            _HELD[path] -= 1
        return
    descriptor = _acquire(path, Path(target))
    _HELD[path] = 1
    try:
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        yield path
    finally:
        del _HELD[path]
        # removed while still held: a process that opened this file meanwhile finds it gone
        # once it gets the lock, and starts again with a fresh file
        path.unlink(missing_ok=True)
        os.close(descriptor)


def _acquire(path: Path, target: Path) -> int:
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip()
            os.close(descriptor)
            raise FolderLocked(target, int(holder) if holder.isdigit() else None) from None
        except BaseException:
            os.close(descriptor)
            raise
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        opened = os.fstat(descriptor)
        if current is not None and (current.st_dev, current.st_ino) == (
            opened.st_dev,
            opened.st_ino,
        ):
            return descriptor
        os.close(descriptor)  # the file was replaced between open and lock: try again


__all__ = [
    "FolderLocked",
    "atomic_write",
    "atomic_write_parquet",
    "atomic_write_text",
    "exclusive_lock",
    "lock_file",
    "remove_leftovers",
    "sha256_file",
    "staged_directory",
    "temporary_sibling",
]
