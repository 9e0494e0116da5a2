"""Warm-up detection on weekly output: Welch's moving average and MSER-5.

A simulated firm starts empty, so its first weeks are not typical of the
steady state.  This module helps choose how many initial weeks to discard:
:func:`welch_moving_average` smooths the across-replication weekly mean for
Welch's graphical method (drawn by ``sim.charts.welch_plot``), and
:func:`mser5` (White, 1997) and :func:`warmup_weeks` pick a truncation point
by rule.  It works on the ``weekly`` table alone (see ``docs/tables.md``) and
knows nothing of the simulation model.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from sim.analysis.tables import as_array, require_columns, scenarios_in_order

__all__ = ["MSER_BATCH_SIZE", "mser5", "warmup_weeks", "welch_moving_average"]

#: Observations per batch in MSER-5.
MSER_BATCH_SIZE = 5


def _weekly_mean(weekly: pd.DataFrame, figure: str) -> pd.Series:
    """Mean of ``figure`` over replications (rows) per week, sorted by week."""
    values = weekly[figure].astype("float64")
    return values.groupby(weekly["week"]).mean().sort_index()


def welch_moving_average(
    weekly: pd.DataFrame, figure: str, window: int, *, scenario: str | None = None
) -> pd.DataFrame:
    """Welch's (1983) moving average of the across-replication weekly mean.

    With ``m`` weeks and weekly means ``Y_1 .. Y_m`` (1-based ``i``), the smoothed value
    is the mean of ``Y_{i-w} .. Y_{i+w}`` for ``w < i <= m - w`` and of
    ``Y_1 .. Y_{2i-1}`` (a window shrinking to the start) for ``i <= w``; it is NaN for
    the last ``w`` weeks, where the window would run past the end.

    Parameters
    ----------
    weekly : pandas.DataFrame
        Weekly table with ``week`` and ``figure`` (and usually ``scenario`` and
        ``replication``).
    figure : str
        Column to smooth.
    window : int
        Half-width ``w >= 0`` of the moving window, in weeks.
    scenario : str, optional
        Scenario to use; required when the table holds more than one.

    Returns
    -------
    pandas.DataFrame
        Columns ``week, mean, smoothed``, one row per week in ascending order.

    Raises
    ------
    ValueError
        If a column is missing, ``window`` is negative, or several scenarios are present
        and none is chosen.
    """
    require_columns(weekly, ["week", figure], "weekly")
    if window < 0:
        raise ValueError(f"window must be non-negative, got {window}")
    rows = weekly
    if "scenario" in weekly.columns:
        present = scenarios_in_order(weekly)
        if scenario is None:
            if len(present) > 1:
                raise ValueError(
                    f"weekly table holds several scenarios ({', '.join(present)}); pass scenario="
                )
        else:
            if scenario not in present:
                raise ValueError(f"scenario {scenario!r} is not in the weekly table")
            rows = weekly.loc[weekly["scenario"] == scenario]
    weekly_mean = _weekly_mean(rows, figure)
    means = weekly_mean.to_numpy(dtype=float)
    weeks = len(means)
    smoothed = np.full(weeks, np.nan)
    for index in range(max(weeks - window, 0)):  # 0-based index = i - 1
        half = min(index, window)
        smoothed[index] = means[index - half : index + half + 1].mean()
    return pd.DataFrame(
        {
            "week": weekly_mean.index.to_numpy(),
            "mean": means,
            "smoothed": smoothed,
        }
    )


def mser5(series: npt.ArrayLike) -> int:
    """Warm-up length by MSER-5 (White, 1997).

    The series is cut into batches of 5 observations (an incomplete last batch is
    ignored). For each truncation ``d`` (in batches) over the first half of the ``k``
    batches, the MSER statistic ``sum_{j>d} (Z_j - mean(Z_{d+1..k}))^2 / (k - d)^2`` is
    computed; the smallest ``d`` minimising it is chosen. At least two batches are
    always kept.

    Parameters
    ----------
    series : array_like
        Output series in time order, e.g. the across-replication weekly mean.

    Returns
    -------
    int
        Number of observations to discard, ``5 * d``; ``0`` for a series shorter than
        two batches.

    Raises
    ------
    ValueError
        If the series is empty or contains NaN or infinite values.
    """
    values = as_array(series, "series")
    if values.size == 0:
        raise ValueError("mser5 needs a non-empty series")
    if np.isnan(values).any():
        raise ValueError("mser5 series contains NaN values")
    batches_total = values.size // MSER_BATCH_SIZE
    if batches_total < 2:
        return 0
    batch_means = values[: batches_total * MSER_BATCH_SIZE].reshape(batches_total, -1).mean(axis=1)
    best_truncation = 0
    best_statistic = math.inf
    for truncation in range(batches_total // 2 + 1):
        kept = batch_means[truncation:]
        if kept.size < 2:
            break
        statistic = float(np.sum((kept - kept.mean()) ** 2)) / kept.size**2
        if statistic < best_statistic:
            best_truncation, best_statistic = truncation, statistic
    return MSER_BATCH_SIZE * best_truncation


def warmup_weeks(weekly: pd.DataFrame, figure: str, method: Literal["mser5"] = "mser5") -> int:
    """Weeks of warm-up to discard for ``figure``, the largest over scenarios.

    Parameters
    ----------
    weekly : pandas.DataFrame
        Weekly table with ``week`` and ``figure``; with a ``scenario`` column each
        scenario is treated separately.
    figure : str
        Column to examine.
    method : {"mser5"}, default "mser5"
        Truncation rule, applied to the across-replication weekly mean.

    Returns
    -------
    int
        Number of initial weeks to discard.

    Raises
    ------
    ValueError
        If ``method`` is unknown, a column is missing or the table is empty.
    """
    if method != "mser5":
        raise ValueError(f"unknown warm-up method {method!r}; available: 'mser5'")
    require_columns(weekly, ["week", figure], "weekly")
    if weekly.empty:
        raise ValueError("weekly table is empty")
    if "scenario" not in weekly.columns:
        return mser5(_weekly_mean(weekly, figure).to_numpy(dtype=float))
    return max(
        mser5(
            _weekly_mean(weekly.loc[weekly["scenario"] == scenario], figure).to_numpy(dtype=float)
        )
        for scenario in scenarios_in_order(weekly)
    )
