"""Comparisons on common random numbers, with the real model (issue: paired statistics)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sim
from sim import analysis
from sim.cli import main

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHORT = {"clock.horizon": "26 w"}


@pytest.fixture(scope="module")
def paired_runs() -> pd.DataFrame:
    scenarios = [
        sim.load_scenario(SCENARIOS / f"{name}.toml", SHORT)
        for name in ("sales_only", "full_system")
    ]
    return sim.run_paired(scenarios, 8, seed=3, keep=()).summary


def test_paired_interval_is_narrower_than_unpaired_on_common_random_numbers(paired_runs):
    """Same seeds pair the replications; the difference's CI must be tighter than Welch's."""
    by = {name: rows.sort_values("replication") for name, rows in paired_runs.groupby("scenario")}
    narrower = 0
    for figure in ("revenue", "profit", "customers_active"):
        a = by["sales-only"][figure].to_numpy()
        b = by["full-system"][figure].to_numpy()
        paired = analysis.paired_difference(a, b).difference
        unpaired = analysis.welch_difference(a, b)
        assert paired.mean == pytest.approx(unpaired.mean)
        narrower += paired.half_width < unpaired.half_width
    assert narrower == 3


def test_compare_table_matches_the_paired_statistics(paired_runs):
    table = analysis.compare_to_baseline(paired_runs, ["revenue"], "sales-only")
    row = table[table["scenario"] == "full-system"].iloc[0]
    by = {name: rows.sort_values("replication") for name, rows in paired_runs.groupby("scenario")}
    expected = analysis.paired_difference(
        by["sales-only"]["revenue"].to_numpy(), by["full-system"]["revenue"].to_numpy()
    )
    assert row["diff"] == pytest.approx(expected.difference.mean)
    assert row["diff_low"] == pytest.approx(expected.difference.low)


def _compare(out: Path, precision: str, cap: str) -> int:
    return main(
        [
            "compare",
            str(SCENARIOS / "sales_only.toml"),
            str(SCENARIOS / "full_system.toml"),
            "--set",
            'clock.horizon="26 w"',
            "--reps",
            "3",
            "--precision",
            precision,
            "--max-reps",
            cap,
            "--out",
            str(out),
        ]
    )


def test_compare_precision_stops_once_the_revenue_difference_is_precise(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = _compare(out, "0.1", "60")
    _, err = capsys.readouterr()
    assert code == 0, err
    assert "within 10%" in err
    summary = pd.read_parquet(out / "summary.parquet")
    replications = summary["replication"].nunique()
    assert 3 <= replications <= 60
    comparison = pd.read_csv(out / "comparison.csv")
    revenue = comparison["figure"] == "revenue"
    row = comparison[revenue & (comparison["scenario"] == "full-system")]
    half_width = (row["diff_high"] - row["diff_low"]).iloc[0] / 2
    assert half_width <= 0.1 * abs(row["diff"].iloc[0])
    assert f"after {replications} replications" in err
    assert replications > 3  # three were not enough: it added some


def test_compare_precision_says_when_the_cap_stops_it(tmp_path, capsys):
    out = tmp_path / "cap"
    code = _compare(out, "0.01", "6")
    _, err = capsys.readouterr()
    assert code == 0, err
    assert "NOT reached" in err
    assert pd.read_parquet(out / "summary.parquet")["replication"].nunique() == 6


def test_leads_table_marks_the_warmup_the_summary_leaves_out():
    scenario = sim.load_scenario(
        SCENARIOS / "sales_only.toml", {"clock.horizon": "12 w", "clock.warmup": "4 w"}
    )
    results = sim.run(scenario, 2, seed=1, keep=("leads",))
    for replication, leads in results.leads.groupby("replication"):
        row = results.summary[results.summary["replication"] == replication].iloc[0]
        measured = leads[~leads["in_warmup"]]
        assert leads["in_warmup"].any()
        assert (leads.loc[leads["in_warmup"], "created_h"] < 4 * 40).all()
        assert len(measured) == row["leads"]
        assert (measured["outcome"] == "won").sum() == row["leads_won"]


def test_organic_demand_is_paired_across_organisations():
    """Adding marketing and service must not move the organic inquiries (CRN)."""
    horizon = {"clock.horizon": "4 w"}
    times = {}
    for name in ("sales_only", "full_system"):
        results = sim.run(
            sim.load_scenario(SCENARIOS / f"{name}.toml", horizon), 1, seed=7, keep=("leads",)
        )
        leads = results.leads
        times[name] = set(leads.loc[leads["source"] == "organic", "created_h"].round(9))
    shared = times["sales_only"] & times["full_system"]
    assert len(times["sales_only"]) >= 20
    # marketing empties the pool a little, so a few acceptances may differ; not the times
    assert len(shared) >= 0.9 * len(times["sales_only"])
