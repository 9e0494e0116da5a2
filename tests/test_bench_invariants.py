"""Invariants the fast path relies on, and a smoke run of the benchmark (not timed).

The model draws its random numbers in blocks and hands them out as plain Python
floats, so that SimPy's clock stays a float and the hot path never touches a
numpy scalar. These tests guard that:

* (batched draws equal one-at-a-time draws: in ``test_determinism.py``);
* the clock, and every lead's created/contacted time, is a plain ``float``;
* ``keep=()`` builds no per-lead (or other per-replication) table.

The last test runs ``benchmarks/bench.py --quick`` end to end in a subprocess and
checks the JSON it writes.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import sim
from sim.model import simulate
from sim.model.firm import Firm
from sim.results import TABLES

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "bench.py"
SEED = 8128

# (distribution, the same draw made one value at a time on a numpy Generator)
# Batched draws equal one-at-a-time draws for every distribution kind, across block
# boundaries and through named streams: tests/test_determinism.py guards that.


def _run_watching_the_clock(scenario: sim.Scenario) -> tuple[Firm, set[type]]:
    """Run one replication, recording the type of ``env.now`` after every event."""
    firm = Firm(scenario, seed=SEED, replication=0)
    env = firm.env
    clock_types: set[type] = set()
    step = env.step

    def watched_step() -> None:
        step()
        clock_types.add(type(env.now))

    env.step = watched_step  # type: ignore[method-assign]
    firm.run()
    return firm, clock_types


@pytest.mark.parametrize("name", ["sales_only", "full_system"])
def test_clock_and_lead_times_stay_python_floats(name: str, request: pytest.FixtureRequest) -> None:
    scenario = sim.with_overrides(request.getfixturevalue(name), {"clock.horizon": "8 w"})
    firm, clock_types = _run_watching_the_clock(scenario)
    # SimPy starts at the integer 0; once time moves it must be a float, never numpy's
    assert float in clock_types
    assert clock_types <= {int, float}, clock_types
    assert type(firm.env.now) is float
    leads = firm.leads
    assert len(leads) > 20
    assert {type(lead.created) for lead in leads} == {float}
    contacted = [lead.contacted for lead in leads if not math.isnan(lead.contacted)]
    assert contacted
    assert {type(when) for when in contacted} == {float}
    won = [customer.won for customer in firm.customers.all if customer.origin == "won"]
    assert {type(when) for when in won} <= {float}


def test_summary_only_builds_no_per_replication_tables(sales_only: sim.Scenario) -> None:
    scenario = sim.with_overrides(sales_only, {"clock.horizon": "4 w"})
    tables = simulate(scenario, seed=SEED, replication=0, keep=())
    assert set(tables) == {"summary"}
    everything = simulate(scenario, seed=SEED, replication=0, keep=TABLES)
    assert set(everything) == set(TABLES)
    assert len(everything["leads"]) > 0  # there were leads to table
    # the summary does not depend on which other tables are kept
    assert tables["summary"].equals(everything["summary"])

    results = sim.run(scenario, replications=2, seed=SEED, keep=())
    assert len(results.summary) == 2
    assert (results.summary["leads"] > 0).all()
    for name in ("leads", "customers", "weekly", "queues"):
        assert getattr(results, name).empty, name
    assert set(results.tables()) == {"summary"}


def _check_spread(measured: dict[str, Any]) -> None:
    assert measured["min"] <= measured["median"] <= measured["max"]
    assert measured["min"] > 0


@pytest.mark.slow
def test_quick_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    """Every part of the benchmark runs, at --quick's small sizes (QUICK in bench.py).

    What is checked is the report's shape and its internal consistency, never a
    speed, so the sizes only have to make each part run once: about 35 s on a
    loaded 2-core machine. The timeout only guards against a hang.
    """
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    latest = json.loads((tmp_path / "latest.json").read_text())
    stamped = [path for path in tmp_path.glob("*.json") if path.name != "latest.json"]
    assert len(stamped) == 1
    assert json.loads(stamped[0].read_text()) == latest

    expected = {"created", "quick", "sizes", "machine", "mmc", "scenarios", "replications"}
    expected |= {"memory", "rows", "targets", "elapsed_s"}
    assert expected <= latest.keys()
    assert latest["quick"] is True
    machine = latest["machine"]
    assert {"cpu_count", "python", "numpy", "simpy", "pandas", "platform"} <= machine.keys()
    assert machine["cpu_count"] >= 1

    mmc = latest["mmc"]
    assert mmc["bare"]["customers"]["median"] == mmc["customers_target"]
    assert mmc["flocksim"]["customers"]["median"] > 0.9 * mmc["customers_target"]
    tables = mmc["flocksim"]["tables"]  # everything a user gets: rows per table
    assert set(tables) == set(TABLES)
    assert tables["summary"] == 1
    assert tables["leads"] == mmc["flocksim"]["customers"]["values"][-1]
    for side in ("bare", "flocksim"):
        _check_spread(mmc[side]["customers_per_s"])
        _check_spread(mmc[side]["events_per_s"])
    assert mmc["ratio"]["median"] == pytest.approx(
        mmc["flocksim"]["customers_per_s"]["median"] / mmc["bare"]["customers_per_s"]["median"]
    )

    assert set(latest["scenarios"]) == {"full_system", "sales_only"}
    for scenario in latest["scenarios"].values():
        assert scenario["weeks"] == 104
        assert scenario["events"] > scenario["leads"] > 0
        _check_spread(scenario["wall_s"])
        assert scenario["memory"]["rss_peak_mb"] > 0
        assert scenario["memory"]["tracemalloc_peak_mb"] > 0

    replications = latest["replications"]
    assert replications["identical_summaries"] is True
    assert replications["efficiency"]["median"] == pytest.approx(
        replications["speedup"]["median"] / 2
    )

    memory = latest["memory"]
    assert memory["small"]["summary_rows"] == latest["sizes"]["memory_small"]
    assert memory["large"]["summary_rows"] == latest["sizes"]["memory_large"]

    verdicts = {target["key"]: target for target in latest["targets"]}
    assert set(verdicts) == {
        "mmc_ratio",
        "parallel_efficiency",
        "memory_growth_ratio",
        "sweep_local_efficiency",
        "sweep_dask_efficiency",
        "paired_replication_ratio",
    }
    sweeps = latest["sweeps"]
    assert sweeps["identical_rows"] is True
    assert set(sweeps["runs_per_s"]) == {"local_1", "local_2", "dask_1", "dask_2"}
    assert 0 < sweeps["paired_ratio"]["median"] < 1  # common random numbers pay
    for target in verdicts.values():
        if target["sense"] == ">=":
            assert target["pass"] is (target["measured"] >= target["threshold"])
        else:
            assert target["pass"] is (target["measured"] <= target["threshold"])
        verdict = "PASS" if target["pass"] else "FAIL"
        assert f"{verdict}  {target['target']}" in done.stdout
