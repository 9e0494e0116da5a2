"""What the kit's notebooks show: each part's texts as Markdown, its table and its chart.

The notebooks (``docs/workshop/notebooks``) stay short and readable in front of
a room: a ``LANG`` switch, one call per step, and the code that runs the firms
in plain sight.  The words come from the catalogue (``workshop.*``), the
numbers from :mod:`sim.workshop.kit`, so a notebook run in English or in
Chinese says what the handout and the answer key say.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis import mean_ci
from sim.app.model import Firms
from sim.experiments import Comparison
from sim.figures import (
    figure_title,
    is_money,
    is_share,
    money_unit,
    scenario_label,
    with_story_figures,
)
from sim.formatting import format_horizon, format_interval
from sim.i18n import text
from sim.workshop import kit, words
from sim.workshop.charts import part_chart
from sim.workshop.words import Words

__all__ = ["chart", "discuss", "intro", "questions", "reading", "table", "try_it"]

#: The idea of the article each part teaches (``workshop.idea_of.*``).
IDEAS: Final = {"hours": "sales", "speed": "sales", "feedback": "service", "threshold": "marketing"}
#: The figures each part's table shows, per firm, with their 95% intervals.
TABLE_FIGURES: Final = {
    "hours": (
        "sales_share_selling",
        "sales_share_nonselling_work",
        "sales_share_idle",
        "customers_won",
        "profit",
    ),
    "speed": (
        "mean_wait_to_contact_h",
        "leads_abandoned",
        "conversion_rate",
        "customers_won",
        "profit",
    ),
    "feedback": (
        "insight_end",
        "conversion_rate",
        "complaints",
        "customers_churned",
        "customers_won",
        "profit",
    ),
    "threshold": ("sales_share_idle", "customers_won", "profit"),
}


def intro(part: str, lang: str, facts: dict[str, Any] | None = None) -> Words:
    """The part's heading, the article's idea, the learning goals and what we run."""
    n = words.number(part)
    values: dict[str, Any] = {}
    if part == "speed":
        values = {"staff": _firms().full_system.sales.staff, "fewer": kit.FEWER_SALESPEOPLE}
    if part == "threshold":
        today = _firms().full_system.marketing.channels[0].cost_per_lead
        say = words._Say({"currency": _firms().currency}, lang)
        values = {"prices": say.listed([say.money(today * f) for f in kit.COST_FACTORS])}
    return Words(
        f"## {words.title(part, lang)}\n\n"
        f"**{text('workshop.idea', lang)}** {text(f'workshop.idea_of.{IDEAS[part]}', lang)}\n\n"
        f"**{text('workshop.goals', lang)}** {text(f'workshop.p{n}.goals', lang)}\n\n"
        f"{text(f'workshop.p{n}.intro', lang, **values)}\n\n"
        f"{text('workshop.notebook_start', lang)}"
    )


def _firms() -> Firms:
    return kit.default_firms()


def reading(part: str, lang: str) -> Words:
    """How to read the part's chart."""
    return words.words(f"workshop.p{words.number(part)}.reading", lang)


def chart(part: str, comparison: Comparison, facts: dict[str, Any], lang: str) -> Figure:
    """The part's chart (the handout's)."""
    return part_chart(part, comparison, facts, lang)


def table(part: str, comparison: Comparison, lang: str) -> pd.DataFrame:
    """Each firm's mean [95% CI] of the part's figures, one column per firm."""
    summary = with_story_figures(comparison.summary)
    currency = summary_currency()
    horizon = format_horizon(float(summary["weeks"].max()), lang)
    rows: dict[str, dict[str, str]] = {}
    for figure in TABLE_FIGURES[part]:
        title = figure_title(figure, lang)
        if is_money(figure):
            title = text("notebook.figure_over", lang, title=title, horizon=horizon)
        row = {}
        for scenario in comparison.scenarios:
            values = summary.loc[summary["scenario"].astype(str) == scenario, figure].dropna()
            if values.empty:
                row[_column(scenario, lang)] = text("number.na", lang)
                continue
            found = mean_ci(values)
            shown = format_interval(
                figure, found.mean, found.low, found.high, lang=lang, currency=currency
            )
            if figure.endswith("_h") and not is_share(figure):
                shown = text("unit.hours_short", lang, n=shown)
            elif is_money(figure):
                shown = f"{shown} {money_unit(currency, lang)}"
            row[_column(scenario, lang)] = shown
        rows[title] = row
    shown = pd.DataFrame.from_dict(rows, orient="index")
    # part 4 has a column per price: a row per price reads better
    return shown.T if part == "threshold" else shown


def summary_currency() -> str:
    """The firms' currency."""
    return _firms().currency


def _column(scenario: str, lang: str) -> str:
    if scenario.startswith("full-system-x"):  # part 4's price levels
        factor = scenario.removeprefix("full-system-x")
        return f"{scenario_label('full-system', lang)} · {text('workshop.times', lang, n=factor)}"
    return scenario_label(scenario, lang)


def questions(part: str, facts: dict[str, Any], lang: str) -> Words:
    """The part's three questions, numbered (the handout's)."""
    asked = words.questions(part, facts, lang)
    lines = "\n".join(f"{i}. {q}" for i, q in enumerate(asked, 1))
    return Words(f"### {text('workshop.questions', lang)}\n\n{lines}")


def try_it(part: str, facts: dict[str, Any], lang: str) -> Words:
    """The exercise: what to change in the next cell."""
    return Words(f"### {text('workshop.try_it', lang)}\n\n{words.try_it(part, facts, lang)}")


def discuss(part: str, lang: str) -> Words:
    """Prompts for the room."""
    prompts = text(f"workshop.p{words.number(part)}.discuss", lang)
    return Words(f"### {text('workshop.discuss', lang)}\n\n{prompts}")
