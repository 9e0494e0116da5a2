"""Every scenario against a baseline, figure by figure: the comparison table.

:func:`compare_to_baseline` turns a summary table (one row per scenario and
replication, scenarios run on the same seeds) into one tidy table with each
scenario's mean and the paired difference to the baseline, with confidence
intervals; the command line prints it, the charts and the report draw it.
:func:`baseline_of` reads the baseline back from such a table. Which figures are
better when lower comes from :data:`sim.figures.LOWER_IS_BETTER_FIGURES`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.analysis.intervals import mean_ci, paired_difference
from sim.analysis.tables import check_summary, figure_list, paired_values, scenarios_in_order
from sim.figures import LOWER_IS_BETTER_FIGURES, with_story_figures

__all__ = ["COMPARISON_COLUMNS", "baseline_of", "compare_to_baseline"]

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
    "pairing",
)


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
        One row per (scenario, replication) with the numeric ``figures``; the
        presentation layer's figures (:func:`sim.figures.with_story_figures`,
        e.g. ``sales_share_nonselling_work``) are computed where missing.
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
        ``rel_change``/``share_better``/``pairing`` come from :func:`paired_difference`
        of (baseline, scenario); ``pairing`` is the pairing strength
        ``Var(B - A) / (Var(A) + Var(B))`` (lower is tighter pairing). The baseline
        rows describe all its replications and have NaN in the difference columns.

    Raises
    ------
    ValueError
        If the baseline scenario is absent, a column is missing, a (scenario,
        replication) occurs twice, or a scenario shares no replication with the
        baseline.
    """
    figure_names = figure_list(figures)
    summary = with_story_figures(summary)
    check_summary(summary, figure_names, baseline)
    others = [scenario for scenario in scenarios_in_order(summary) if scenario != baseline]
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
                "pairing": math.nan,
            }
        )
        for scenario in others:
            a, b = paired_values(summary, baseline, scenario, figure)
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
                    "pairing": paired.pairing,
                }
            )
    table = pd.DataFrame.from_records(records, columns=list(COMPARISON_COLUMNS))
    float_columns = list(COMPARISON_COLUMNS[3:])
    return table.astype({"figure": object, "scenario": object, "n": "int64"}).astype(
        dict.fromkeys(float_columns, "float64")
    )
