"""The ratio of two paired means and its delta-method interval."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.analysis import paired_ratio
from sim.analysis.intervals import t_quantile


def test_a_constant_ratio_has_an_interval_of_zero_width():
    a = np.array([4.0, 4.1, 4.2, 3.9])
    ratio = paired_ratio(a, 2.3 * a)
    assert ratio.ratio == pytest.approx(2.3)
    assert (ratio.low, ratio.high) == pytest.approx((2.3, 2.3))
    assert ratio.n == 4
    assert ratio.defined


def test_the_interval_by_hand():
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([2.0, 5.0, 5.0])
    ratio = paired_ratio(a, b)
    r = 12.0 / 6.0
    residual = b - r * a  # 0, 1, -1
    se = np.std(residual, ddof=1) / (math.sqrt(3) * 2.0)
    half = t_quantile(0.95, 2) * se
    assert ratio.ratio == pytest.approx(2.0)
    assert (ratio.low, ratio.high) == pytest.approx((2.0 - half, 2.0 + half))


def test_no_ratio_to_a_loss_or_from_one_pair():
    assert not paired_ratio([-1.0, -2.0], [1.0, 2.0]).defined
    assert math.isnan(paired_ratio([-1.0, -2.0], [1.0, 2.0]).ratio)
    single = paired_ratio([2.0], [3.0])
    assert single.ratio == pytest.approx(1.5)
    assert math.isnan(single.low)
    with pytest.raises(ValueError, match="equal length"):
        paired_ratio([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="at least one pair"):
        paired_ratio([math.nan], [1.0])


def test_pairs_with_a_nan_are_dropped():
    ratio = paired_ratio([1.0, 2.0, math.nan], [2.0, 4.0, 7.0])
    assert ratio.n == 2
    assert ratio.ratio == pytest.approx(2.0)


def test_coverage_is_near_the_confidence_level():
    """Correlated pairs, true ratio 2: about 95% of the intervals hold it."""
    rng = np.random.default_rng(20261129)
    hits = 0
    trials = 400
    for _ in range(trials):
        common = rng.normal(10.0, 1.0, size=20)
        a = common + rng.normal(0.0, 0.5, size=20)
        b = 2.0 * common + rng.normal(0.0, 0.5, size=20)
        ratio = paired_ratio(a, b)
        hits += ratio.low <= 2.0 <= ratio.high
    assert 0.90 <= hits / trials <= 0.99
