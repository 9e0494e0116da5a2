"""The runner through its seam: a fake replication model, no simulation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fakes import fake_model, keep_ignoring_model, slow_early_model

import sim
from sim.results import TABLES
from sim.runner import iterate, run

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="module")
def scenario() -> sim.Scenario:
    return sim.load_scenario(SCENARIOS / "validation" / "mmc.toml")


class Recorder:
    """The fake model, remembering its calls (in-process only)."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __call__(self, scenario, seed, replication, keep):
        self.calls.append((scenario, seed, replication, keep))
        return fake_model(scenario, seed, replication, keep)


def test_replications_and_seed_are_passed_to_the_model(scenario):
    model = Recorder()
    results = run(scenario, replications=4, seed=7, model=model, keep=("weekly",))
    assert [call[2] for call in model.calls] == [0, 1, 2, 3]
    assert all(call[0] is scenario for call in model.calls)
    assert all(call[1] == 7 for call in model.calls)
    assert all(call[3] == ("weekly",) for call in model.calls)
    assert results.summary["replication"].tolist() == [0, 1, 2, 3]
    assert results.summary["seed"].tolist() == [7, 7, 7, 7]


def test_tables_are_concatenated_in_replication_order(scenario):
    results = run(scenario, replications=4, seed=1, model=fake_model)
    assert results.summary["revenue"].tolist() == [1000.0, 1001.0, 1002.0, 1003.0]
    assert results.summary.index.tolist() == [0, 1, 2, 3]
    weekly = results.weekly
    assert weekly["replication"].tolist() == [0, 1, 1, 2, 2, 2, 3]
    assert weekly["week"].tolist() == [0, 0, 1, 0, 1, 2, 0]
    assert weekly.index.tolist() == list(range(7))
    assert results.leads["replication"].tolist() == [0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3]


def test_first_replication_shifts_the_numbers_not_the_seed(scenario):
    model = Recorder()
    results = run(scenario, replications=3, seed=5, model=model, first_replication=10)
    assert [call[2] for call in model.calls] == [10, 11, 12]
    assert results.summary["replication"].tolist() == [10, 11, 12]
    assert results.summary["seed"].tolist() == [5, 5, 5]
    # a later batch gives the same rows as the same replications run in one go
    whole = run(scenario, replications=13, seed=5, model=fake_model)
    pd.testing.assert_frame_equal(
        whole.summary.iloc[10:].reset_index(drop=True), results.summary, check_dtype=True
    )


def test_iterate_yields_in_order(scenario):
    tables = list(iterate(scenario, [3, 1, 2], seed=0, model=fake_model))
    assert [t["summary"]["replication"].item() for t in tables] == [3, 1, 2]


def test_two_workers_give_the_same_tables_as_one(scenario):
    serial = run(scenario, replications=5, seed=3, workers=1, model=slow_early_model)
    parallel = run(scenario, replications=5, seed=3, workers=2, model=slow_early_model)
    assert serial.summary["replication"].tolist() == [0, 1, 2, 3, 4]
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(parallel, name), getattr(serial, name))
    # the scenario crossed the process boundary intact (private settings included)
    assert set(parallel.summary["hash"]) == {scenario.hash}
    assert parallel.manifest["workers"] == 2
    assert serial.manifest["workers"] == 1


def test_an_overridden_scenario_reaches_the_workers(scenario):
    changed = sim.with_overrides(scenario, {"sales.staff": 12})
    results = run(changed, replications=2, workers=2, model=fake_model)
    assert results.summary["staff"].tolist() == [12, 12]
    assert set(results.summary["hash"]) == {changed.hash}


def test_keep_is_forwarded_and_only_kept_tables_are_filled(scenario):
    model = Recorder()
    results = run(scenario, replications=2, model=model, keep=("leads",))
    assert {call[3] for call in model.calls} == {("leads",)}
    assert results.weekly.empty
    assert not results.leads.empty
    assert set(results.tables()) == {"summary", "leads"}


def test_runner_drops_tables_not_kept_even_if_the_model_returns_them(scenario):
    """``keep`` is the runner's promise ("which tables to keep"), not only a hint to the model."""
    results = run(scenario, replications=2, model=keep_ignoring_model, keep=("leads",))
    assert results.weekly.empty
    assert set(results.tables()) == {"summary", "leads"}


def test_keep_nothing_keeps_only_the_summary_with_the_real_model(scenario):
    short = sim.with_overrides(scenario, {"clock.horizon": "2 w"})
    results = run(short, replications=2, seed=0, keep=())
    assert len(results.summary) == 2
    for name in ("weekly", "leads", "customers", "queues"):
        assert getattr(results, name).empty, name
    assert list(results.tables()) == ["summary"]
    # and the same summary as a run that kept everything
    full = run(short, replications=2, seed=0)
    assert not full.leads.empty
    assert not full.weekly.empty
    pd.testing.assert_frame_equal(results.summary, full.summary)


def test_progress_is_called_after_each_replication(scenario):
    seen: list[int] = []
    run(scenario, replications=3, model=fake_model, progress=seen.append)
    assert seen == [1, 2, 3]


def test_manifest_describes_the_run(scenario):
    results = run(scenario, replications=3, seed=9, model=fake_model)
    manifest = results.manifest
    assert manifest["seed"] == 9
    assert manifest["replications"] == 3
    entry = manifest["scenarios"][scenario.name]
    assert entry["hash"] == scenario.hash
    assert entry["settings"] == scenario.raw
    assert entry["source"] == scenario.source


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"replications": 0}, "replications"),
        ({"replications": -2}, "replications"),
        ({"workers": 0}, "workers"),
        ({"keep": ("weekly", "nope")}, "nope"),
    ],
)
def test_bad_arguments_raise_value_error_before_running(scenario, kwargs, match):
    model = Recorder()
    with pytest.raises(ValueError, match=match):
        run(scenario, model=model, **kwargs)
    assert model.calls == []
