"""The headline chart: where the salespeople's working hours go.

:func:`sales_time_use` draws one stacked horizontal bar per scenario that
splits the salespeople's hours into selling, cold prospecting, servicing
customers, expediting and idle time, averaged over the replications.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.charts._style import (
    CHART_TITLES,
    SALES_CATEGORY_COLOURS,
    _bottom_legend,
    _new_figure,
    _require,
    _styled,
    _suptitle,
    _text_colour_on,
    _wrap,
)
from sim.figures import (
    SALES_CATEGORIES,
    SALES_CATEGORY_TITLES,
    SALES_SHARE_COLUMNS,
    sales_share_column,
    scenario_order,
)
from sim.formatting import format_percent

_MIN_SEGMENT_LABEL: Final = 3.0  # % of hours; narrower segments stay unlabelled


@_styled
def sales_time_use(summary: pd.DataFrame) -> Figure:
    """Stacked bar per scenario of how the salespeople spend their hours.

    Parameters
    ----------
    summary : pandas.DataFrame
        The ``summary`` table (one row per replication) with the five
        ``sales_share_*`` columns as fractions.

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal stacked bar per scenario (first scenario on top) of the
        mean shares over replications, in %, with each wide enough segment
        labelled with its value.

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
    means = (
        summary.assign(scenario=summary["scenario"].astype(str))
        .groupby("scenario", sort=False)[columns]
        .mean()
        .reindex(order)
        * 100.0
    )
    n_reps = summary.groupby(summary["scenario"].astype(str), sort=False).size()

    fig = _new_figure(height=2.6 + 1.25 * len(order))
    ax = fig.add_subplot()
    y = np.arange(len(order), dtype=float)
    left = np.zeros(len(order))
    for category in SALES_CATEGORIES:
        colour = SALES_CATEGORY_COLOURS[category]
        label = SALES_CATEGORY_TITLES[category]
        widths = means[sales_share_column(category)].fillna(0.0).to_numpy(dtype=float)
        ax.barh(
            y,
            widths,
            left=left,
            height=0.62,
            color=colour,
            label=label,
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

    tick_labels = [f"{_wrap(s)}\n(n = {n_reps.get(s, 0)})" for s in order]
    ax.set_yticks(y, tick_labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(100.0, float(left.max()) if left.size else 100.0))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel("Share of the salespeople's working hours (%), mean over replications")
    ax.grid(False)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    _bottom_legend(fig, handles, labels)
    _suptitle(fig, CHART_TITLES["sales_time_use"])
    return fig
