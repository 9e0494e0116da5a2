"""How many replications: estimate them, or add them until a precision is met.

:func:`replications_needed` estimates the replications that give a target relative
half-width of a mean; :func:`sequential_replications` runs batches of replications
until every precision criterion meets a target or a cap is reached, with the
ready-made criteria :func:`precision_of_means` (each scenario's mean) and
:func:`precision_of_differences` (paired differences to a baseline). The intervals
are those of :mod:`sim.analysis.intervals`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from sim.analysis.intervals import check_confidence, mean_ci, paired_difference, t_quantile
from sim.analysis.tables import check_summary, figure_list, paired_values, scenarios_in_order

__all__ = [
    "PrecisionFunction",
    "SequentialResult",
    "precision_of_differences",
    "precision_of_means",
    "replications_needed",
    "sequential_replications",
]

#: A precision criterion: current relative half-width per label, from a summary table.
PrecisionFunction = Callable[[pd.DataFrame], dict[str, float]]


@dataclass(frozen=True)
class SequentialResult:
    """Outcome of :func:`sequential_replications`.

    Attributes
    ----------
    summary : pandas.DataFrame
        All summary rows produced, concatenated in the order they were run.
    replications : int
        Number of replications run (per scenario).
    reached : bool
        Whether every precision value met the target at the end.
    precision : dict of str to float
        Final relative half-width per label.
    history : tuple of (int, dict of str to float)
        ``(replications, precision)`` after each round, first round first.
    """

    summary: pd.DataFrame
    replications: int
    reached: bool
    precision: dict[str, float]
    history: tuple[tuple[int, dict[str, float]], ...]


def _smallest_sufficient_n(current: int, scale: float, confidence: float) -> int:
    """Smallest ``n >= current`` with ``t_{n-1} * scale / sqrt(n) <= 1``.

    ``scale`` is ``s / (target * |mean|)``: the half-width ``t s / sqrt(n)`` is then at
    most ``target * |mean|``. Because ``t_{n-1}`` falls with ``n`` the condition is
    monotone in ``n``, so a bisection finds the smallest such ``n``; this is the classic
    ``n* = ceil((t s / (r |mean|))^2)`` with ``t``'s degrees of freedom iterated to
    consistency.
    """

    def sufficient(n: int) -> bool:
        return t_quantile(confidence, n - 1) * scale <= math.sqrt(n)

    if scale <= 0.0 or sufficient(current):
        return current
    low = current  # insufficient
    high = max(current + 1, math.ceil((t_quantile(confidence, current - 1) * scale) ** 2))
    while not sufficient(high):  # guard against rounding; t only falls with n
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        if sufficient(middle):
            high = middle
        else:
            low = middle
    return high


def replications_needed(
    values: npt.ArrayLike, relative_precision: float, confidence: float = 0.95
) -> int:
    """Estimate how many replications give a target relative half-width.

    Uses the classic ``n* = ceil((t * s / (relative_precision * |mean|))^2)`` with the
    degrees of freedom of ``t`` iterated to consistency, i.e. the smallest
    ``n >= len(values)`` whose projected half-width ``t_{n-1} s / sqrt(n)`` is at most
    ``relative_precision * |mean|``, taking the current ``mean`` and ``s`` as given.

    Parameters
    ----------
    values : array_like
        Current observations (at least two non-NaN).
    relative_precision : float
        Target half-width as a fraction of ``|mean|``, e.g. ``0.05``.
    confidence : float, default 0.95
        Confidence level.

    Returns
    -------
    int
        Estimated total number of replications; the current count when the target is
        already met.

    Raises
    ------
    ValueError
        If fewer than two observations are given, the precision is not positive, or
        the mean is zero while the values vary (relative precision undefined).
    """
    if not relative_precision > 0.0:
        raise ValueError(f"relative_precision must be positive, got {relative_precision!r}")
    interval = mean_ci(values, confidence)
    if interval.n < 2:
        raise ValueError("replications_needed needs at least two observations")
    if interval.sd == 0.0:
        return interval.n
    if interval.mean == 0.0:
        raise ValueError("relative precision is undefined: the mean is zero")
    scale = interval.sd / (relative_precision * abs(interval.mean))
    return _smallest_sufficient_n(interval.n, scale, confidence)


def _next_total(
    current: int, worst: float, target: float, confidence: float, step: int | None
) -> int:
    """Replications to have after the next batch (before capping at the maximum)."""
    if step is not None:
        return current + step
    if not math.isfinite(worst):
        return 2 * current  # no usable estimate (zero mean): double
    # Relative half-width worst = t_{n-1} * s / (sqrt(n) |mean|), so s/|mean| follows.
    relative_sd = worst * math.sqrt(current) / t_quantile(confidence, current - 1)
    needed = _smallest_sufficient_n(current, relative_sd / target, confidence)
    return max(needed, current + 1)


def sequential_replications(
    run_more: Callable[[int, int], pd.DataFrame],
    precision_of: Callable[[pd.DataFrame], Mapping[str, float]],
    target: float = 0.05,
    initial: int = 10,
    step: int | None = None,
    max_replications: int = 200,
    confidence: float = 0.95,
) -> SequentialResult:
    """Add replications until every precision criterion meets a target.

    Parameters
    ----------
    run_more : callable ``(start, count) -> pandas.DataFrame``
        Runs replications ``start .. start + count - 1`` of every scenario and returns
        their summary rows.
    precision_of : callable ``(summary) -> dict of str to float``
        Current relative half-width per label, e.g. from :func:`precision_of_means` or
        :func:`precision_of_differences`. NaN counts as not met.
    target : float, default 0.05
        Largest acceptable relative half-width.
    initial : int, default 10
        Replications in the first round (at least 2).
    step : int or None, default None
        Replications added per further round. ``None`` estimates the total needed from
        the worst criterion as :func:`replications_needed` does (at least one more;
        doubling when the worst criterion is infinite).
    max_replications : int, default 200
        Hard cap; ``run_more`` is never asked for replication ``max_replications`` or
        beyond.
    confidence : float, default 0.95
        Confidence level used for the ``step=None`` estimate; it should match the one
        used by ``precision_of``.

    Returns
    -------
    SequentialResult
        All rows, the replication count, whether the target was reached, the final
        precision and the per-round history.

    Raises
    ------
    ValueError
        If the arguments are inconsistent (``initial < 2``, ``initial >
        max_replications``, non-positive ``target`` or ``step``).
    """
    check_confidence(confidence)
    if not target > 0.0:
        raise ValueError(f"target must be positive, got {target!r}")
    if initial < 2:
        raise ValueError(f"initial must be at least 2 replications, got {initial}")
    if max_replications < initial:
        raise ValueError(
            f"max_replications ({max_replications}) must be at least initial ({initial})"
        )
    if step is not None and step < 1:
        raise ValueError(f"step must be a positive number of replications, got {step}")

    def met(value: float) -> bool:
        return value <= target  # False for NaN

    frames = [run_more(0, initial)]
    replications = initial
    summary = pd.concat(frames, ignore_index=True)
    precision = {label: float(value) for label, value in precision_of(summary).items()}
    history = [(replications, precision)]
    while not all(met(value) for value in precision.values()) and replications < max_replications:
        worst = max(
            (value if not math.isnan(value) else math.inf for value in precision.values()),
            default=math.inf,
        )
        wanted = _next_total(replications, worst, target, confidence, step)
        count = min(wanted, max_replications) - replications
        frames.append(run_more(replications, count))
        replications += count
        summary = pd.concat(frames, ignore_index=True)
        precision = {label: float(value) for label, value in precision_of(summary).items()}
        history.append((replications, precision))
    return SequentialResult(
        summary=summary,
        replications=replications,
        reached=all(met(value) for value in precision.values()),
        precision=precision,
        history=tuple(history),
    )


def precision_of_means(figures: Sequence[str], confidence: float = 0.95) -> PrecisionFunction:
    """Build a ``precision_of`` criterion on the mean of each figure in each scenario.

    Parameters
    ----------
    figures : sequence of str
        Summary figures to watch.
    confidence : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    callable ``(summary) -> dict of str to float``
        Maps ``"{scenario}:{figure}"`` to the relative half-width of the mean
        (:attr:`Interval.relative_half_width`).
    """
    figure_names = figure_list(figures)
    check_confidence(confidence)

    def precision(summary: pd.DataFrame) -> dict[str, float]:
        check_summary(summary, figure_names, None)
        result: dict[str, float] = {}
        for scenario in scenarios_in_order(summary):
            rows = summary.loc[summary["scenario"] == scenario]
            for figure in figure_names:
                values = rows[figure].to_numpy(dtype=float, na_value=np.nan)
                result[f"{scenario}:{figure}"] = mean_ci(values, confidence).relative_half_width
        return result

    return precision


def precision_of_differences(
    figures: Sequence[str], baseline: str, confidence: float = 0.95
) -> PrecisionFunction:
    """Build a ``precision_of`` criterion on paired differences against a baseline.

    Parameters
    ----------
    figures : sequence of str
        Summary figures to watch.
    baseline : str
        Scenario the others are compared with.
    confidence : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    callable ``(summary) -> dict of str to float``
        Maps ``"{scenario}-{baseline}:{figure}"``, for every non-baseline scenario, to
        the paired difference's half-width divided by ``|mean difference|``: ``inf``
        for a zero mean difference, ``0`` when the differences are all identical.
        Raises ValueError if the baseline is absent from the summary.
    """
    figure_names = figure_list(figures)
    check_confidence(confidence)

    def precision(summary: pd.DataFrame) -> dict[str, float]:
        check_summary(summary, figure_names, baseline)
        result: dict[str, float] = {}
        for scenario in scenarios_in_order(summary):
            if scenario == baseline:
                continue
            for figure in figure_names:
                a, b = paired_values(summary, baseline, scenario, figure)
                difference = paired_difference(a, b, confidence).difference
                result[f"{scenario}-{baseline}:{figure}"] = difference.relative_half_width
        return result

    return precision
