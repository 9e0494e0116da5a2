"""What the app shows of an outcome, in either language: sentences, rows and pictures.

Plain functions of a :class:`sim.app.model.Outcome` and a language, shared by
the page (``sim.app.ui``) and its tests: the verdict (:func:`sim.story.verdict`,
the report's opening sentence), profit and customers won per firm with their
95% intervals and the paired difference, the weekly-cost readout, and the
charts (where the salespeople's hours go; profit and customers won) as PNG.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Final

import pandas as pd
from matplotlib.figure import Figure

from sim.app.model import Outcome
from sim.charts import key_figures, sales_time_use
from sim.figures import figure_title, is_money, money_unit, scenario_label
from sim.formatting import format_horizon, format_interval
from sim.i18n import DEFAULT_LANG, text
from sim.story import verdict

__all__ = [
    "SHOWN_FIGURES",
    "KeyRow",
    "cost_sentence",
    "figures_png",
    "firm_label",
    "key_rows",
    "run_note",
    "time_use_png",
    "verdict_lines",
]

#: The figures the app shows with their intervals, besides the hours.
SHOWN_FIGURES: Final = ("profit", "customers_won")
_DPI: Final = 100


@dataclass(frozen=True)
class KeyRow:
    """One figure: its title, each firm's mean [95% CI], and the paired difference."""

    figure: str
    title: str
    sales_only: str
    full_system: str
    difference: str


def verdict_lines(outcome: Outcome, lang: str = DEFAULT_LANG) -> list[str]:
    """The verdict on profit, as the report opens (one sentence)."""
    return verdict(outcome.summary, outcome.baseline, lang=lang, currency=outcome.currency)


def _with_unit(figure: str, shown: str, currency: str, lang: str) -> str:
    if not is_money(figure):
        return shown
    return f"{shown} {money_unit(currency, lang)}"


def _interval(outcome: Outcome, figure: str, row: pd.Series, column: str, lang: str) -> str:
    """``row``'s mean (or paired difference) and its interval, money with its currency."""
    low, high = ("ci_low", "ci_high") if column == "mean" else ("diff_low", "diff_high")
    shown = format_interval(
        figure,
        row[column],
        row[low],
        row[high],
        difference=column == "diff",
        lang=lang,
        currency=outcome.currency,
    )
    return _with_unit(figure, shown, outcome.currency, lang)


def key_rows(outcome: Outcome, lang: str = DEFAULT_LANG) -> list[KeyRow]:
    """Profit and customers won over the horizon, per firm and as the difference."""
    horizon = format_horizon(outcome.weeks, lang)
    alone, full = outcome.names
    rows = []
    for figure in SHOWN_FIGURES:
        base, other = outcome.row(figure, alone), outcome.row(figure, full)
        rows.append(
            KeyRow(
                figure=figure,
                title=text(
                    "notebook.figure_over", lang, title=figure_title(figure, lang), horizon=horizon
                ),
                sales_only=_interval(outcome, figure, base, "mean", lang),
                full_system=_interval(outcome, figure, other, "mean", lang),
                difference=_interval(outcome, figure, other, "diff", lang),
            )
        )
    return rows


def cost_sentence(
    costs: tuple[float, float] | None, currency: str, lang: str = DEFAULT_LANG
) -> str:
    """Whether the two firms still cost the same a week, and what each costs."""
    if costs is None:
        return text("app.cost.unknown", lang)
    alone, full = costs
    unit = money_unit(currency, lang)
    # a week's cost is a number an owner knows to the unit: 15,000 EUR, not 15.0 k EUR
    values = {
        name: f"{amount:,.0f} {unit}"
        for name, amount in (("alone", alone), ("full", full), ("diff", abs(full - alone)))
    }
    if abs(full - alone) < 0.5:
        return text("app.cost.same", lang, **values)
    key = "app.cost.full_more" if full > alone else "app.cost.full_less"
    return text(key, lang, **values)


def run_note(outcome: Outcome, lang: str = DEFAULT_LANG) -> str:
    """How the figures were made: replications, horizon, pairing, intervals."""
    return text(
        "app.run_note",
        lang,
        n=outcome.replications,
        horizon=format_horizon(outcome.weeks, lang),
    )


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI)
    return buffer.getvalue()


def time_use_png(outcome: Outcome, lang: str = DEFAULT_LANG) -> bytes:
    """Where the salespeople's hours go, both firms (the headline chart), as PNG."""
    return _png(sales_time_use(outcome.summary, lang=lang))


def figures_png(outcome: Outcome, lang: str = DEFAULT_LANG) -> bytes:
    """Profit and customers won per firm with 95% intervals, as PNG."""
    return _png(
        key_figures(
            outcome.table,
            list(SHOWN_FIGURES),
            lang=lang,
            currency=outcome.currency,
            weeks=outcome.weeks,
        )
    )


def firm_label(name: str, lang: str = DEFAULT_LANG) -> str:
    """A firm's name for a column heading."""
    return scenario_label(name, lang)
