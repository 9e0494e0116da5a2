"""Tests for sim.stats: intervals, paired comparisons, run length and warm-up detection."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from sim.stats import (
    COMPARISON_COLUMNS,
    Interval,
    compare_to_baseline,
    mean_ci,
    paired_difference,
    precision_of_differences,
    precision_of_means,
    replications_needed,
    sequential_replications,
    welch_difference,
)
from sim.warmup import mser5, warmup_weeks, welch_moving_average

# ---------------------------------------------------------------------------
# mean_ci
# ---------------------------------------------------------------------------


def test_mean_ci_hand_computed_one_to_five():
    interval = mean_ci([1.0, 2.0, 3.0, 4.0, 5.0])
    assert interval.mean == pytest.approx(3.0)
    assert interval.sd == pytest.approx(math.sqrt(2.5))
    assert interval.n == 5
    assert interval.confidence == 0.95
    # t_{0.975,4} * sd / sqrt(5) = 2.7764451 * 1.5811388 / 2.2360680
    assert interval.half_width == pytest.approx(1.963243, abs=1e-6)
    assert interval.low == pytest.approx(3.0 - 1.963243, abs=1e-6)
    assert interval.high == pytest.approx(3.0 + 1.963243, abs=1e-6)
    assert interval.relative_half_width == pytest.approx(1.963243 / 3.0, abs=1e-6)


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_mean_ci_matches_scipy_t_interval(confidence):
    values = np.random.default_rng(7).gamma(2.0, 3.0, size=23)
    interval = mean_ci(values, confidence)
    low, high = scipy_stats.t.interval(
        confidence, len(values) - 1, loc=values.mean(), scale=scipy_stats.sem(values)
    )
    assert interval.low == pytest.approx(low, rel=1e-12)
    assert interval.high == pytest.approx(high, rel=1e-12)


def test_mean_ci_drops_nans():
    assert mean_ci([1.0, np.nan, 3.0, 5.0]) == mean_ci([1.0, 3.0, 5.0])
    assert mean_ci(pd.Series([1.0, None, 3.0, 5.0])).n == 3


def test_mean_ci_single_value_infinite_half_width_without_warning():
    interval = mean_ci([4.2])  # warnings are errors in this test suite
    assert interval.mean == 4.2
    assert interval.n == 1
    assert math.isinf(interval.half_width)
    assert interval.low == -math.inf
    assert interval.high == math.inf
    assert math.isinf(interval.relative_half_width)


@pytest.mark.parametrize("values", [[], [np.nan, np.nan]])
def test_mean_ci_empty_raises(values):
    with pytest.raises(ValueError, match="empty"):
        mean_ci(values)


def test_mean_ci_rejects_bad_confidence_and_infinities():
    with pytest.raises(ValueError, match="confidence"):
        mean_ci([1.0, 2.0], confidence=1.0)
    with pytest.raises(ValueError, match="infinite"):
        mean_ci([1.0, math.inf])


def test_relative_half_width_zero_mean():
    assert math.isinf(Interval(0.0, -1.0, 1.0, 1.0, 1.0, 5, 0.95).relative_half_width)
    assert Interval(0.0, 0.0, 0.0, 0.0, 0.0, 5, 0.95).relative_half_width == 0.0
    assert Interval(-4.0, -5.0, -3.0, 1.0, 1.0, 5, 0.95).relative_half_width == 0.25


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=40,
    )
)
def test_mean_ci_property_contains_mean_and_duplication_narrows(values):
    interval = mean_ci(values)
    assert interval.low <= interval.mean <= interval.high
    doubled = mean_ci(values + values)
    assert doubled.low <= doubled.mean <= doubled.high
    scale = max(1.0, max(abs(v) for v in values))
    assert doubled.half_width <= interval.half_width + 1e-9 * scale


# ---------------------------------------------------------------------------
# paired_difference and welch_difference
# ---------------------------------------------------------------------------


def test_paired_difference_hand_case():
    a = [10.0, 12.0, 9.0, 11.0]
    b = [11.0, 14.0, 9.0, 10.0]  # differences 1, 2, 0, -1
    result = paired_difference(a, b, figure="revenue")
    assert result.figure == "revenue"
    assert result.n == 4
    assert result.mean_a == pytest.approx(10.5)
    assert result.mean_b == pytest.approx(11.0)
    assert result.difference.mean == pytest.approx(0.5)
    sd = math.sqrt(((0.5**2) + (1.5**2) + (0.5**2) + (1.5**2)) / 3)
    assert result.difference.sd == pytest.approx(sd)
    assert result.difference.half_width == pytest.approx(
        scipy_stats.t.ppf(0.975, 3) * sd / 2.0, rel=1e-12
    )
    assert result.relative_change == pytest.approx(0.5 / 10.5)
    # b better in 2 pairs, one tie (half), worse in 1
    assert result.share_b_better == pytest.approx(2.5 / 4)


def test_paired_difference_equals_mean_ci_of_differences():
    rng = np.random.default_rng(3)
    a = rng.normal(100, 20, 30)
    b = a + rng.normal(2, 1, 30)
    result = paired_difference(a, b, confidence=0.9)
    assert result.difference == mean_ci(b - a, confidence=0.9)


def test_paired_difference_ties_and_lower_is_better():
    a = [1.0, 2.0, 3.0, 4.0]
    b = [1.0, 3.0, 2.0, 5.0]  # tie, higher, lower, higher
    assert paired_difference(a, b).share_b_better == pytest.approx((2 + 0.5) / 4)
    assert paired_difference(a, b, higher_is_better=False).share_b_better == pytest.approx(
        (1 + 0.5) / 4
    )
    all_ties = paired_difference(a, a)
    assert all_ties.share_b_better == 0.5
    assert all_ties.difference.half_width == 0.0


def test_paired_difference_relative_change_nan_for_zero_mean_a():
    assert math.isnan(paired_difference([-1.0, 1.0], [0.0, 2.0]).relative_change)


def test_paired_difference_drops_incomplete_pairs():
    result = paired_difference([1.0, np.nan, 3.0, 4.0], [2.0, 5.0, np.nan, 6.0])
    assert result.n == 2
    assert result.difference.mean == pytest.approx(1.5)


def test_paired_difference_unequal_lengths_raise():
    with pytest.raises(ValueError, match="equal length"):
        paired_difference([1.0, 2.0, 3.0], [1.0, 2.0])


def test_pairing_narrows_interval_on_correlated_samples():
    rng = np.random.default_rng(11)
    a = rng.normal(1000.0, 200.0, 40)
    b = a + 5.0 + rng.normal(0.0, 2.0, 40)
    paired = paired_difference(a, b).difference
    unpaired = welch_difference(a, b)
    assert paired.mean == pytest.approx(unpaired.mean)
    assert paired.half_width * 20 < unpaired.half_width
    assert paired.low > 0.0  # the paired interval resolves the improvement
    assert unpaired.low < 0.0 < unpaired.high  # the unpaired one does not


def test_welch_difference_matches_scipy_and_hand_formula():
    rng = np.random.default_rng(5)
    a = rng.normal(10.0, 1.0, 12)
    b = rng.normal(11.0, 3.0, 20)
    interval = welch_difference(a, b, confidence=0.9)
    va, vb = a.var(ddof=1) / 12, b.var(ddof=1) / 20
    dof = (va + vb) ** 2 / (va**2 / 11 + vb**2 / 19)
    half_width = scipy_stats.t.ppf(0.95, dof) * math.sqrt(va + vb)
    assert interval.mean == pytest.approx(b.mean() - a.mean())
    assert interval.half_width == pytest.approx(half_width, rel=1e-12)
    assert interval.sd == pytest.approx(math.sqrt(va + vb))
    assert interval.n == 32
    expected = scipy_stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.9)
    assert interval.low == pytest.approx(expected.low, rel=1e-10)
    assert interval.high == pytest.approx(expected.high, rel=1e-10)


def test_welch_difference_degenerate_cases():
    assert math.isinf(welch_difference([1.0], [2.0, 3.0]).half_width)
    constant = welch_difference([1.0, 1.0, 1.0], [3.0, 3.0])
    assert constant.mean == 2.0
    assert constant.half_width == 0.0
    with pytest.raises(ValueError, match="non-NaN"):
        welch_difference([], [1.0])


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


# ---------------------------------------------------------------------------
# replications_needed
# ---------------------------------------------------------------------------


def test_replications_needed_grows_with_tighter_precision():
    values = np.random.default_rng(2).normal(100.0, 20.0, 10)
    loose = replications_needed(values, 0.10)
    tight = replications_needed(values, 0.02)
    tighter = replications_needed(values, 0.01)
    assert 10 <= loose < tight < tighter
    # roughly quadratic in 1/precision
    assert tighter == pytest.approx(4 * tight, rel=0.1)


def test_replications_needed_is_smallest_sufficient_n():
    values = np.random.default_rng(4).normal(50.0, 10.0, 8)
    target = 0.03
    needed = replications_needed(values, target)
    mean, sd = values.mean(), values.std(ddof=1)

    def half_width(n):
        return scipy_stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)

    assert half_width(needed) <= target * abs(mean)
    assert half_width(needed - 1) > target * abs(mean)
    z_estimate = (scipy_stats.norm.ppf(0.975) * sd / (target * mean)) ** 2
    assert needed >= math.ceil(z_estimate)


def test_replications_needed_returns_current_n_when_met():
    values = [100.0, 101.0, 99.0, 100.5, 99.5]
    assert mean_ci(values).relative_half_width < 0.05
    assert replications_needed(values, 0.05) == 5
    assert replications_needed([3.0, 3.0, 3.0], 0.01) == 3


def test_replications_needed_rejects_bad_input():
    with pytest.raises(ValueError, match="two"):
        replications_needed([1.0], 0.05)
    with pytest.raises(ValueError, match="positive"):
        replications_needed([1.0, 2.0], 0.0)
    with pytest.raises(ValueError, match="zero"):
        replications_needed([-1.0, 1.0], 0.05)


# ---------------------------------------------------------------------------
# sequential_replications
# ---------------------------------------------------------------------------


class FakeRunner:
    """Deterministic stand-in for the simulator: replication r uses seed (seed, r)."""

    scenarios = (("base", 100.0), ("alt", 104.0))

    def __init__(self, seed: int = 1, sd: float = 15.0) -> None:
        self.seed = seed
        self.sd = sd
        self.calls: list[tuple[int, int]] = []

    def __call__(self, start: int, count: int) -> pd.DataFrame:
        self.calls.append((start, count))
        rows = []
        for replication in range(start, start + count):
            rng = np.random.default_rng([self.seed, replication])
            common = rng.normal(0.0, self.sd)
            for scenario, level in self.scenarios:
                rows.append(
                    {
                        "scenario": scenario,
                        "replication": replication,
                        "revenue": level + common + rng.normal(0.0, 2.0),
                    }
                )
        return pd.DataFrame(rows)

    def replications_asked(self) -> list[int]:
        return [r for start, count in self.calls for r in range(start, start + count)]


def test_sequential_reaches_target_on_means():
    runner = FakeRunner(seed=1)
    criterion = precision_of_means(["revenue"])
    result = sequential_replications(runner, criterion, target=0.04, initial=5)
    assert result.reached
    assert set(result.precision) == {"base:revenue", "alt:revenue"}
    assert max(result.precision.values()) <= 0.04
    assert result.replications > 5  # 5 replications cannot reach 4 % with sd 15
    assert result.history[0][0] == 5
    assert result.history[-1] == (result.replications, result.precision)
    assert [h[0] for h in result.history] == sorted({h[0] for h in result.history})
    # replications were asked for exactly once each, contiguously from 0
    assert runner.replications_asked() == list(range(result.replications))
    assert len(result.summary) == 2 * result.replications
    assert result.precision == criterion(result.summary)
    # deterministic: the same rows as running everything in one go
    pd.testing.assert_frame_equal(result.summary, FakeRunner(seed=1)(0, result.replications))


def test_sequential_reaches_target_on_differences_with_fixed_step():
    runner = FakeRunner(seed=2)
    criterion = precision_of_differences(["revenue"], baseline="base")
    result = sequential_replications(runner, criterion, target=0.25, initial=4, step=3)
    assert result.reached
    assert list(result.precision) == ["alt-base:revenue"]
    assert result.precision["alt-base:revenue"] <= 0.25
    assert all(count == 3 for _, count in runner.calls[1:])
    assert (result.replications - 4) % 3 == 0


def test_sequential_impossible_target_stops_at_max():
    runner = FakeRunner(seed=3)
    result = sequential_replications(
        runner, precision_of_means(["revenue"]), target=1e-6, initial=10, max_replications=37
    )
    assert not result.reached
    assert result.replications == 37
    assert max(runner.replications_asked()) == 36
    assert runner.replications_asked() == list(range(37))
    assert max(result.precision.values()) > 1e-6


def test_sequential_fixed_step_never_exceeds_max():
    runner = FakeRunner(seed=4)
    result = sequential_replications(
        runner, precision_of_means(["revenue"]), target=1e-6, initial=6, step=5, max_replications=18
    )
    assert result.replications == 18
    assert runner.calls == [(0, 6), (6, 5), (11, 5), (16, 2)]


def test_sequential_stops_after_first_round_when_met():
    runner = FakeRunner(seed=5, sd=0.1)
    result = sequential_replications(runner, precision_of_means(["revenue"]), target=0.05)
    assert result.reached
    assert result.replications == 10
    assert runner.calls == [(0, 10)]
    assert len(result.history) == 1


def test_sequential_rejects_inconsistent_arguments():
    with pytest.raises(ValueError, match="max_replications"):
        sequential_replications(
            FakeRunner(), precision_of_means(["revenue"]), initial=10, max_replications=5
        )
    with pytest.raises(ValueError, match="initial"):
        sequential_replications(FakeRunner(), precision_of_means(["revenue"]), initial=1)


def test_precision_of_differences_zero_mean_difference_is_infinite():
    summary = pd.DataFrame(
        {
            "scenario": ["base"] * 3 + ["alt"] * 3 + ["same"] * 3,
            "replication": [0, 1, 2] * 3,
            "revenue": [10.0, 20.0, 30.0, 11.0, 19.0, 30.0, 10.0, 20.0, 30.0],
        }
    )
    precision = precision_of_differences(["revenue"], "base")(summary)
    assert math.isinf(precision["alt-base:revenue"])  # differences +1, -1, 0
    assert precision["same-base:revenue"] == 0.0  # identical: known exactly
    with pytest.raises(ValueError, match="missing"):
        precision_of_differences(["revenue"], "missing")(summary)


def test_precision_of_means_labels_and_values():
    summary = pd.DataFrame(
        {
            "scenario": ["b", "b", "b", "a", "a", "a"],
            "replication": [0, 1, 2, 0, 1, 2],
            "profit": [1.0, 2.0, 3.0, 4.0, 4.0, 4.0],
        }
    )
    precision = precision_of_means(["profit"])(summary)
    assert list(precision) == ["b:profit", "a:profit"]
    assert precision["b:profit"] == pytest.approx(mean_ci([1.0, 2.0, 3.0]).half_width / 2.0)
    assert precision["a:profit"] == 0.0


# ---------------------------------------------------------------------------
# Warm-up
# ---------------------------------------------------------------------------


def _transient_series(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    transient = 100.0 - 90.0 * np.arange(40) / 40.0 + rng.normal(0.0, 2.0, 40)
    return np.concatenate([transient, rng.normal(10.0, 2.0, 160)])


def test_mser5_discards_the_transient():
    truncation = mser5(_transient_series(0))
    assert truncation % 5 == 0
    assert 30 <= truncation <= 60
    medians = np.median([mser5(_transient_series(seed)) for seed in range(30)])
    assert 35 <= medians <= 50


def test_mser5_keeps_a_stationary_series():
    truncations = [mser5(np.random.default_rng(seed).normal(10.0, 2.0, 200)) for seed in range(30)]
    assert np.median(truncations) <= 10
    assert mser5(np.full(100, 7.0)) == 0


def test_mser5_hand_case_and_edges():
    # batches means 50, 10, 10, 10, 12, 8: dropping the first batch is best
    series = np.repeat([50.0, 10.0, 10.0, 10.0, 12.0, 8.0], 5)
    assert mser5(series) == 5
    assert mser5([1.0, 2.0, 3.0]) == 0  # shorter than two batches
    with pytest.raises(ValueError, match="NaN"):
        mser5([1.0, np.nan] * 10)
    with pytest.raises(ValueError, match="empty"):
        mser5([])


def test_welch_moving_average_hand_checked():
    means = [4.0, 0.0, 2.0, 8.0, 6.0, 1.0, 3.0]
    weekly = pd.DataFrame(
        {
            "scenario": "base",
            "replication": [0] * 7 + [1] * 7,
            "week": list(range(7)) * 2,
            # replication values average to `means`
            "revenue": [m - 1.0 for m in means] + [m + 1.0 for m in means],
        }
    ).sample(frac=1.0, random_state=0)  # row order must not matter
    smoothed = welch_moving_average(weekly, "revenue", window=2)
    assert list(smoothed.columns) == ["week", "mean", "smoothed"]
    assert smoothed["week"].tolist() == list(range(7))
    np.testing.assert_allclose(smoothed["mean"], means)
    expected = [
        4.0,  # week 1: itself
        (4.0 + 0.0 + 2.0) / 3,  # week 2: shrinking window of 1
        (4.0 + 0.0 + 2.0 + 8.0 + 6.0) / 5,
        (0.0 + 2.0 + 8.0 + 6.0 + 1.0) / 5,
        (2.0 + 8.0 + 6.0 + 1.0 + 3.0) / 5,
        math.nan,
        math.nan,
    ]
    np.testing.assert_allclose(smoothed["smoothed"], expected)
    no_window = welch_moving_average(weekly, "revenue", window=0)
    np.testing.assert_allclose(no_window["smoothed"], means)


def test_welch_moving_average_needs_scenario_when_several():
    weekly = pd.DataFrame(
        {
            "scenario": ["a", "a", "b", "b"],
            "replication": [0, 0, 0, 0],
            "week": [0, 1, 0, 1],
            "revenue": [1.0, 2.0, 10.0, 20.0],
        }
    )
    with pytest.raises(ValueError, match="several scenarios"):
        welch_moving_average(weekly, "revenue", window=1)
    only_b = welch_moving_average(weekly, "revenue", window=0, scenario="b")
    assert only_b["mean"].tolist() == [10.0, 20.0]


def test_warmup_weeks_takes_worst_scenario():
    rows = []
    for replication in range(3):
        rng = np.random.default_rng([9, replication])
        transient = _transient_series(replication)
        stationary = rng.normal(10.0, 2.0, 200)
        for week in range(200):
            rows.append(("settled", replication, week, stationary[week]))
            rows.append(("slow_start", replication, week, transient[week]))
    weekly = pd.DataFrame(rows, columns=["scenario", "replication", "week", "revenue"])
    slow = weekly[weekly["scenario"] == "slow_start"]
    settled = weekly[weekly["scenario"] == "settled"]
    slow_mean = slow.groupby("week")["revenue"].mean().to_numpy()
    assert warmup_weeks(slow, "revenue") == mser5(slow_mean)
    assert warmup_weeks(weekly, "revenue") == max(
        mser5(slow_mean), mser5(settled.groupby("week")["revenue"].mean().to_numpy())
    )
    assert 30 <= warmup_weeks(weekly, "revenue") <= 60
    with pytest.raises(ValueError, match="method"):
        warmup_weeks(weekly, "revenue", method="welch")
