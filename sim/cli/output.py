"""How the commands print tables: means with CIs, paired differences, and the formats.

``table`` and ``markdown`` show display strings (``14,050,044 [13,732,629 to
14,367,460]``) for people; ``csv`` and ``json`` print numbers, one row per
figure and scenario with the columns of the saved ``comparison.csv``, for jq,
pandas and spreadsheets (:func:`render_summary`, :func:`render_comparison`).
"""

from __future__ import annotations

import json
import math
import unicodedata
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


#: Formats that print numbers rather than display strings.
NUMERIC_FORMATS = ("csv", "json")


def summary_numbers(summary: pd.DataFrame, figures: Sequence[str]) -> pd.DataFrame:
    """Mean and 95% CI of each figure per scenario as numbers: one row per figure and
    scenario (``figure, scenario, n, mean, ci_low, ci_high``)."""
    from sim.analysis import mean_ci

    records = []
    for figure in figures:
        for scenario, rows in summary.groupby("scenario", sort=False):
            values = rows[figure].dropna() if figure in rows else pd.Series(dtype=float)
            interval = mean_ci(values.to_numpy(dtype=float)) if not values.empty else None
            records.append(
                {
                    "figure": figure,
                    "scenario": str(scenario),
                    "n": 0 if interval is None else interval.n,
                    "mean": math.nan if interval is None else interval.mean,
                    "ci_low": math.nan if interval is None else interval.low,
                    "ci_high": math.nan if interval is None else interval.high,
                }
            )
    return pd.DataFrame.from_records(
        records, columns=["figure", "scenario", "n", "mean", "ci_low", "ci_high"]
    )


def emit_numbers(frame: pd.DataFrame, fmt: str) -> str:
    """A tidy numeric table as CSV, or as a JSON list of records (NaN and infinities as
    null, so that every JSON reader accepts it)."""
    if fmt == "csv":
        return str(frame.to_csv(index=False))
    records = [
        {
            key: (None if isinstance(value, float) and not math.isfinite(value) else value)
            for key, value in record.items()
        }
        for record in frame.astype(object).to_dict("records")
    ]
    return json.dumps(records, indent=2, default=_plain) + "\n"


def _plain(value: object) -> object:
    """numpy scalars as Python numbers for ``json``."""
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def render_summary(summary: pd.DataFrame, figures: Sequence[str], fmt: str, **readable: Any) -> str:
    """What ``run`` prints: numbers for csv and json, display strings otherwise (in the
    language and currency ``readable`` gives: ``lang``, ``currency``, ``readable``)."""
    if fmt in NUMERIC_FORMATS:
        return emit_numbers(summary_numbers(summary, figures), fmt)
    return emit(summary_table(summary, figures, **readable), fmt)


def render_comparison(comparison: pd.DataFrame, baseline: str, fmt: str, **readable: Any) -> str:
    """What ``compare`` prints: the comparison table's numbers (as ``comparison.csv``
    holds them) for csv and json, display strings otherwise."""
    if fmt in NUMERIC_FORMATS:
        return emit_numbers(comparison, fmt)
    return emit(comparison_table(comparison, baseline, **readable), fmt)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, with an ellipsis where it was cut."""
    if display_width(text) <= width:
        return text
    kept = ""
    for char in text:
        if display_width(kept + char) > width - 1:
            break
        kept += char
    return kept + "…"


def text_columns(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int = 36) -> str:
    """A plain table for the terminal, cells longer than ``width`` columns cut
    (``--format csv`` has them whole); Chinese text lines up too."""
    table = [[_cut(str(cell), width) for cell in row] for row in [headers, *rows]]
    widths = [max(display_width(row[i]) for row in table) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        cells = (cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(row))
        return "  ".join(cells).rstrip()

    return "\n".join(line(row) for row in table) + "\n"
