"""Tests for sim.analysis.warmup: Welch's moving average and MSER-5."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.warmup import mser5, warmup_weeks, welch_moving_average

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
