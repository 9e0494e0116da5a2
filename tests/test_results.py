"""Results: Parquet plus manifest on disk, read back identically; combining scenarios."""

from __future__ import annotations

import json
from datetime import datetime
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.results import MANIFEST, TABLES, Results, ResultsError

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHORT = {"clock.horizon": "6 w"}


@pytest.fixture(scope="module")
def full_system() -> sim.Scenario:
    return sim.load_scenario(SCENARIOS / "full_system.toml", SHORT)


@pytest.fixture(scope="module")
def sales_only() -> sim.Scenario:
    return sim.load_scenario(SCENARIOS / "sales_only.toml", SHORT)


@pytest.fixture(scope="module")
def full_results(full_system) -> Results:
    return sim.run(full_system, replications=2, seed=11)


@pytest.fixture(scope="module")
def sales_results(sales_only) -> Results:
    return sim.run(sales_only, replications=2, seed=11)


@pytest.fixture(scope="module")
def saved(full_results, tmp_path_factory) -> Path:
    return full_results.save(tmp_path_factory.mktemp("results") / "nested" / "run")


def test_a_real_run_fills_every_table(full_results):
    for name in TABLES:
        frame = getattr(full_results, name)
        assert not frame.empty, name
        assert set(frame["replication"]) == {0, 1}, name
        assert set(frame["scenario"]) == {"full-system"}, name


def test_save_writes_one_parquet_per_table_and_a_manifest(saved):
    assert sorted(path.name for path in saved.iterdir()) == sorted(
        [*(f"{name}.parquet" for name in TABLES), MANIFEST]
    )
    manifest = json.loads((saved / MANIFEST).read_text())
    assert list(manifest["tables"]) == list(TABLES)
    for name, entry in manifest["tables"].items():
        assert entry["file"] == f"{name}.parquet"
        assert entry["rows"] == len(pd.read_parquet(saved / entry["file"]))
        assert len(entry["sha256"]) == 64
    assert manifest["files"] == {}
    assert manifest["partial"] is False


@pytest.mark.parametrize("name", TABLES)
def test_load_gives_identical_tables(full_results, saved, name):
    loaded = Results.load(saved)
    pd.testing.assert_frame_equal(getattr(loaded, name), getattr(full_results, name))


def test_load_gives_the_same_manifest(full_results, saved):
    assert Results.load(saved).manifest == full_results.manifest


def test_manifest_records_scenario_seed_replications_version_and_time(
    full_system, full_results, saved
):
    manifest = json.loads((saved / MANIFEST).read_text())
    assert manifest["seed"] == 11
    assert manifest["replications"] == 2
    assert manifest["version"] == metadata.version("flocksim")
    created = datetime.fromisoformat(manifest["created"])
    assert created.tzinfo is not None
    assert abs((datetime.now(created.tzinfo) - created).total_seconds()) < 3600
    entry = manifest["scenarios"]["full-system"]
    assert entry["hash"] == full_system.hash
    assert entry["source"] == str(SCENARIOS / "full_system.toml")
    settings = entry["settings"]
    assert settings == full_system.raw
    # the settings are the merged file (extends resolved) with the override applied
    assert settings["clock"]["horizon"] == "6 w"
    assert settings["name"] == "full-system"
    assert settings["market"]["segments"][0]["name"] == "smb"  # from sales_only.toml
    assert "extends" not in settings
    # enough to rebuild the very same scenario
    assert sim.scenario_from_dict(settings).hash == full_system.hash


def test_summary_only_results_round_trip(full_system, tmp_path):
    results = sim.run(full_system, replications=2, seed=3, keep=())
    results.save(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == [MANIFEST, "summary.parquet"]
    loaded = Results.load(tmp_path)
    pd.testing.assert_frame_equal(loaded.summary, results.summary)
    assert loaded.weekly.empty
    assert loaded.leads.empty
    assert loaded.manifest == results.manifest


def test_load_without_manifest_is_a_clear_error(tmp_path):
    (tmp_path / "summary.parquet").write_bytes(b"")
    with pytest.raises(ResultsError, match=r"manifest\.json") as info:
        Results.load(tmp_path)
    assert str(tmp_path) in str(info.value)
    assert "not a flocksim results folder" in str(info.value)


def test_load_of_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ResultsError, match="no such folder; not a flocksim results folder"):
        Results.load(tmp_path / "nowhere")


def test_combine_stacks_scenarios(sales_results, full_results):
    combined = Results.combine([sales_results, full_results])
    assert combined.scenarios == ["sales-only", "full-system"]
    for name in TABLES:
        first, second = getattr(sales_results, name), getattr(full_results, name)
        stacked = getattr(combined, name)
        assert len(stacked) == len(first) + len(second), name
        assert stacked.index.tolist() == list(range(len(stacked))), name
        pd.testing.assert_frame_equal(stacked.iloc[: len(first)], first)
        pd.testing.assert_frame_equal(stacked.iloc[len(first) :].reset_index(drop=True), second)
    assert list(combined.manifest["scenarios"]) == ["sales-only", "full-system"]
    assert combined.manifest["replications"] == 2
    assert combined.manifest["seed"] == 11


def test_combined_results_round_trip(sales_results, full_results, tmp_path):
    combined = Results.combine([sales_results, full_results])
    loaded = Results.load(combined.save(tmp_path))
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(combined, name))
    assert loaded.scenarios == ["sales-only", "full-system"]


def test_combine_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="nothing to combine"):
        Results.combine([])


def test_results_are_frozen(full_results):
    with pytest.raises(AttributeError):
        full_results.summary = pd.DataFrame()  # type: ignore[misc]


def test_combine_counts_replications_of_stacked_batches():
    """Batches of one scenario (as compare --precision makes them) add up in the manifest."""
    scenario = sim.load_scenario(SCENARIOS / "full_system.toml", {"clock.horizon": "2 w"})
    first = sim.run(scenario, 2, seed=4, keep=())
    second = sim.run(scenario, 3, seed=4, keep=(), first_replication=2)
    combined = Results.combine([first, second])
    assert combined.manifest["replications"] == 5
    assert list(combined.summary["replication"]) == [0, 1, 2, 3, 4]
