"""How the commands print tables: means with CIs, paired differences, and the formats."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

# ---------------------------------------------------------------- formatting


def summary_table(summary: pd.DataFrame, figures: Sequence[str]) -> pd.DataFrame:
    """Mean and 95% CI of each figure per scenario (rows: figures, columns: scenarios)."""
    from sim.analysis import mean_ci
    from sim.formatting import format_interval

    table: dict[str, dict[str, str]] = {}
    for scenario, rows in summary.groupby("scenario", sort=False):
        column = {}
        for figure in figures:
            values = rows[figure].dropna()
            if values.empty:
                column[figure] = "n/a"
                continue
            interval = mean_ci(values.to_numpy())
            column[figure] = format_interval(figure, interval.mean, interval.low, interval.high)
        table[str(scenario)] = column
    frame = pd.DataFrame(table)
    frame.index.name = "figure (mean [95% CI])"
    return frame


def comparison_table(comparison: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """One row per figure: each scenario's mean [CI] and its paired difference to baseline."""
    from sim.formatting import format_interval

    rows: dict[str, dict[str, str]] = {}
    for item in comparison.itertuples(index=False):
        row = rows.setdefault(str(item.figure), {})
        row[str(item.scenario)] = format_interval(
            str(item.figure), item.mean, item.ci_low, item.ci_high
        )
        if item.scenario != baseline:
            diff = format_interval(
                str(item.figure), item.diff, item.diff_low, item.diff_high, difference=True
            )
            relative = "" if pd.isna(item.rel_change) else f" ({100 * item.rel_change:+.1f}%)"
            row[f"{item.scenario} - {baseline}"] = diff + relative
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "figure"
    return frame


def emit(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        return frame.to_csv()
    if fmt == "json":
        return frame.to_json(orient="index", indent=2) + "\n"
    if fmt == "markdown":
        header = [frame.index.name or "", *map(str, frame.columns)]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for index, row in frame.iterrows():
            lines.append("| " + " | ".join([str(index), *map(str, row.tolist())]) + " |")
        return "\n".join(lines) + "\n"
    return frame.to_string() + "\n"
