"""Output analysis for simulation replications: intervals, comparisons, run length.

This module works on plain arrays and pandas DataFrames only; it knows nothing of the
simulation model. It provides

* t-based confidence intervals of a mean (:func:`mean_ci`);
* paired comparisons of two scenarios run on common random numbers
  (:func:`paired_difference`, :func:`compare_to_baseline`) and the unpaired Welch
  interval (:func:`welch_difference`) to show how much the pairing buys;
* the number of replications needed for a relative precision
  (:func:`replications_needed`) and a sequential procedure that adds replications
  until a precision target is met (:func:`sequential_replications`, with the
  ready-made criteria :func:`precision_of_means` and :func:`precision_of_differences`).

Warm-up detection on weekly output (Welch's moving average, MSER-5) lives in
:mod:`sim.warmup`.

Tables follow ``docs/tables.md``: a *summary* table has one row per replication with
``scenario`` and ``replication`` columns plus numeric figures; a *weekly* table adds a
0-based ``week`` column. Scenarios share seeds, so replication ``r`` of one scenario is
paired with replication ``r`` of another.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats as scipy_stats

from sim.figures import LOWER_IS_BETTER_FIGURES

__all__ = [
    "COMPARISON_COLUMNS",
    "LOWER_IS_BETTER_FIGURES",
    "Interval",
    "PairedDifference",
    "SequentialResult",
    "compare_to_baseline",
    "mean_ci",
    "paired_difference",
    "precision_of_differences",
    "precision_of_means",
    "replications_needed",
    "sequential_replications",
    "welch_difference",
    "baseline_of",
]

#: Columns of the table returned by :func:`compare_to_baseline`, in order.
COMPARISON_COLUMNS: tuple[str, ...] = (
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
)

PrecisionFunction = Callable[[pd.DataFrame], dict[str, float]]


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


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
    """

    figure: str
    mean_a: float
    mean_b: float
    difference: Interval
    relative_change: float
    share_b_better: float
    n: int


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


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")


def _as_array(values: npt.ArrayLike, name: str = "values") -> npt.NDArray[np.float64]:
    """Return ``values`` as a 1-D float array (NaNs kept), rejecting infinities."""
    if isinstance(values, pd.Series | pd.Index):
        array = values.to_numpy(dtype=float, na_value=np.nan)
    else:
        array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if np.isinf(array).any():
        raise ValueError(f"{name} contains infinite values")
    return array


def _t_quantile(confidence: float, dof: float) -> float:
    return float(scipy_stats.t.ppf(0.5 + confidence / 2.0, dof))


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{table} table lacks column(s) {missing}")


def _figure_list(figures: Sequence[str] | str) -> list[str]:
    return [figures] if isinstance(figures, str) else list(figures)


def _scenarios_in_order(summary: pd.DataFrame) -> list[str]:
    return [str(scenario) for scenario in pd.unique(summary["scenario"])]


def _check_summary(summary: pd.DataFrame, figures: Sequence[str], baseline: str | None) -> None:
    _require_columns(summary, ["scenario", "replication", *figures], "summary")
    if summary.duplicated(["scenario", "replication"]).any():
        raise ValueError("summary has more than one row for some (scenario, replication)")
    if baseline is not None and baseline not in set(summary["scenario"]):
        present = ", ".join(_scenarios_in_order(summary)) or "none"
        raise ValueError(
            f"baseline scenario {baseline!r} is not in the summary (scenarios present: {present})"
        )


