"""The experiments seam (``sim.compare``, ``sim.run_paired``) with a fake model."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import noisy_model

import sim
from sim.experiments import ExperimentError, baseline_name, comparable_figures

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="module")
def pair() -> list[sim.Scenario]:
    base = sim.load_scenario(SCENARIOS / "validation" / "mmc.toml")
    return [base, sim.with_overrides(base, {"name": "bigger", "sales.staff": 12})]


def test_run_paired_gives_every_scenario_the_same_replications(pair):
    results = sim.run_paired(pair, 4, seed=3, model=noisy_model, first_replication=2)
    assert results.scenarios == ["mmc", "bigger"]
    for _, rows in results.summary.groupby("scenario"):
        assert rows["replication"].tolist() == [2, 3, 4, 5]
        assert (rows["seed"] == 3).all()


def test_compare_returns_the_paired_table(pair):
    comparison = sim.compare(pair, 6, seed=1, model=noisy_model, figures=("revenue",))
    assert comparison.baseline == "mmc"
    assert comparison.replications == 6
    assert comparison.precision is None
    assert comparison.reached is None
    row = comparison.table.set_index("scenario").loc["bigger"]
    # 2 more salespeople: +2,000 revenue, and the shared noise cancels in the pairs
    assert row["diff"] == pytest.approx(2000.0, abs=20.0)
    assert row["diff_high"] - row["diff_low"] < 40.0
    assert comparison.stop_note() == "6 replications"


def test_compare_adds_replications_until_precise(pair):
    batches = []
    comparison = sim.compare(
        pair,
        3,
        precision=0.001,
        max_replications=200,
        seed=0,
        model=noisy_model,
        figures=("revenue",),
        on_batch=batches.append,
    )
    assert comparison.reached
    assert comparison.replications > 3
    assert len(batches) >= 2
    assert sum(batch.summary["replication"].nunique() for batch in batches) == (
        comparison.replications
    )
    # scenario by scenario, replications in order, however many batches ran
    summary = comparison.summary
    assert (
        summary["scenario"].tolist()
        == ["mmc"] * comparison.replications + ["bigger"] * comparison.replications
    )
    assert summary["replication"].tolist() == list(range(comparison.replications)) * 2
    row = comparison.table.set_index("scenario").loc["bigger"]
    assert (row["diff_high"] - row["diff_low"]) / 2 <= 0.001 * abs(row["diff"])
    assert "within 0.1%" in comparison.stop_note()


def test_compare_says_when_the_cap_stops_it(pair):
    comparison = sim.compare(
        pair, 2, precision=1e-6, max_replications=5, model=noisy_model, figures=("revenue",)
    )
    assert comparison.reached is False
    assert comparison.replications == 5
    assert "NOT reached" in comparison.stop_note(cap="--max-reps")
    assert "--max-reps" in comparison.stop_note(cap="--max-reps")


def test_compare_leaves_out_figures_a_scenario_lacks(pair):
    comparison = sim.compare(pair, 3, model=noisy_model, figures=("revenue", "complaints"))
    assert comparison.table["figure"].unique().tolist() == ["revenue"]
    assert comparable_figures(comparison.summary, ("complaints", "nonsense")) == []


def test_baseline_by_name_file_or_stem(pair):
    assert baseline_name(None, pair) == "mmc"
    assert baseline_name("bigger", pair) == "bigger"
    assert baseline_name(str(SCENARIOS / "validation" / "mmc.toml"), pair) == "mmc"
    with pytest.raises(ExperimentError, match="baseline 'nobody' is not one of: mmc, bigger"):
        baseline_name("nobody", pair)
    comparison = sim.compare(pair, 2, baseline="bigger", model=noisy_model, figures=("revenue",))
    assert comparison.table.set_index("scenario").loc["mmc", "diff"] < 0


def test_compare_reads_files():
    comparison = sim.compare(
        [SCENARIOS / "validation" / "mmc.toml", SCENARIOS / "validation" / "bass.toml"],
        2,
        model=noisy_model,
        figures=("revenue",),
    )
    assert comparison.scenarios == ["mmc", "bass"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"replications": 2.5}, "replications must be a whole number"),
        ({"replications": 0}, "replications must be at least 1"),
        ({"seed": -1}, "seed must be at least 0"),
        ({"seed": None}, "seed must be a whole number"),
        ({"workers": 0}, "workers must be at least 1"),
        ({"keep": "weekly"}, "keep must be a collection of table names"),
        ({"keep": ("weekly", "hourly")}, "keep: unknown tables ['hourly']"),
        ({"precision": 1.5}, "precision must lie strictly between 0 and 1"),
        ({"precision": 0.1, "replications": 1}, "at least 2 replications"),
        ({"precision": 0.1, "replications": 5, "max_replications": 4}, "below replications"),
    ],
)
def test_misuse_is_refused_naming_the_argument(pair, arguments, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        sim.compare(pair, model=noisy_model, **{"replications": 2, **arguments})


def test_scenarios_must_be_told_apart(pair):
    with pytest.raises(ExperimentError, match="repeated: mmc"):
        sim.compare([pair[0], pair[0]], 2, model=noisy_model)
    with pytest.raises(ExperimentError, match="at least two scenarios"):
        sim.compare([pair[0]], 2, model=noisy_model)
    with pytest.raises(ExperimentError, match="must be a list"):
        sim.compare(pair[0], 2, model=noisy_model)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"replications": 2.5}, "replications must be a whole number"),
        ({"seed": None}, "seed must be a whole number"),
        ({"seed": -1}, "seed must be at least 0"),
        ({"workers": 2.0}, "workers must be a whole number"),
        ({"first_replication": -2}, "first_replication must be at least 0"),
        ({"keep": "weekly"}, "keep must be a collection"),
    ],
)
def test_run_refuses_misuse_naming_the_argument(pair, arguments, message):
    with pytest.raises(ValueError, match=message):
        sim.run(pair[0], model=noisy_model, **{"replications": 2, **arguments})
    with pytest.raises(ValueError, match="scenario must be a Scenario"):
        sim.run("scenarios/sales_only.toml", 2)  # type: ignore[arg-type]
