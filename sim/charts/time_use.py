"""The headline chart: where the salespeople's working hours go.

:func:`sales_time_use` draws one stacked horizontal bar per scenario that
splits the salespeople's hours into selling, cold prospecting, servicing
customers, expediting and idle time, averaged over the replications.  Its
headline states the selling shares; beside each bar, the wasted sales capacity
(every hour not spent selling) is split into its two parts, non-selling work
and idle time, which is how flocksim tells the story everywhere
(``docs/idle_time.md``).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.charts._style import (
    _AXIS_COLOUR,
    SALES_CATEGORY_COLOURS,
    _bottom_legend,
    _new_chart,
    _require,
    _styled,
    _text_colour_on,
    _wrap,
    chart_subtitle,
    sentence,
)
from sim.figures import (
    NONSELLING_WORK_CATEGORIES,
    SALES_CATEGORIES,
    SALES_SHARE_COLUMNS,
    sales_category_title,
    sales_share_column,
    scenario_label,
    scenario_order,
    scenario_subject,
)
from sim.formatting import format_percent
from sim.i18n import DEFAULT_LANG, text

_MIN_SEGMENT_LABEL: Final = 3.0  # % of hours; narrower segments stay unlabelled


def selling_headline(means: pd.Series, lang: str = DEFAULT_LANG) -> str:
    """The time-use chart's message: each scenario's selling share, highest first.

    Parameters
    ----------
    means : pandas.Series
        Mean selling share (fraction) by scenario name, in scenario order.
    lang : str, optional
        Language.

    Returns
    -------
    str
        With two scenarios, e.g. "The full system sells 71% of its sales
        hours; the sales-only firm 32%"; otherwise a list of all of them.
    """
    shares = means.dropna()
    if len(shares) == 2:
        (first, a), (second, b) = sorted(shares.items(), key=lambda item: -item[1])
        return sentence(
            text(
                "chart.title.sales_time_use_two",
                lang,
                first=scenario_subject(str(first), lang),
                first_share=format_percent(a),
                second=scenario_subject(str(second), lang),
                second_share=format_percent(b),
            ),
            lang,
        )
    parts = [
        text(
            "chart.title.share_of",
            lang,
            scenario=scenario_label(str(name), lang),
            share=format_percent(value),
        )
        for name, value in shares.items()
    ]
    return text(
        "chart.title.sales_time_use_many", lang, shares=text("list.separator", lang).join(parts)
    )


@_styled
def sales_time_use(
    summary: pd.DataFrame, *, lang: str = DEFAULT_LANG, weeks: float | None = None
) -> Figure:
    """Stacked bar per scenario of how the salespeople spend their hours.

    Parameters
    ----------
    summary : pandas.DataFrame
        The ``summary`` table (one row per replication) with the five
        ``sales_share_*`` columns as fractions (and ``weeks``, the horizon, if
        ``weeks`` is not given).
    lang : str, optional
        Language of the texts.
    weeks : float, optional
        Weeks the shares cover (default: the summary's ``weeks``).

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal stacked bar per scenario (first scenario on top) of the
        mean shares over replications, in %, with each wide enough segment
        labelled with its value, and beside each bar its wasted sales capacity
        split into non-selling work and idle time.  The headline states the
        selling shares.

    Raises
    ------
    KeyError
        If a required column is missing.
    ValueError
        If the table is empty.
    """
    columns = list(SALES_SHARE_COLUMNS)
    _require(summary, ["scenario", *columns], "summary")
    if summary.empty:
        raise ValueError("summary table is empty")
    order = scenario_order(summary)
    table = summary.assign(scenario=summary["scenario"].astype(str))
    means = table.groupby("scenario", sort=False)[columns].mean().reindex(order) * 100.0
    n_reps = table.groupby("scenario", sort=False).size()
    if weeks is None and "weeks" in summary.columns:
        weeks = float(summary["weeks"].max())

    headline = selling_headline(means[sales_share_column("selling")] / 100, lang)
    subtitle = chart_subtitle(lang, weeks=weeks, replications=int(n_reps.max()))
    fig, body = _new_chart(headline, subtitle, height=3.2 + 1.35 * len(order))
    ax = body.add_subplot()
    y = np.arange(len(order), dtype=float)
    left = np.zeros(len(order))
    for category in SALES_CATEGORIES:
        colour = SALES_CATEGORY_COLOURS[category]
        widths = means[sales_share_column(category)].fillna(0.0).to_numpy(dtype=float)
        ax.barh(
            y,
            widths,
            left=left,
            height=0.62,
            color=colour,
            label=sales_category_title(category, lang),
            edgecolor="white",
            linewidth=1.5,
        )
        for yi, x0, width in zip(y, left, widths, strict=True):
            if width >= _MIN_SEGMENT_LABEL:
                ax.text(
                    x0 + width / 2,
                    yi,
                    format_percent(width / 100),
                    ha="center",
                    va="center",
                    fontsize=16 if width >= 6 else 13,
                    fontweight="bold",
                    color=_text_colour_on(colour),
                )
        left = left + widths

    work = sum(means[sales_share_column(c)].fillna(0.0) for c in NONSELLING_WORK_CATEGORIES)
    idle = means[sales_share_column("idle")].fillna(0.0)
    for yi, scenario in zip(y, order, strict=True):
        ax.annotate(
            text(
                "chart.wasted_parts",
                lang,
                wasted=format_percent((work[scenario] + idle[scenario]) / 100),
                work=format_percent(work[scenario] / 100),
                idle=format_percent(idle[scenario] / 100),
            ),
            (1.0, yi),
            xycoords=("axes fraction", "data"),
            xytext=(12, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=14,
            color=_AXIS_COLOUR,
            linespacing=1.3,
        )

    ax.set_yticks(y, [_wrap(scenario_label(s, lang)) for s in order])
    ax.invert_yaxis()
    ax.set_xlim(0, max(100.0, float(left.max()) if left.size else 100.0))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel(text("chart.axis.sales_hours_share", lang))
    ax.grid(False)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    _bottom_legend(body, handles, labels)
    return fig