def _paired_values(
    summary: pd.DataFrame, baseline: str, scenario: str, figure: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Values of ``figure`` for ``baseline`` and ``scenario``, paired on replication.

    Only replications present in both scenarios with a non-NaN value in both are kept.
    """
    columns = ["replication", figure]
    base = summary.loc[summary["scenario"] == baseline, columns]
    other = summary.loc[summary["scenario"] == scenario, columns]
    paired = base.merge(other, on="replication", how="inner", suffixes=("_a", "_b"))
    paired = paired.sort_values("replication")
    a = paired[f"{figure}_a"].to_numpy(dtype=float, na_value=np.nan)
    b = paired[f"{figure}_b"].to_numpy(dtype=float, na_value=np.nan)
    keep = ~(np.isnan(a) | np.isnan(b))
    if not keep.any():
        raise ValueError(
            f"scenario {scenario!r} shares no replication with a value of {figure!r} "
            f"with baseline {baseline!r}"
        )
    return a[keep], b[keep]


def _smallest_sufficient_n(current: int, scale: float, confidence: float) -> int:
    """Smallest ``n >= current`` with ``t_{n-1} * scale / sqrt(n) <= 1``.

    ``scale`` is ``s / (target * |mean|)``: the half-width ``t s / sqrt(n)`` is then at
    most ``target * |mean|``. Because ``t_{n-1}`` falls with ``n`` the condition is
    monotone in ``n``, so a bisection finds the smallest such ``n``; this is the classic
    ``n* = ceil((t s / (r |mean|))^2)`` with ``t``'s degrees of freedom iterated to
    consistency.
    """

    def sufficient(n: int) -> bool:
        return _t_quantile(confidence, n - 1) * scale <= math.sqrt(n)

    if scale <= 0.0 or sufficient(current):
        return current
    low = current  # insufficient
    high = max(current + 1, math.ceil((_t_quantile(confidence, current - 1) * scale) ** 2))
    while not sufficient(high):  # guard against rounding; t only falls with n
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        if sufficient(middle):
            high = middle
        else:
            low = middle
    return high


# ---------------------------------------------------------------------------
# Intervals
# ---------------------------------------------------------------------------


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
    _check_confidence(confidence)
    array = _as_array(values)
    array = array[~np.isnan(array)]
    n = int(array.size)
    if n == 0:
        raise ValueError("mean_ci needs at least one non-NaN value; the sample is empty")
    mean = float(np.mean(array))
    if n == 1:
        return Interval(mean, -math.inf, math.inf, math.inf, math.nan, 1, confidence)
    sd = float(np.std(array, ddof=1))
    half_width = _t_quantile(confidence, n - 1) * sd / math.sqrt(n)
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
    first = _as_array(a, "a")
    second = _as_array(b, "b")
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
    _check_confidence(confidence)
    first = _as_array(a, "a")
    second = _as_array(b, "b")
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
    half_width = _t_quantile(confidence, dof) * standard_error
    return Interval(
        mean,
        mean - half_width,
        mean + half_width,
        half_width,
        standard_error,
        n_a + n_b,
        confidence,
    )


# ---------------------------------------------------------------------------
# Scenario comparison
# ---------------------------------------------------------------------------


def baseline_of(comparison: pd.DataFrame | None) -> str | None:
    """The baseline of a :func:`compare_to_baseline` table: the scenario without differences.

    Returns None for an empty table or one without a ``diff`` column.
    """
    if comparison is None or comparison.empty or "diff" not in comparison.columns:
        return None
    scenarios = comparison["scenario"].astype(str)
    no_diff = comparison["diff"].isna().groupby(scenarios, sort=False).all()
    for name in dict.fromkeys(scenarios):
        if bool(no_diff[name]):
            return name
    return None


def compare_to_baseline(
    summary: pd.DataFrame,
    figures: Sequence[str],
    baseline: str,
    confidence: float = 0.95,
    lower_is_better: frozenset[str] = LOWER_IS_BETTER_FIGURES,
) -> pd.DataFrame:
    """Compare every scenario with a baseline, figure by figure, paired on replication.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per (scenario, replication) with the numeric ``figures``.
    figures : sequence of str
        Figures to compare, in the order wanted in the output.
    baseline : str
        Scenario every other scenario is compared with.
    confidence : float, default 0.95
        Confidence level of all intervals.
    lower_is_better : frozenset of str, default LOWER_IS_BETTER_FIGURES
        Figures where a smaller value is better; decides ``share_better``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COMPARISON_COLUMNS`, one row per (figure, scenario): figures in
        the given order, the baseline first and then the other scenarios in order of
        first appearance in ``summary``. For a non-baseline scenario only the
        replications present in both it and the baseline (with non-NaN values) are
        used: ``n`` counts those pairs, ``mean``/``ci_low``/``ci_high`` describe the
        scenario's own values over them, and ``diff``/``diff_low``/``diff_high``/
        ``rel_change``/``share_better`` come from :func:`paired_difference` of
        (baseline, scenario). The baseline rows describe all its replications and
        have NaN in the difference columns.

    Raises
    ------
    ValueError
        If the baseline scenario is absent, a column is missing, a (scenario,
        replication) occurs twice, or a scenario shares no replication with the
        baseline.
    """
    figure_names = _figure_list(figures)
    _check_summary(summary, figure_names, baseline)
    others = [scenario for scenario in _scenarios_in_order(summary) if scenario != baseline]
    baseline_rows = summary.loc[summary["scenario"] == baseline]
    records: list[dict[str, object]] = []
    for figure in figure_names:
        base_ci = mean_ci(baseline_rows[figure].to_numpy(dtype=float, na_value=np.nan), confidence)
        records.append(
            {
                "figure": figure,
                "scenario": baseline,
                "n": base_ci.n,
                "mean": base_ci.mean,
                "ci_low": base_ci.low,
                "ci_high": base_ci.high,
                "diff": math.nan,
                "diff_low": math.nan,
                "diff_high": math.nan,
                "rel_change": math.nan,
                "share_better": math.nan,
            }
        )
        for scenario in others:
            a, b = _paired_values(summary, baseline, scenario, figure)
            own = mean_ci(b, confidence)
            paired = paired_difference(
                a,
                b,
                confidence=confidence,
                higher_is_better=figure not in lower_is_better,
                figure=figure,
            )
            records.append(
                {
                    "figure": figure,
                    "scenario": scenario,
                    "n": paired.n,
                    "mean": own.mean,
                    "ci_low": own.low,
                    "ci_high": own.high,
                    "diff": paired.difference.mean,
                    "diff_low": paired.difference.low,
                    "diff_high": paired.difference.high,
                    "rel_change": paired.relative_change,
                    "share_better": paired.share_b_better,
                }
            )
    table = pd.DataFrame.from_records(records, columns=list(COMPARISON_COLUMNS))
    float_columns = list(COMPARISON_COLUMNS[3:])
    return table.astype({"figure": object, "scenario": object, "n": "int64"}).astype(
        dict.fromkeys(float_columns, "float64")
    )


# ---------------------------------------------------------------------------
# Run length
# ---------------------------------------------------------------------------


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
    relative_sd = worst * math.sqrt(current) / _t_quantile(confidence, current - 1)
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
    _check_confidence(confidence)
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
    figure_names = _figure_list(figures)
    _check_confidence(confidence)

    def precision(summary: pd.DataFrame) -> dict[str, float]:
        _check_summary(summary, figure_names, None)
        result: dict[str, float] = {}
        for scenario in _scenarios_in_order(summary):
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
    figure_names = _figure_list(figures)
    _check_confidence(confidence)

    def precision(summary: pd.DataFrame) -> dict[str, float]:
        _check_summary(summary, figure_names, baseline)
        result: dict[str, float] = {}
        for scenario in _scenarios_in_order(summary):
            if scenario == baseline:
                continue
            for figure in figure_names:
                a, b = _paired_values(summary, baseline, scenario, figure)
                difference = paired_difference(a, b, confidence).difference
                result[f"{scenario}-{baseline}:{figure}"] = difference.relative_half_width
        return result

    return precision
