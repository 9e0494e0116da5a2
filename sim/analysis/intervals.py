"""Confidence intervals of a mean and of a difference of means.

:func:`mean_ci` gives the t-based interval of a mean over independent replications;
:func:`paired_difference` compares two scenarios run on common random numbers,
replication by replication; :func:`welch_difference` ignores the pairing, so that
comparing the two shows how much common random numbers buy. :func:`t_quantile` and
:func:`check_confidence` are public because the run-length rules
(:mod:`sim.analysis.run_length`) project these same intervals forward.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from sim.analysis.tables import as_array

__all__ = [
    "Interval",
    "PairedDifference",
    "check_confidence",
    "mean_ci",
    "paired_difference",
    "pairing_strength",
    "t_quantile",
    "welch_difference",
    "wilson_interval",
]


@dataclass(frozen=True)
class Interval:
    """A confidence interval for a mean (or a difference of means).

    Attributes
    ----------
    mean : float
        Point estimate.
    low, high : float
        Interval bounds, ``mean -/+ half_width``.
    half_width : float
        Half-width of the interval; ``inf`` when it cannot be estimated (one
        observation).
    sd : float
        Sample standard deviation (``ddof=1``) of the observations; ``nan`` for a
        single observation. For :func:`welch_difference` it is the standard error of
        the difference of means.
    n : int
        Number of observations used (NaNs excluded).
    confidence : float
        Confidence level, e.g. ``0.95``.
    """

    mean: float
    low: float
    high: float
    half_width: float
    sd: float
    n: int
    confidence: float

    @property
    def relative_half_width(self) -> float:
        """Half-width relative to the size of the mean, ``half_width / |mean|``.

        ``inf`` when the mean is zero, except that an interval of zero half-width
        (an exactly known value) has relative half-width ``0``.
        """
        if self.half_width == 0.0:
            return 0.0
        if self.mean == 0.0:
            return math.inf
        return self.half_width / abs(self.mean)


@dataclass(frozen=True)
class PairedDifference:
    """Paired comparison of scenario ``b`` against scenario ``a``.

    Attributes
    ----------
    figure : str
        Name of the compared figure, ``""`` if not given.
    mean_a, mean_b : float
        Means of the paired observations of ``a`` and ``b``.
    difference : Interval
        Confidence interval of the mean of ``b - a`` over the pairs.
    relative_change : float
        ``difference.mean / |mean_a|``; ``nan`` when ``mean_a`` is zero.
    share_b_better : float
        Share of pairs in which ``b`` is better than ``a``; ties count one half.
    n : int
        Number of pairs used.
    pairing : float
        Pairing strength, ``Var(b - a) / (Var(a) + Var(b))`` (:func:`pairing_strength`):
        1 for independent runs, lower the more common random numbers tie the pairs.
    """

    figure: str
    mean_a: float
    mean_b: float
    difference: Interval
    relative_change: float
    share_b_better: float
    n: int
    pairing: float = math.nan


def pairing_strength(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """``Var(b - a) / (Var(a) + Var(b))`` over paired observations (MODEL.md, "Randomness").

    About 1 when the pairs are independent (no common random numbers), near 0
    when they move together, and up to 2 when they move against each other: the
    share of the unpaired variance of a difference that pairing leaves. NaN with
    fewer than two pairs or when neither sample varies.
    """
    first = as_array(a, "a")
    second = as_array(b, "b")
    keep = ~(np.isnan(first) | np.isnan(second))
    first, second = first[keep], second[keep]
    if first.size < 2:
        return math.nan
    total = float(np.var(first, ddof=1) + np.var(second, ddof=1))
    if total == 0.0:
        return math.nan
    return float(np.var(second - first, ddof=1)) / total


def check_confidence(confidence: float) -> None:
    """Raise ValueError unless ``confidence`` lies strictly between 0 and 1."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")


def t_quantile(confidence: float, dof: float) -> float:
    """Two-sided Student-t quantile: ``t_{(1 + confidence) / 2, dof}``.

    ``scipy.special.stdtrit`` is what ``scipy.stats.t.ppf`` computes, to the bit;
    importing ``scipy.stats`` would add most of a second to every command,
    worker and notebook kernel that imports ``sim``.
    """
    return float(special.stdtrit(dof, 0.5 + confidence / 2.0))


def mean_ci(values: npt.ArrayLike, confidence: float = 0.95) -> Interval:
    """Student-t confidence interval for the mean of independent observations.

    Parameters
    ----------
    values : array_like
        One-dimensional observations, e.g. one figure over replications. NaNs are
        dropped.
    confidence : float, default 0.95
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    Interval
        ``mean -/+ t_{(1+confidence)/2, n-1} * sd / sqrt(n)``. With a single
        observation the half-width is infinite (and ``sd`` is NaN).

    Raises
    ------
    ValueError
        If no non-NaN value is left, a value is infinite, or ``confidence`` is out of
        range.
    """
    check_confidence(confidence)
    array = as_array(values)
    array = array[~np.isnan(array)]
    n = int(array.size)
    if n == 0:
        raise ValueError("mean_ci needs at least one non-NaN value; the sample is empty")
    mean = float(np.mean(array))
    if n == 1:
        return Interval(mean, -math.inf, math.inf, math.inf, math.nan, 1, confidence)
    sd = float(np.std(array, ddof=1))
    half_width = t_quantile(confidence, n - 1) * sd / math.sqrt(n)
    return Interval(mean, mean - half_width, mean + half_width, half_width, sd, n, confidence)


