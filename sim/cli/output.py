"""How the commands print tables: means with CIs, paired differences, and the formats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

# ---------------------------------------------------------------- formatting


def _labelled(
    frame: pd.DataFrame, heading: str, lang: str, currency: str | None, readable: bool
) -> pd.DataFrame:
    """Rows named by figure id (machine formats), or by readable label in ``lang`` (the
    terminal table), with the index heading in ``lang``."""
    from sim.figures import figure_label
    from sim.i18n import text

    if readable:
        frame.index = [figure_label(str(f), lang, currency) for f in frame.index]
        frame.index.name = text(heading, lang)
    return frame


def summary_table(
    summary: pd.DataFrame,
    figures: Sequence[str],
    *,
    lang: str = "en",
    currency: str | None = None,
    readable: bool = False,
) -> pd.DataFrame:
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
            column[figure] = format_interval(
                figure, interval.mean, interval.low, interval.high, lang=lang, currency=currency
            )
        table[str(scenario)] = column
    frame = pd.DataFrame(table)
    frame.index.name = "figure (mean [95% CI])"
    return _labelled(frame, "cli.heading.summary", lang, currency, readable)


def comparison_table(
    comparison: pd.DataFrame,
    baseline: str,
    *,
    lang: str = "en",
    currency: str | None = None,
    readable: bool = False,
) -> pd.DataFrame:
    """One row per figure: each scenario's mean [CI] and its paired difference to baseline."""
    from sim.formatting import format_interval

    rows: dict[str, dict[str, str]] = {}
    for item in comparison.itertuples(index=False):
        row = rows.setdefault(str(item.figure), {})
        options: dict[str, Any] = {"lang": lang, "currency": currency}
        row[str(item.scenario)] = format_interval(
            str(item.figure), item.mean, item.ci_low, item.ci_high, **options
        )
        if item.scenario != baseline:
            diff = format_interval(
                str(item.figure),
                item.diff,
                item.diff_low,
                item.diff_high,
                difference=True,
                **options,
            )
            relative = "" if pd.isna(item.rel_change) else f" ({100 * item.rel_change:+.1f}%)"
            row[f"{item.scenario} - {baseline}"] = diff + relative
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "figure"
    return _labelled(frame, "cli.heading.comparison", lang, currency, readable)


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
