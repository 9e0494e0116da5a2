"""How many times one scenario's figure is another's: a ratio of means with its interval.

"The full system earns 2.3 times the sales-only firm's profit" is a ratio of
two means, ``R = mean(b) / mean(a)``, estimated from replications run on common
random numbers, so the two means are correlated.  :func:`paired_ratio` gives its
confidence interval by the delta method (linearisation) on the paired
replications: with ``d_i = b_i - R a_i``, the ratio's standard error is
``sd(d) / (sqrt(n) * mean(a))`` (Cochran, *Sampling Techniques*, 1977, ch. 6,
the ratio estimator; Law, *Simulation Modeling and Analysis*, on functions of
means), and the interval is ``R -/+ t(n - 1) * se``.  The pairing enters through
the covariance of ``a`` and ``b`` inside ``sd(d)``: positively correlated
replications (common random numbers) give a narrower interval than
independent ones would.

The ratio is reported only where it means something: the baseline's mean must
be positive (a ratio to a loss or to nothing is not "times as much"); otherwise
the bounds are NaN and callers state the difference instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.analysis.intervals import check_confidence, t_quantile
from sim.analysis.tables import as_array

__all__ = ["Ratio", "paired_ratio"]


@dataclass(frozen=True)
class Ratio:
    """A ratio of means ``mean(b) / mean(a)`` with its confidence interval.

    Attributes
    ----------
    ratio : float
        ``mean(b) / mean(a)``; NaN when ``mean(a)`` is not positive.
    low, high : float
        Delta-method confidence interval; NaN when it cannot be estimated
        (fewer than two pairs, or ``mean(a)`` not positive).
    mean_a, mean_b : float
        The two means over the pairs used.
    n : int
        Pairs used (a NaN on either side drops the pair).
    confidence : float
        Confidence level.
    """

    ratio: float
    low: float
    high: float
    mean_a: float
    mean_b: float
    n: int
    confidence: float

    @property
    def defined(self) -> bool:
        """Whether the ratio and its interval are finite numbers."""
        return all(math.isfinite(v) for v in (self.ratio, self.low, self.high))


def paired_ratio(a: npt.ArrayLike, b: npt.ArrayLike, confidence: float = 0.95) -> Ratio:
    """Ratio of means of ``b`` to ``a`` over paired replications, with a delta-method CI.

    Parameters
    ----------
    a, b : array_like
        Aligned observations: ``a[i]`` and ``b[i]`` come from the same replication.
    confidence : float, default 0.95
        Confidence level.

    Returns
    -------
    Ratio
        See the module docstring for the interval.

    Raises
    ------
    ValueError
        If the lengths differ, no complete pair is left, or ``confidence`` is not
        strictly between 0 and 1.
    """
    check_confidence(confidence)
    first = as_array(a, "a")
    second = as_array(b, "b")
    if first.shape != second.shape:
        raise ValueError(
            f"paired samples must have equal length, got {first.size} and {second.size}"
        )
    keep = ~(np.isnan(first) | np.isnan(second))
    first, second = first[keep], second[keep]
    n = int(first.size)
    if n == 0:
        raise ValueError("paired_ratio needs at least one pair without NaN")
    mean_a, mean_b = float(np.mean(first)), float(np.mean(second))
    if mean_a <= 0.0:
        return Ratio(math.nan, math.nan, math.nan, mean_a, mean_b, n, confidence)
    ratio = mean_b / mean_a
    if n < 2:
        return Ratio(ratio, math.nan, math.nan, mean_a, mean_b, n, confidence)
    residual = second - ratio * first
    se = float(np.std(residual, ddof=1)) / (math.sqrt(n) * mean_a)
    half = t_quantile(confidence, n - 1) * se
    return Ratio(ratio, ratio - half, ratio + half, mean_a, mean_b, n, confidence)
