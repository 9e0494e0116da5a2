"""Atomic writes: the target holds the old content or the new, never a part of either."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.storage import atomic_write, atomic_write_parquet, atomic_write_text, staged_directory


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
