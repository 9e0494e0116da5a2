"""``--out`` of run and compare: checked before simulating, never overwritten without
``--force``, and a failed save said, never silent.

The cases with other processes (a second writer, read-only places, signals,
``kill -9``) are in ``test_faults.py``.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.results import Results

ROOT = Path(__file__).resolve().parents[1]
SALES_ONLY = str(ROOT / "scenarios" / "sales_only.toml")
FULL_SYSTEM = str(ROOT / "scenarios" / "full_system.toml")
SHORT = ["--set", 'clock.horizon="4 w"']
# far more than a test can wait for: a command given these must refuse before simulating
ENDLESS = ["--reps", "100000"]


def cli(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str, *fragments: str) -> str:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("flocksim: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def flocksim(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize("command", ["run", "compare"])
def test_an_empty_out_is_an_error_not_the_default(command, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, command, SALES_ONLY, FULL_SYSTEM, *ENDLESS, "--out", "")
    assert code == 2
    one_error_line(err, "--out ''", "empty path")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> Path:
    """A folder holding the results of an earlier compare."""
    out = tmp_path_factory.mktemp("earlier") / "out"
    code = main(["compare", SALES_ONLY, FULL_SYSTEM, *SHORT, "--reps", "2", "--out", str(out)])
    assert code == 0
    return out


@pytest.mark.parametrize("command", ["run", "compare"])
def test_out_onto_results_is_refused_before_simulating(command, earlier, tmp_path):
    before = {path.name: path.stat().st_mtime_ns for path in earlier.iterdir()}
    started = time.monotonic()
    process = flocksim(
        command, SALES_ONLY, FULL_SYSTEM, *ENDLESS, "--out", str(earlier), cwd=tmp_path
    )
    assert time.monotonic() - started < 30
    assert process.returncode == 2, process.stderr
    one_error_line(process.stderr, f"--out {earlier}: already holds results", "--force")
    assert {path.name: path.stat().st_mtime_ns for path in earlier.iterdir()} == before


def test_out_onto_a_folder_of_other_files_is_refused_even_with_force(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    code, _, err = cli(capsys, "run", SALES_ONLY, *ENDLESS, "--out", str(folder), "--force")
    assert code == 2
    one_error_line(err, "holds files but no manifest.json")
    assert (folder / "notes.txt").read_text() == "keep me"


def test_compare_then_run_with_force_leaves_no_old_comparison(tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = cli(
        capsys, "compare", SALES_ONLY, FULL_SYSTEM, *SHORT, "--reps", "2", "--out", str(out)
    )
    assert code == 0, err
    assert (out / "comparison.parquet").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert "comparison" in manifest["tables"]
    assert "comparison.csv" in manifest["files"]

    scenario = str(ROOT / "scenarios" / "validation" / "mmc.toml")
    args = ["run", scenario, "--set", 'clock.horizon="2 w"', "--reps", "2", "--out", str(out)]
    code, _, err = cli(capsys, *args)
    assert code == 2
    one_error_line(err, "already holds results")
    code, _, err = cli(capsys, *args, "--force")
    assert code == 0, err
    assert not (out / "comparison.parquet").exists()
    assert not (out / "comparison.csv").exists()
    assert Results.load(out).scenarios == ["mmc"]
    code, stdout, err = cli(capsys, "report", str(out))
    assert code == 0, err
    report = (out / "report.md").read_text()
    assert "mmc" in report
    assert "sales-only" not in report
    assert "full-system" not in report
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


def test_a_failed_save_says_where_and_keeps_the_printed_table(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"

    def disk_full(self, directory, *, force=False):
        raise OSError(errno.ENOSPC, "No space left on device", str(directory))

    monkeypatch.setattr(Results, "save", disk_full)
    code, stdout, err = cli(capsys, "run", SALES_ONLY, *SHORT, "--reps", "2", "--out", str(out))
    assert code == 1
    line = one_error_line(err.strip().splitlines()[0], "results not saved", str(out))
    assert "No space left on device" in line
    assert "revenue" in stdout  # the figures are at least on the terminal
    assert not out.exists()


def test_report_says_a_folder_is_partial(tmp_path, capsys):
    summary = pd.DataFrame(
        {"scenario": ["a", "a", "b"], "replication": [0, 1, 0], "revenue": [1.0, 2.0, 3.0]}
    )
    results = Results(summary=summary, manifest={"scenarios": {"a": {}, "b": {}, "c": {}}})
    results.mark_partial("SIGTERM", 10).save(tmp_path / "p")
    code, stdout, err = cli(capsys, "report", str(tmp_path / "p"))
    assert code == 0, err
    assert "partial run (interrupted by SIGTERM; replications finished: a 2, b 1, c 0)" in err
    assert "report.html" in stdout
