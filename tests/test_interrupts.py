"""Interrupts keep the finished replications and stop the workers; no waiting for the rest.

In this process, through the runner's seam (a fake model). The same with the
real command, signals sent from outside and ``kill -9``, is in
``test_faults.py``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from fakes import fake_model, slow_model

import sim
from sim.interrupts import RunInterrupted, SignalGuard, interruptible
from sim.results import TABLES
from sim.runner import _Tally

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="module")
def pair() -> list[sim.Scenario]:
    first = sim.load_scenario(SCENARIOS / "validation" / "mmc.toml")
    return [first, sim.with_overrides(first, {"name": "bigger", "sales.staff": 3})]


def interrupted_at(name: str, at: int):
    """A model that is interrupted (as by Ctrl-C) when it reaches ``name``'s replication ``at``."""

    def model(scenario, seed, replication, keep):
        if scenario.name == name and replication == at:
            raise RunInterrupted(signal.SIGINT)
        return fake_model(scenario, seed, replication, keep)

    return model


def test_run_keeps_the_whole_replications_finished_before_an_interrupt(pair):
    with pytest.raises(RunInterrupted) as info:
        sim.run(pair[0], 10, model=interrupted_at("mmc", 4), keep=("weekly",))
    results = info.value.results
    assert results is not None
    assert results.summary["replication"].tolist() == [0, 1, 2, 3]
    # the fake's weekly table has r % 3 + 1 rows for replication r
    assert results.weekly["replication"].tolist() == [0, 1, 1, 2, 2, 2, 3]
    assert results.manifest["replications"] == 10  # asked for; mark_partial counts the rest
    assert info.value.exit_code == 130
    assert info.value.signal_name == "SIGINT"


def test_an_interrupt_before_the_first_replication_keeps_nothing(pair):
    with pytest.raises(RunInterrupted) as info:
        sim.run(pair[0], 3, model=interrupted_at("mmc", 0))
    assert info.value.results is None


def test_compare_keeps_every_scenario_finished_so_far(pair):
    with pytest.raises(RunInterrupted) as info:
        sim.compare(pair, 5, model=interrupted_at("bigger", 3), figures=("revenue",))
    results = info.value.results
    assert results is not None
    summary = results.summary
    assert summary["scenario"].tolist() == ["mmc"] * 5 + ["bigger"] * 3
    assert summary["replication"].tolist() == [0, 1, 2, 3, 4, 0, 1, 2]
    partial = results.mark_partial("SIGINT", 5)
    assert partial.manifest["replications_done"] == {"mmc": 5, "bigger": 3}


def test_compare_to_a_precision_keeps_earlier_batches(pair):
    with pytest.raises(RunInterrupted) as info:
        sim.compare(
            pair,
            2,
            precision=0.01,
            max_replications=50,
            model=interrupted_at("mmc", 3),
            figures=("revenue",),
        )
    results = info.value.results
    assert results is not None
    assert results.summary.groupby("scenario", sort=False)["replication"].max().to_dict() == {
        "mmc": 2,
        "bigger": 1,
    }


def test_run_paired_keeps_the_scenarios_finished(pair):
    with pytest.raises(RunInterrupted) as info:
        sim.run_paired(pair, 3, model=interrupted_at("bigger", 1))
    assert info.value.results is not None
    assert info.value.results.summary["scenario"].tolist() == ["mmc"] * 3 + ["bigger"]


def test_a_signal_stops_the_workers_at_once_and_keeps_what_finished(pair):
    """200 replications of 50 ms on 2 workers take 5 s; the interrupt after 1 s stops them."""
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    with interruptible():
        timer.start()
        with pytest.raises(RunInterrupted) as info:
            sim.run(pair[0], 200, workers=2, model=slow_model, keep=())
    elapsed = time.monotonic() - started
    timer.cancel()
    assert elapsed < 3.5, elapsed
    results = info.value.results
    assert results is not None
    done = results.summary["replication"].tolist()
    assert done == list(range(len(done)))
    assert 0 < len(done) < 200
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []
    # the handlers are restored
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_the_guard_holds_a_first_signal_and_gives_way_to_a_second():
    guard = SignalGuard()
    with guard.hold():
        guard._handle(signal.SIGTERM, None)  # noted: the save goes on
        assert guard.received == signal.SIGTERM
        with pytest.raises(RunInterrupted) as info:
            guard._handle(signal.SIGINT, None)
    assert info.value.exit_code == 130
    with pytest.raises(RunInterrupted) as info:
        SignalGuard()._handle(signal.SIGTERM, None)
    assert info.value.exit_code == 143


def test_a_half_added_replication_is_rolled_back():
    tally = _Tally(TABLES)
    scenario = SimpleNamespace(name="x", hash="h", sales=SimpleNamespace(staff=1))
    tally.add(fake_model(scenario, 0, 1, TABLES))  # two weekly rows
    # as if the interrupt landed in the middle of the next ``add``
    tally.columns["scenario"].append("x")
    tally.parts["weekly"].append(pd.DataFrame({"week": [0]}))
    tally.rollback()
    frames = tally.frames()
    assert frames["summary"]["replication"].tolist() == [1]
    assert frames["weekly"]["week"].tolist() == [0, 1]


def test_an_interrupt_raised_inside_a_simpy_process_is_the_same_interrupt():
    """SimPy re-creates an exception a process raises from its ``args``: a signal that
    arrives mid-event must come out as the same RunInterrupted, not a ValueError."""
    import simpy

    env = simpy.Environment()

    def process(env):
        yield env.timeout(1)
        raise RunInterrupted(signal.SIGINT)

    env.process(process(env))
    with pytest.raises(RunInterrupted) as caught:
        env.run()
    assert caught.value.signum == signal.SIGINT
    assert caught.value.exit_code == 130
    assert str(caught.value) == "interrupted by SIGINT"
