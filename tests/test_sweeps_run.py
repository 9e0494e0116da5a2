"""Running sweeps: identical rows whatever runs them, crash safety, failures, the folder.

A tiny sweep (two factors, a 13-week horizon, 3 replications) is run once,
serially, as the reference; every other way of running it must give exactly
its rows. The kill test stops a real ``flocksim sweep`` process with SIGKILL
while it writes parts and resumes it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.model import simulate
from sim.sweeps import SweepFolderError, load_sweep

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

TINY = f"""
name = "tiny"
scenarios = ["{SCENARIOS / "sales_only.toml"}", "{SCENARIOS / "full_system.toml"}"]
replications = 3
seed = 7

[set]
"clock.horizon" = "13 w"

[[factors]]
path = "sales.staff"
values = [3, 4, 5, 9]
scenarios = ["full-system"]

[[factors]]
path = "marketing.channels.search.cost_per_lead"
values = [150, 600, 2400]
scenarios = ["full-system"]

[constraints]
keep_weekly_cost = "baseline"
fill = "marketing.budget_per_week"
"""


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sweep") / "tiny.toml"
    path.write_text(TINY)
    return path


@pytest.fixture(scope="module")
def reference(tiny_file, tmp_path_factory) -> sim.SweepResults:
    """The tiny sweep run serially, in this process."""
    return sim.sweep(tiny_file, tmp_path_factory.mktemp("reference") / "out", workers=1)


def test_the_summary_has_a_row_per_variant_scenario_and_replication(reference):
    summary = reference.summary
    design = reference.design
    feasible = int(design["feasible"].sum())
    assert feasible == 9  # 9 salespeople cost 19,000 a week with service and operations
    assert len(summary) == feasible * 2 * 3
    assert not summary.duplicated(["variant", "scenario", "replication"]).any()
    columns = summary.columns.tolist()
    assert columns[:8] == [
        "variant",
        "sales.staff",
        "marketing.channels.search.cost_per_lead",
        "marketing.budget_per_week",
        "scenario",
        "replication",
        "seed",
        "run",
    ]
    assert {"revenue", "profit", "wasted_sales_capacity"} <= set(columns)
    # common random numbers: replication r has the same seed in every variant and scenario
    assert summary.groupby("replication")["seed"].nunique().eq(1).all()
    # the baseline, untouched by the factors, is the same run in every variant
    baseline = summary[summary["scenario"] == "sales-only"]
    assert baseline.groupby("replication")["profit"].nunique().eq(1).all()
    again = load_sweep(reference.directory)
    pd.testing.assert_frame_equal(again.summary, reference.summary)
    assert again.manifest["hash"] == reference.manifest["hash"]
    assert again.manifest["design"]["variants"] == 12


def test_two_local_workers_give_the_same_rows(tiny_file, reference, tmp_path):
    parallel = sim.sweep(tiny_file, tmp_path / "out", workers=2)
    pd.testing.assert_frame_equal(parallel.summary, reference.summary)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "out" / "summary.parquet"), reference.summary
    )


def test_a_dask_local_cluster_on_loopback_gives_the_same_rows(tiny_file, reference, tmp_path):
    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    try:
        swept = sim.sweep(
            tiny_file, tmp_path / "out", executor="dask", address=cluster.scheduler_address
        )
    finally:
        cluster.close()
    pd.testing.assert_frame_equal(swept.summary, reference.summary)
    assert swept.manifest["executor"] == "dask"
    assert swept.manifest["workers"] == 2


def five_salespeople_fail(scenario, seed, replication, keep):
    """The model, except that a full system with 5 salespeople raises in replication 1."""
    if scenario.name == "full-system" and scenario.sales.staff == 5 and replication == 1:
        raise RuntimeError("a deliberate failure")
    return simulate(scenario, seed, replication, keep)


def test_a_variant_that_raises_is_recorded_and_the_others_finish(tiny_file, reference, tmp_path):
    swept = sim.sweep(tiny_file, tmp_path / "out", workers=1, model=five_salespeople_fail)
    failures = swept.failures
    assert len(failures) == 3  # the three cost levels with 5 salespeople
    assert set(failures["replication"]) == {1}
    assert failures["error"].str.contains("RuntimeError: a deliberate failure").all()
    assert swept.manifest["failed"] == 3
    failed = set(failures["variant"])
    kept = reference.summary[
        ~(
            reference.summary["variant"].isin(failed)
            & (reference.summary["scenario"] == "full-system")
            & (reference.summary["replication"] == 1)
        )
    ].reset_index(drop=True)
    pd.testing.assert_frame_equal(swept.summary, kept)
    on_disk = pd.read_parquet(tmp_path / "out" / "failures.parquet")
    assert len(on_disk) == 3


def test_resume_retries_failed_replications(tiny_file, reference, tmp_path):
    sim.sweep(tiny_file, tmp_path / "out", workers=1, model=five_salespeople_fail)
    resumed = sim.sweep(tiny_file, tmp_path / "out", workers=1, resume=True)
    assert resumed.failures.empty
    pd.testing.assert_frame_equal(resumed.summary, reference.summary)


def test_a_folder_with_files_is_refused_without_resume(tiny_file, reference):
    with pytest.raises(SweepFolderError, match="--resume"):
        sim.sweep(tiny_file, reference.directory, workers=1)


def test_resume_with_another_sweep_file_refuses(tiny_file, reference, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(TINY.replace("seed = 7", "seed = 8"))
    with pytest.raises(SweepFolderError, match="another sweep file"):
        sim.sweep(other, reference.directory, workers=1, resume=True)


def test_resume_of_a_finished_sweep_runs_nothing_and_keeps_the_rows(tiny_file, reference, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(reference.directory, copy)
    seen = []
    again = sim.sweep(tiny_file, copy, workers=1, resume=True, progress=seen.append)
    pd.testing.assert_frame_equal(again.summary, reference.summary)
    assert all(status.total == 0 for status in seen)
    assert again.manifest["timing"]["sessions"] == 2


def test_a_sweep_killed_with_sigkill_and_resumed_has_exactly_the_uninterrupted_rows(
    tiny_file, reference, tmp_path
):
    out = tmp_path / "out"
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "sim", "sweep", str(tiny_file), "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if list((out / "parts").glob("part-*.parquet")):
                break
            time.sleep(0.05)
        assert process.poll() is None, "the sweep ended before a part was written"
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
    assert not (out / "summary.parquet").exists()
    written = pd.concat(pd.read_parquet(p) for p in (out / "parts").glob("part-*.parquet"))
    assert 0 < len(written) < len(reference.summary)
    resumed = subprocess.run(
        [*command, "--resume", "--workers", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out / "summary.parquet"), reference.summary)
    assert load_sweep(out).manifest["timing"]["sessions"] == 2


def test_the_command_line_refuses_bad_input_with_one_line(tiny_file, reference, tmp_path):
    from sim.cli import main

    assert main(["sweep", str(tmp_path / "missing.toml"), "--out", str(tmp_path / "x")]) == 2
    assert main(["sweep", str(tiny_file), "--resume"]) == 2
    assert main(["sweep", str(tiny_file), "--out", str(reference.directory)]) == 2
    assert main(["sweep", str(tiny_file), "--address", "tcp://127.0.0.1:1"]) == 2


def test_precision_adds_replications_per_variant_up_to_the_cap(tmp_path):
    path = tmp_path / "precise.toml"
    path.write_text(
        TINY.replace("replications = 3", "replications = 2\nprecision = 0.02\nmax_replications = 4")
    )
    swept = sim.sweep(path, tmp_path / "out", workers=1)
    counts = swept.summary.groupby(["variant", "scenario"])["replication"].nunique()
    assert counts.between(2, 4).all()
    assert (counts == 4).any()  # 2% of a 13-week profit difference is out of reach somewhere
    assert swept.manifest["replications"]["most"] == 4
    again = sim.sweep(path, tmp_path / "again", workers=2)
    pd.testing.assert_frame_equal(again.summary, swept.summary)
