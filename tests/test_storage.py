"""Atomic writes: the target holds the old content or the new, never a part of either;
the writer's lock; what killed writers leave behind."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys

import pandas as pd
import pytest

from sim.storage import (
    FolderLocked,
    atomic_write,
    atomic_write_parquet,
    atomic_write_text,
    exclusive_lock,
    lock_file,
    remove_leftovers,
    sha256_file,
    staged_directory,
)


def test_atomic_write_replaces_the_whole_file(tmp_path):
    target = tmp_path / "a.txt"
    atomic_write_text(target, "old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert [path.name for path in tmp_path.iterdir()] == ["a.txt"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "a.txt"
    atomic_write_text(target, "old")

    def half_then_fail(path):
        path.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, half_then_fail)
    assert target.read_text() == "old"
    assert [path.name for path in tmp_path.iterdir()] == ["a.txt"]


def test_parquet_round_trip(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    atomic_write_parquet(tmp_path / "t.parquet", frame)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), frame)


def test_staged_directory_appears_only_when_complete(tmp_path):
    target = tmp_path / "out"

    def write_half() -> None:
        with staged_directory(target) as staging:
            (staging / "summary.parquet").write_text("partial")
            raise RuntimeError("killed mid-way")

    with pytest.raises(RuntimeError):
        write_half()
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    with staged_directory(target) as staging:
        (staging / "x").write_text("1")
    assert (target / "x").read_text() == "1"


def test_staged_directory_refuses_or_replaces_an_existing_target(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "old").write_text("old")
    with pytest.raises(FileExistsError), staged_directory(target):
        pass
    assert (target / "old").exists()
    with staged_directory(target, replace=True) as staging:
        (staging / "new").write_text("new")
    assert sorted(path.name for path in target.iterdir()) == ["new"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


def test_sha256_file_is_the_checksum_of_the_bytes(tmp_path):
    import hashlib

    path = tmp_path / "a.bin"
    path.write_bytes(b"flocksim" * 100_000)
    assert sha256_file(path) == hashlib.sha256(b"flocksim" * 100_000).hexdigest()


def test_replacing_a_folder_leaves_nothing_beside_it(tmp_path):
    target = tmp_path / "out"
    for content in ("one", "two", "three"):
        with staged_directory(target, replace=True) as staging:
            (staging / "x").write_text(content)
        assert (target / "x").read_text() == content
    assert [path.name for path in tmp_path.iterdir()] == ["out"]


def test_the_lock_refuses_a_second_holder_and_names_the_first(tmp_path):
    target = tmp_path / "out"
    with exclusive_lock(target) as path:
        assert path.read_text().strip() == str(os.getpid())
        # another open file description of the same lock file: as another process would hold it
        descriptor = os.open(path, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(descriptor)
    assert not lock_file(target).exists()
    # held by someone else (a separate flock), the lock is refused with that pid
    lock_file(target).write_text("4242\n")
    descriptor = os.open(lock_file(target), os.O_RDWR)
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        with (
            pytest.raises(FolderLocked, match=r"pid 4242\) is writing there") as info,
            exclusive_lock(target),
        ):
            pass
        assert info.value.pid == 4242
    finally:
        os.close(descriptor)
    # released (as when its holder dies): the left-over file is taken over
    with exclusive_lock(target) as path:
        assert path.read_text().strip() == str(os.getpid())


def test_the_lock_is_reentrant_within_one_process(tmp_path):
    target = tmp_path / "out"
    with exclusive_lock(target), exclusive_lock(target):
        assert lock_file(target).exists()
    assert not lock_file(target).exists()


def test_leftovers_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    target = tmp_path / "out"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    (tmp_path / f".out.staging-{dead_pid}-0123abcd").mkdir()
    (tmp_path / f".out.old-{dead_pid}-0123abcd").mkdir()
    (tmp_path / f".out.staging-{os.getpid()}-0123abcd").mkdir()
    (tmp_path / f".other.staging-{dead_pid}-0123abcd").mkdir()
    (tmp_path / f".out.staging-{dead_pid}-x").mkdir()
    removed = remove_leftovers(target)
    assert sorted(path.name for path in removed) == [
        f".out.old-{dead_pid}-0123abcd",
        f".out.staging-{dead_pid}-0123abcd",
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [
            f".other.staging-{dead_pid}-0123abcd",
            f".out.staging-{dead_pid}-x",
            f".out.staging-{os.getpid()}-0123abcd",
        ]
    )
