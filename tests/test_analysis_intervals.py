"""Tests for sim.analysis.intervals: t intervals of a mean, paired and Welch differences."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from sim.analysis.intervals import Interval, mean_ci, paired_difference, welch_difference

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
