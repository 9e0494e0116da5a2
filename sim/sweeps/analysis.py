"""What a sweep says: effects of each factor, paired differences, thresholds, break-evens.

Everything works on the sweep's summary table (one row per variant, scenario
and replication) and never runs the model. Replication ``r`` of every
scenario in every variant shares the seeds of ``(seed, r)``, so the difference
between two scenarios is taken replication by replication (paired), within a
variant, and its confidence interval is the paired-t interval of
``sim.analysis``.

* :func:`paired_rows`: the paired difference of a figure for each variant and
  replication; :func:`variant_table` summarises it per variant;
  :func:`best_variants` ranks them.
* :func:`factor_effects`: a figure against one factor (mean and CI per
  scenario, and the paired difference), averaged over the other factors.
  Factors with many distinct values (space-filling designs) are cut into bins.
* :func:`two_factor_grid`: the paired difference over two factors (a
  heatmap), and :func:`threshold_table`: along the first factor, where it
  crosses zero for each level of the second.
* :func:`break_even`: where a difference curve crosses zero, with the range
  over which its confidence band contains zero as the uncertainty.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import mean_ci
from sim.figures import LOWER_IS_BETTER_FIGURES

#: A factor with more distinct values than this is cut into bins.
MAX_LEVELS = 12
#: Bins for a factor with many distinct values.
BINS = 6


def paired_rows(
    summary: pd.DataFrame, figure: str, baseline: str, scenario: str, factors: Sequence[str]
) -> pd.DataFrame:
    """One row per variant and replication: the factors, both values and their difference."""
    index = ["variant", "replication"]
    base = summary.loc[summary["scenario"] == baseline, [*index, figure]]
    other = summary.loc[summary["scenario"] == scenario, [*index, *factors, figure]]
    paired = other.merge(base, on=index, suffixes=("", "_baseline"))
    paired = paired.rename(columns={figure: "value", f"{figure}_baseline": "baseline"})
    paired["diff"] = paired["value"] - paired["baseline"]
    return paired.dropna(subset=["diff"]).reset_index(drop=True)


def _interval(values: pd.Series) -> tuple[int, float, float, float]:
    data = values.dropna().to_numpy(dtype=float)
    if data.size == 0:
        return 0, math.nan, math.nan, math.nan
    interval = mean_ci(data)
    return interval.n, interval.mean, interval.low, interval.high


def variant_table(
    summary: pd.DataFrame, figure: str, baseline: str, scenario: str, factors: Sequence[str]
) -> pd.DataFrame:
    """Per variant: the factors, both means and the paired difference with its CI."""
    paired = paired_rows(summary, figure, baseline, scenario, factors)
    records = []
    for variant, rows in paired.groupby("variant", sort=True):
        n, diff, low, high = _interval(rows["diff"])
        record = {"variant": variant, **{f: rows[f].iloc[0] for f in factors}}
        record.update(
            n=n,
            baseline=float(rows["baseline"].mean()),
            value=float(rows["value"].mean()),
            diff=diff,
            diff_low=low,
            diff_high=high,
        )
        records.append(record)
    columns = ["variant", *factors, "n", "baseline", "value", "diff", "diff_low", "diff_high"]
    return pd.DataFrame.from_records(records, columns=columns)


def best_variants(table: pd.DataFrame, figure: str, count: int = 10) -> pd.DataFrame:
    """The variants with the best paired difference (lowest for lower-is-better figures)."""
    ascending = figure in LOWER_IS_BETTER_FIGURES
    return table.sort_values("diff", ascending=ascending, kind="stable").head(count)


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def level_map(values: pd.Series, scale: str = "linear") -> dict[Any, Any]:
    """Each value of a factor to its level: itself, or its bin's centre where values are many.

    Many distinct values (a space-filling design) are cut into :data:`BINS` bins of
    about equally many values; a bin's centre is their median (geometric mean on a
    log scale).
    """
    unique = pd.unique(values.dropna())
    if not _numeric(values) or len(unique) <= MAX_LEVELS:
        return {value: value for value in unique}
    mapping: dict[Any, Any] = {}
    for group in np.array_split(np.sort(unique.astype(float)), BINS):
        centre = float(np.exp(np.log(group).mean()) if scale == "log" else np.median(group))
        mapping.update(dict.fromkeys(group.tolist(), centre))
    return mapping


def factor_effects(
    summary: pd.DataFrame,
    factor: str,
    figure: str,
    baseline: str,
    scenarios: Sequence[str],
    scale: str = "linear",
) -> pd.DataFrame:
    """A figure against one factor, averaged over the others.

    Returns one row per level and scenario with ``kind`` ``"value"`` (mean and CI
    of the scenario's figure) and, for every scenario but the baseline, a row of
    ``kind`` ``"difference"`` (the paired difference to the baseline). Columns:
    ``level, scenario, kind, n, mean, ci_low, ci_high``.
    """
    mapping = level_map(summary[factor], scale)
    frame = summary.assign(_level=summary[factor].map(mapping))
    records = []
    for (level, name), rows in frame.groupby(["_level", "scenario"], sort=True):
        n, mean, low, high = _interval(rows[figure])
        records.append((level, name, "value", n, mean, low, high))
    for name in scenarios:
        if name == baseline:
            continue
        paired = paired_rows(summary, figure, baseline, name, [factor])
        paired["_level"] = paired[factor].map(mapping)
        for level, rows in paired.groupby("_level", sort=True):
            n, mean, low, high = _interval(rows["diff"])
            records.append((level, name, "difference", n, mean, low, high))
    columns = ["level", "scenario", "kind", "n", "mean", "ci_low", "ci_high"]
    table = pd.DataFrame.from_records(records, columns=columns)
    order = {name: index for index, name in enumerate(scenarios)}
    table["_order"] = table["scenario"].map(order)
    table = table.sort_values(["kind", "_order", "level"], kind="stable")
    return table.drop(columns="_order").reset_index(drop=True)


def two_factor_grid(
    summary: pd.DataFrame,
    x: str,
    y: str,
    figure: str,
    baseline: str,
    scenario: str,
    scales: tuple[str, str] = ("linear", "linear"),
) -> pd.DataFrame:
    """The paired difference over two factors (averaged over the others).

    Columns ``x, y, n, diff, diff_low, diff_high``; one row per pair of levels.
    """
    paired = paired_rows(summary, figure, baseline, scenario, [x, y])
    paired["_x"] = paired[x].map(level_map(summary[x], scales[0]))
    paired["_y"] = paired[y].map(level_map(summary[y], scales[1]))
    records = []
    for (level_x, level_y), rows in paired.groupby(["_x", "_y"], sort=True):
        n, diff, low, high = _interval(rows["diff"])
        records.append((level_x, level_y, n, diff, low, high))
    return pd.DataFrame.from_records(
        records, columns=["x", "y", "n", "diff", "diff_low", "diff_high"]
    )


@dataclass(frozen=True)
class BreakEven:
    """Where a difference crosses zero along a factor.

    Attributes
    ----------
    estimate : float
        Where the mean difference crosses zero (NaN if it does not in the range).
    low, high : float
        The range around ``estimate`` in which the confidence band contains zero;
        ``-inf``/``inf`` where it reaches the end of the range still containing it.
    sign_before : int
        Sign of the difference below the crossing (+1: the other scenario is ahead
        there), or, without a crossing, its sign throughout.
    """

    estimate: float
    low: float
    high: float
    sign_before: int

    @property
    def found(self) -> bool:
        """Whether the mean difference crosses zero within the range."""
        return not math.isnan(self.estimate)


def _crossings(x: np.ndarray, y: np.ndarray, log: bool) -> list[float]:
    points = []
    position = np.log(x) if log else x
    for i in range(len(x) - 1):
        a, b = y[i], y[i + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a == 0:
            points.append(float(x[i]))
        elif a * b < 0:
            where = position[i] + (position[i + 1] - position[i]) * a / (a - b)
            points.append(float(np.exp(where) if log else where))
    if len(y) and y[-1] == 0:
        points.append(float(x[-1]))
    return points


def break_even(
    x: Sequence[float],
    diff: Sequence[float],
    low: Sequence[float],
    high: Sequence[float],
    scale: str = "linear",
) -> BreakEven:
    """Where ``diff`` crosses zero along ``x`` (interpolated; in log x on a log scale),
    and the range around it in which the band ``low``..``high`` contains zero."""
    order = np.argsort(np.asarray(x, dtype=float))
    xs = np.asarray(x, dtype=float)[order]
    mean = np.asarray(diff, dtype=float)[order]
    lows = np.asarray(low, dtype=float)[order]
    highs = np.asarray(high, dtype=float)[order]
    log = scale == "log" and bool(np.all(xs > 0))
    crossings = _crossings(xs, mean, log)
    finite = mean[np.isfinite(mean)]
    sign = int(np.sign(finite[0])) if finite.size else 0
    if not crossings:
        return BreakEven(math.nan, math.nan, math.nan, sign)
    estimate = crossings[0]
    contains = (lows <= 0) & (highs >= 0)
    # walk out from the crossing while the band still contains zero
    right = int(np.searchsorted(xs, estimate))
    left = right - 1
    while left >= 0 and contains[left]:
        left -= 1
    while right < len(xs) and contains[right]:
        right += 1
    bounds = []
    for band in (lows, highs):
        bounds.extend(_crossings(xs, band, log))
    lower = -math.inf if left < 0 else _nearest(bounds, estimate, below=True, fallback=xs[left])
    upper = (
        math.inf
        if right >= len(xs)
        else _nearest(bounds, estimate, below=False, fallback=xs[right])
    )
    return BreakEven(estimate, lower, upper, sign)


def _nearest(points: list[float], centre: float, below: bool, fallback: float) -> float:
    side = [p for p in points if (p <= centre if below else p >= centre)]
    if not side:
        return float(fallback)
    return max(side) if below else min(side)


def threshold_table(grid: pd.DataFrame, scale: str = "linear") -> pd.DataFrame:
    """For each level of ``y``: where the difference crosses zero along ``x``, with its range."""
    records = []
    for level, rows in grid.groupby("y", sort=True):
        found = break_even(rows["x"], rows["diff"], rows["diff_low"], rows["diff_high"], scale)
        records.append((level, found.estimate, found.low, found.high, found.sign_before))
    return pd.DataFrame.from_records(
        records, columns=["y", "break_even", "low", "high", "sign_before"]
    )


def curve(effects: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """The difference rows of :func:`factor_effects` for one scenario, by level."""
    rows = effects[(effects["kind"] == "difference") & (effects["scenario"] == scenario)]
    return rows.sort_values("level").reset_index(drop=True)


__all__ = [
    "BINS",
    "MAX_LEVELS",
    "BreakEven",
    "best_variants",
    "break_even",
    "curve",
    "factor_effects",
    "level_map",
    "paired_rows",
    "threshold_table",
    "two_factor_grid",
    "variant_table",
]