def paired_difference(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    confidence: float = 0.95,
    higher_is_better: bool = True,
    figure: str = "",
) -> PairedDifference:
    """Paired-t comparison of ``b`` against ``a`` (common random numbers).

    Parameters
    ----------
    a, b : array_like
        Aligned observations: ``a[i]`` and ``b[i]`` come from the same replication
        (same seeds). Pairs with a NaN on either side are dropped.
    confidence : float, default 0.95
        Confidence level of the interval of ``b - a``.
    higher_is_better : bool, default True
        Direction used for ``share_b_better``.
    figure : str, default ""
        Name of the figure, carried into the result.

    Returns
    -------
    PairedDifference
        The interval is :func:`mean_ci` of ``b - a``.

    Raises
    ------
    ValueError
        If ``a`` and ``b`` differ in length or no complete pair is left.
    """
    first = as_array(a, "a")
    second = as_array(b, "b")
    if first.shape != second.shape:
        raise ValueError(
            f"paired samples must have equal length, got {first.size} and {second.size}"
        )
    keep = ~(np.isnan(first) | np.isnan(second))
    first, second = first[keep], second[keep]
    if first.size == 0:
        raise ValueError("paired_difference needs at least one pair without NaN")
    difference = mean_ci(second - first, confidence)
    mean_a = float(np.mean(first))
    mean_b = float(np.mean(second))
    relative_change = difference.mean / abs(mean_a) if mean_a != 0.0 else math.nan
    better = second > first if higher_is_better else second < first
    share_b_better = (np.count_nonzero(better) + 0.5 * np.count_nonzero(second == first)) / float(
        first.size
    )
    return PairedDifference(
        figure=figure,
        mean_a=mean_a,
        mean_b=mean_b,
        difference=difference,
        relative_change=float(relative_change),
        share_b_better=float(share_b_better),
        n=int(first.size),
        pairing=pairing_strength(first, second),
    )


def welch_difference(a: npt.ArrayLike, b: npt.ArrayLike, confidence: float = 0.95) -> Interval:
    """Unpaired (Welch-Satterthwaite) confidence interval of ``mean(b) - mean(a)``.

    It ignores the pairing of replications, so comparing it with
    :func:`paired_difference` shows how much common random numbers buy.

    Parameters
    ----------
    a, b : array_like
        Independent samples; NaNs are dropped. Lengths may differ.
    confidence : float, default 0.95
        Confidence level.

    Returns
    -------
    Interval
        ``sd`` holds the standard error ``sqrt(s_a^2/n_a + s_b^2/n_b)`` and ``n`` the
        total number of observations ``n_a + n_b``. The half-width is infinite when
        either sample has a single observation, and zero when both have zero variance.

    Raises
    ------
    ValueError
        If either sample is empty after dropping NaNs.
    """
    check_confidence(confidence)
    first = as_array(a, "a")
    second = as_array(b, "b")
    first = first[~np.isnan(first)]
    second = second[~np.isnan(second)]
    if first.size == 0 or second.size == 0:
        raise ValueError("welch_difference needs at least one non-NaN value in each sample")
    n_a, n_b = int(first.size), int(second.size)
    mean = float(np.mean(second) - np.mean(first))
    if n_a < 2 or n_b < 2:
        return Interval(mean, -math.inf, math.inf, math.inf, math.nan, n_a + n_b, confidence)
    var_a = float(np.var(first, ddof=1)) / n_a
    var_b = float(np.var(second, ddof=1)) / n_b
    standard_error = math.sqrt(var_a + var_b)
    if standard_error == 0.0:
        return Interval(mean, mean, mean, 0.0, 0.0, n_a + n_b, confidence)
    dof = (var_a + var_b) ** 2 / (var_a**2 / (n_a - 1) + var_b**2 / (n_b - 1))
    half_width = t_quantile(confidence, dof) * standard_error
    return Interval(
        mean,
        mean - half_width,
        mean + half_width,
        half_width,
        standard_error,
        n_a + n_b,
        confidence,
    )


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a binomial share ``successes / trials``
    (NaN, NaN without trials); it stays inside [0, 1] and is sound near 0 and 1."""
    check_confidence(confidence)
    if trials == 0:
        return math.nan, math.nan
    z = float(special.ndtri(0.5 + confidence / 2))
    share = successes / trials
    centre = (share + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    half /= 1 + z * z / trials
    return max(0.0, centre - half), min(1.0, centre + half)
