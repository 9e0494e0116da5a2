"""Each part's chart: the one a handout prints and a notebook shows first.

Parts 1 to 3 use the project's charts (``sim.charts``): where the hours go, the
wait before first contact with the speed-to-lead steps marked, and marketing's
insight week by week.  Part 4 draws :func:`threshold_chart`: the profit
difference against the cost per lead, with its interval and the break-even.
"""

from __future__ import annotations

import math
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.app.model import Firms
from sim.charts import insight_over_time, sales_time_use, wait_to_contact
from sim.charts._style import (
    OKABE_ITO,
    _bottom_legend,
    _MoneyFormatter,
    _new_chart,
    _styled,
    chart_subtitle,
)
from sim.experiments import Comparison
from sim.figures import scenario_subject
from sim.formatting import format_money
from sim.i18n import text
from sim.workshop.kit import default_firms, experiment

__all__ = ["part_chart", "threshold_chart"]


def part_chart(
    part: str,
    comparison: Comparison,
    facts: dict[str, Any],
    lang: str,
    firms: Firms | None = None,
) -> Figure:
    """The chart of one part, in ``lang``."""
    firms = firms if firms is not None else default_firms()
    if part == "hours":
        return sales_time_use(comparison.summary, lang=lang)
    if part == "speed":
        scenarios, _ = experiment(part, firms, fewer=facts["fewer"])
        shown = [s for s in scenarios if s.name in comparison.scenarios[:2]]
        leads = comparison.results.leads
        leads = leads[leads["scenario"].astype(str).isin([s.name for s in shown])]
        return wait_to_contact(
            leads, lang=lang, scenarios={s.name: s for s in shown}, weeks=facts["weeks"]
        )
    if part == "feedback":
        return insight_over_time(comparison.results.weekly, lang=lang)
    if part == "threshold":
        return threshold_chart(facts, lang)
    raise KeyError(f"no workshop part {part!r}")


@_styled
def threshold_chart(facts: dict[str, Any], lang: str) -> Figure:
    """The full system's profit minus the sales-only firm's against the cost per lead."""
    currency = facts["currency"]
    prices = facts["prices"]
    rows = facts["differences"]
    channel = text(f"app.channel.{facts['channel']}", lang)
    found = math.isfinite(facts["break_even"])
    price = format_money(round(facts["break_even"], -1), currency, lang) if found else ""
    if found:
        headline = text("workshop.chart.threshold_title", lang, price=price)
    else:
        ahead = scenario_subject("full-system" if facts["sign"] > 0 else "sales-only", lang)
        headline = text("workshop.chart.threshold_title_none", lang, ahead=ahead)
        headline = headline[:1].upper() + headline[1:] if lang == "en" else headline
    subtitle = chart_subtitle(
        lang, weeks=facts["weeks"], replications=facts["replications"], interval="band"
    )
    fig, body = _new_chart(headline, subtitle)
    ax = body.add_subplot()
    blue, orange = OKABE_ITO["blue"], OKABE_ITO["vermillion"]
    means = [r["mean"] for r in rows]
    ax.fill_between(
        prices, [r["low"] for r in rows], [r["high"] for r in rows], color=blue, alpha=0.2, lw=0
    )
    ax.plot(prices, means, color=blue, marker="o", lw=2.5)
    ax.axhline(0, color="#444444", lw=1.2)
    ax.axvline(facts["today"], color="#777777", lw=1.2, ls=":")
    ax.annotate(
        text("workshop.chart.threshold_today", lang),
        (facts["today"], 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(6, -6),
        textcoords="offset points",
        va="top",
        color="#555555",
    )
    handles = [Patch(color=blue, alpha=0.5)]
    labels = [text("workshop.chart.threshold_band", lang)]
    if found:
        low = facts["break_even_low"] if math.isfinite(facts["break_even_low"]) else prices[0]
        high = facts["break_even_high"] if math.isfinite(facts["break_even_high"]) else prices[-1]
        ax.axvspan(low, high, color=orange, alpha=0.12, lw=0)
        ax.axvline(facts["break_even"], color=orange, lw=2.5, ls="--")
        ax.annotate(
            price,
            (facts["break_even"], 0),
            xytext=(8, 12),
            textcoords="offset points",
            color=orange,
            fontweight="bold",
        )
    ax.set_xlabel(text("workshop.chart.threshold_x", lang, channel=channel, currency=currency))
    ax.set_ylabel(text("workshop.chart.threshold_y", lang, currency=currency))
    ax.yaxis.set_major_formatter(_MoneyFormatter(lang, currency))
    ax.xaxis.set_major_formatter(_MoneyFormatter(lang, None))
    ax.set_xticks(prices)
    _bottom_legend(body, handles, labels)
    return fig
