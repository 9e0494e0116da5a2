"""Tests for sim.analysis.run_length: replications needed and sequential replications."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from sim.analysis.intervals import mean_ci
from sim.analysis.run_length import (
    precision_of_differences,
    precision_of_means,
    replications_needed,
    sequential_replications,
)

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
