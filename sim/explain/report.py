"""How an explanation is shown: its table, its sentences, its waterfall and report section.

Everything a person reads comes from the language catalogue (``explain.*``
keys), so the terminal table, the report section and the workshop material
say the same thing in English and Chinese.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from sim.charts.waterfall import group_label, headline, waterfall
from sim.explain.core import Explanation
from sim.figures import figure_label, figure_title, scenario_label, scenario_subject
from sim.formatting import format_interval, format_percent, format_value
from sim.i18n import DEFAULT_LANG, text


def step_label(row: Any, lang: str = DEFAULT_LANG) -> str:
    """The name of a row of the contributions table, in ``lang``."""
    kind = str(row["kind"])
    if kind in ("start", "end"):
        return scenario_label(str(row["group"]), lang)
    if kind == "total":
        return text("explain.total", lang)
    return group_label(str(row["group"]), lang)


def explain_table(
    explanation: Explanation, lang: str = DEFAULT_LANG, currency: str | None = None
) -> pd.DataFrame:
    """The contributions as display strings: one row per figure and step, with the mean
    [95% CI] and, for groups, their share of the total difference."""
    rows = []
    for record in explanation.contributions.to_dict("records"):
        figure = str(record["figure"])
        difference = record["kind"] in ("group", "total")
        shown = format_interval(
            figure,
            record["mean"],
            record["ci_low"],
            record["ci_high"],
            difference=difference,
            lang=lang,
            currency=currency,
        )
        share = record.get("share")
        rows.append(
            {
                text("explain.column.figure", lang): figure_label(figure, lang, currency),
                text("explain.column.step", lang): step_label(record, lang),
                text("explain.column.value", lang): shown,
                text("explain.column.share", lang): format_percent(share, lang=lang)
                if isinstance(share, float) and math.isfinite(share)
                else "",
            }
        )
    return pd.DataFrame(rows)


def sentences(
    explanation: Explanation,
    figure: str = "profit",
    lang: str = DEFAULT_LANG,
    currency: str | None = None,
) -> list[str]:
    """The explanation in words: the difference, then each group from the largest."""
    rows = explanation.table(figure)
    total = rows[rows["kind"] == "total"].iloc[0]
    start = rows[rows["kind"] == "start"].iloc[0]
    end = rows[rows["kind"] == "end"].iloc[0]

    def interval(row: Any) -> str:
        return format_interval(
            figure,
            row["mean"],
            row["ci_low"],
            row["ci_high"],
            difference=True,
            lang=lang,
            currency=currency,
        )

    title = figure_title(figure, lang)
    lines = [
        text(
            "explain.sentence.total",
            lang,
            a=scenario_subject(str(start["group"]), lang),
            b=scenario_subject(str(end["group"]), lang),
            figure=title.lower() if lang == "en" else title,
            a_value=format_value(figure, start["mean"], lang=lang, currency=currency),
            b_value=format_value(figure, end["mean"], lang=lang, currency=currency),
            total=interval(total),
            n=int(total["n"]),
        )
    ]
    groups = rows[rows["kind"] == "group"]
    for _, row in groups.reindex(
        groups["mean"].abs().sort_values(ascending=False).index
    ).iterrows():
        share = row["share"]
        lines.append(
            text(
                "explain.sentence.group",
                lang,
                group=group_label(str(row["group"]), lang),
                value=interval(row),
                share=format_percent(share, signed=True, lang=lang)
                if math.isfinite(share)
                else text("number.na", lang),
            )
        )
    return lines


def chart_file(figure: str) -> str:
    """File stem of a figure's waterfall chart."""
    return f"waterfall_{figure}"


def waterfalls(
    explanation: Explanation, lang: str = DEFAULT_LANG, currency: str | None = None
) -> dict[str, Figure]:
    """One waterfall chart per figure explained, by file stem."""
    weeks = _weeks(explanation)
    return {
        chart_file(figure): waterfall(
            explanation.contributions, figure, lang=lang, currency=currency, weeks=weeks
        )
        for figure in explanation.figures
    }


def _weeks(explanation: Explanation) -> float | None:
    from sim.story import horizon_weeks

    try:
        return horizon_weeks(explanation.runs)
    except (KeyError, ValueError):
        return None


def explain_section(
    explanation: Explanation,
    figure: str | None = None,
    lang: str = DEFAULT_LANG,
    currency: str | None = None,
) -> tuple[Any, dict[str, Figure]]:
    """The report section (``sim.report.ExtraSection``) and its chart."""
    from sim.report import ExtraSection

    figure = figure or explanation.figures[0]
    rows = explanation.table(figure)
    chart = waterfall(
        explanation.contributions, figure, lang=lang, currency=currency, weeks=_weeks(explanation)
    )
    table = [
        (
            step_label(row, lang),
            format_interval(
                figure,
                row["mean"],
                row["ci_low"],
                row["ci_high"],
                difference=row["kind"] in ("group", "total"),
                lang=lang,
                currency=currency,
            ),
            format_percent(row["share"], signed=True, lang=lang)
            if math.isfinite(row["share"])
            else "",
        )
        for _, row in rows.iterrows()
    ]
    manifest = explanation.manifest
    note = text(
        "explain.section_method",
        lang,
        method=text(
            "explain.method.exact"
            if manifest.get("method") == "exact"
            else "explain.method.sampled",
            lang,
            orders=manifest.get("orders") or 0,
        ),
        coalitions=manifest.get("coalitions", 0),
        runs=manifest.get("distinct_runs", 0),
        n=manifest.get("replications", 0),
        seed=manifest.get("seed", 0),
    )
    settings = [
        text(
            "explain.section_group",
            lang,
            group=group_label(str(entry["name"]), lang),
            settings=", ".join(entry["settings"]),
        )
        for entry in manifest.get("groups", [])
    ]
    section = ExtraSection(
        key="explain",
        heading=text("explain.section", lang),
        paragraphs=(
            text("explain.section_intro", lang, level="95%"),
            *sentences(explanation, figure, lang, currency),
        ),
        chart=chart_file(figure),
        caption=headline(rows, lang, currency),
        headers=(
            text("explain.column.step", lang),
            text("explain.column.value", lang),
            text("explain.column.share", lang),
        ),
        rows=tuple(table),
        notes=(note, *settings),
    )
    return section, {chart_file(figure): chart}


__all__ = [
    "chart_file",
    "explain_section",
    "explain_table",
    "sentences",
    "step_label",
    "waterfalls",
]
