"""Tests for sim.analysis.comparison: every scenario against a baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.comparison import COMPARISON_COLUMNS, compare_to_baseline
from sim.analysis.intervals import mean_ci, paired_difference, pairing_strength

# ---------------------------------------------------------------------------
# compare_to_baseline
# ---------------------------------------------------------------------------


@pytest.fixture
def small_summary():
    """Three scenarios, replications 0-3; ``cheap`` lacks replication 2."""
    rows = [
        # scenario, replication, revenue, wasted_sales_capacity
        ("more_staff", 0, 110.0, 5.0),
        ("more_staff", 1, 125.0, 4.0),
        ("more_staff", 2, 100.0, 6.0),
        ("more_staff", 3, 118.0, 3.0),
        ("base", 0, 100.0, 8.0),
        ("base", 1, 120.0, 4.0),
        ("base", 2, 95.0, 9.0),
        ("base", 3, 112.0, 7.0),
        ("cheap", 0, 90.0, 8.0),
        ("cheap", 1, 121.0, 5.0),
        ("cheap", 3, 100.0, 7.0),
    ]
    return pd.DataFrame(
        rows, columns=["scenario", "replication", "revenue", "wasted_sales_capacity"]
    )


def test_compare_to_baseline_layout(small_summary):
    table = compare_to_baseline(small_summary, ["wasted_sales_capacity", "revenue"], "base")
    assert list(table.columns) == list(COMPARISON_COLUMNS)
    assert list(table.columns) == [
        "figure",
        "scenario",
        "n",
        "mean",
        "ci_low",
        "ci_high",
        "diff",
        "diff_low",
        "diff_high",
        "rel_change",
        "share_better",
        "pairing",
    ]
    assert list(zip(table["figure"], table["scenario"], strict=True)) == [
        ("wasted_sales_capacity", "base"),
        ("wasted_sales_capacity", "more_staff"),
        ("wasted_sales_capacity", "cheap"),
        ("revenue", "base"),
        ("revenue", "more_staff"),
        ("revenue", "cheap"),
    ]
    baseline_rows = table[table["scenario"] == "base"]
    difference_columns = ["diff", "diff_low", "diff_high", "rel_change", "share_better"]
    assert baseline_rows[difference_columns].isna().all().all()
    assert table.loc[table["scenario"] != "base", difference_columns].notna().all().all()
    assert table["n"].tolist() == [4, 4, 3, 4, 4, 3]


def test_compare_to_baseline_values_match_paired_difference(small_summary):
    table = compare_to_baseline(
        small_summary, ["revenue", "wasted_sales_capacity"], "base", confidence=0.9
    ).set_index(["figure", "scenario"])

    base_revenue = [100.0, 120.0, 95.0, 112.0]
    base_row = table.loc[("revenue", "base")]
    expected_base = mean_ci(base_revenue, 0.9)
    assert base_row["mean"] == pytest.approx(expected_base.mean)
    assert base_row["ci_low"] == pytest.approx(expected_base.low)
    assert base_row["ci_high"] == pytest.approx(expected_base.high)

    # cheap lacks replication 2: pairs are replications 0, 1, 3
    cheap = paired_difference([100.0, 120.0, 112.0], [90.0, 121.0, 100.0], confidence=0.9)
    row = table.loc[("revenue", "cheap")]
    assert row["n"] == 3
    assert row["mean"] == pytest.approx(cheap.mean_b)
    assert row["ci_low"] == pytest.approx(mean_ci([90.0, 121.0, 100.0], 0.9).low)
    assert row["diff"] == pytest.approx(cheap.difference.mean)
    assert row["diff_low"] == pytest.approx(cheap.difference.low)
    assert row["diff_high"] == pytest.approx(cheap.difference.high)
    assert row["rel_change"] == pytest.approx(cheap.relative_change)
    assert row["share_better"] == pytest.approx(1 / 3)

    # wasted_sales_capacity is lower-is-better: more_staff wastes less in 3 of 4, ties 1
    staff = paired_difference(
        [8.0, 4.0, 9.0, 7.0], [5.0, 4.0, 6.0, 3.0], confidence=0.9, higher_is_better=False
    )
    row = table.loc[("wasted_sales_capacity", "more_staff")]
    assert row["diff"] == pytest.approx(staff.difference.mean)
    assert row["diff_high"] == pytest.approx(staff.difference.high)
    assert row["share_better"] == pytest.approx(3.5 / 4)


def test_compare_to_baseline_custom_lower_is_better(small_summary):
    table = compare_to_baseline(
        small_summary, ["revenue"], "base", lower_is_better=frozenset({"revenue"})
    )
    row = table[table["scenario"] == "more_staff"].iloc[0]
    assert row["share_better"] == pytest.approx(0.0)


def test_compare_to_baseline_missing_baseline_raises(small_summary):
    with pytest.raises(ValueError, match="no_such_scenario"):
        compare_to_baseline(small_summary, ["revenue"], "no_such_scenario")


def test_compare_to_baseline_missing_figure_raises(small_summary):
    with pytest.raises(ValueError, match="profit"):
        compare_to_baseline(small_summary, ["profit"], "base")


def test_pairing_strength_is_the_share_of_variance_pairing_leaves():
    rng = np.random.default_rng(5)
    common = rng.normal(0, 10, 400)
    a = common + rng.normal(0, 1, 400)
    b = common + 3 + rng.normal(0, 1, 400)
    tied = pairing_strength(a, b)
    # Var(B - A) = 2, Var(A) + Var(B) = 2 x 101: about 0.01
    assert 0.005 < tied < 0.02
    independent = pairing_strength(rng.normal(0, 1, 4000), rng.normal(0, 1, 4000))
    assert 0.9 < independent < 1.1
    assert np.isnan(pairing_strength([1.0], [2.0]))
    assert np.isnan(pairing_strength([1.0, 1.0], [2.0, 2.0]))
    table = compare_to_baseline(
        pd.DataFrame(
            {
                "scenario": ["a"] * 400 + ["b"] * 400,
                "replication": list(range(400)) * 2,
                "revenue": np.concatenate([a, b]),
            }
        ),
        ["revenue"],
        "a",
    ).set_index("scenario")
    assert table.loc["b", "pairing"] == pytest.approx(tied)
    assert np.isnan(table.loc["a", "pairing"])
