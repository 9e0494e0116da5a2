"""Charts of weekly output: means over replications with confidence bands.

:func:`weekly_mean_ci` summarises a column of the ``weekly`` table per
scenario and week (mean and t confidence interval over the replications);
:func:`weekly_series` and :func:`insight_over_time` draw it as lines with
shaded bands, greying out the warm-up weeks; :func:`welch_plot` draws Welch's
moving average for choosing a warm-up (see ``sim.analysis.warmup``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from scipy import stats

from sim.charts._style import (
    _AXIS_COLOUR,
    CHART_TITLES,
    CI_LEVEL,
    _bottom_legend,
    _colours,
    _message_figure,
    _new_figure,
    _require,
    _scale,
    _styled,
    _suptitle,
    _value_formatter,
)
from sim.figures import figure_label, figure_title, scenario_order


def weekly_mean_ci(weekly: pd.DataFrame, figure: str, level: float = CI_LEVEL) -> pd.DataFrame:
    """Mean over replications per scenario and week with a t confidence interval.

    Parameters
    ----------
    weekly : pandas.DataFrame
        The ``weekly`` table (``scenario, replication, week, <figure>``).
    figure : str
        Column to summarise (values as stored, not rescaled).
    level : float, optional
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario, week, n, mean, ci_low, ci_high``, scenarios in
        order of first appearance, weeks ascending.  The interval is
        ``mean ± t(level, n - 1) · sd / sqrt(n)``; it is NaN when ``n < 2``.
    """
    _require(weekly, ["scenario", "week", figure], "weekly")
    table = weekly.assign(scenario=weekly["scenario"].astype(str))
    grouped = table.groupby(["scenario", "week"], sort=False)[figure]
    out = pd.DataFrame(
        {
            "n": grouped.count(),
            "mean": grouped.mean(),
            "sd": grouped.std(ddof=1),
        }
    ).reset_index()
    n = out["n"].to_numpy(dtype=float)
    df = np.where(n >= 2, n - 1, np.nan)
    t = np.full_like(n, np.nan)
    ok = np.isfinite(df)
    t[ok] = stats.t.ppf(0.5 + level / 2, df[ok])
    with np.errstate(invalid="ignore", divide="ignore"):
        half = t * out["sd"].to_numpy(dtype=float) / np.sqrt(n)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    rank = {s: i for i, s in enumerate(scenario_order(table))}
    out = out.assign(_rank=out["scenario"].map(rank)).sort_values(["_rank", "week"])
    return out.drop(columns=["sd", "_rank"]).reset_index(drop=True)


def _weekly_subtitle(weekly: pd.DataFrame) -> str:
    """Subtitle naming the replications behind the weekly means."""
    if "replication" in weekly.columns:
        n = int(weekly.groupby(weekly["scenario"].astype(str))["replication"].nunique().max())
        if n < 2:
            return "A single replication, so no confidence band"
        return f"Mean of {n} replications with {CI_LEVEL:.0%} confidence band"
    return f"Mean over replications with {CI_LEVEL:.0%} confidence band"


def _draw_weekly(fig: Figure, weekly: pd.DataFrame, figure: str) -> Axes:
    """Mean lines with CI bands per scenario and shaded warm-up weeks."""
    ax = fig.add_subplot()
    summary = weekly_mean_ci(weekly, figure)
    order = scenario_order(weekly)
    colours = _colours(order)
    scale = _scale(figure)
    handles: list[Any] = []
    labels: list[str] = []
    if "in_warmup" in weekly.columns:
        warm = weekly.loc[weekly["in_warmup"].eq(True), "week"]
        if not warm.empty:
            start, end = float(warm.min()) - 0.5, float(warm.max()) + 0.5
            span = ax.axvspan(start, end, color="#EEEEEE", zorder=0, linewidth=0)
            span.set_gid("warmup")
            ax.text(
                (start + end) / 2,
                0.98,
                "warm-up",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=14,
                color=_AXIS_COLOUR,
            )
            handles.append(Patch(color="#E4E4E4"))
            labels.append("Warm-up period")
    for scenario in order:
        rows = summary[summary["scenario"] == scenario]
        week = rows["week"].to_numpy(dtype=float)
        (line,) = ax.plot(week, rows["mean"].to_numpy(dtype=float) * scale, color=colours[scenario])
        low = rows["ci_low"].to_numpy(dtype=float) * scale
        high = rows["ci_high"].to_numpy(dtype=float) * scale
        if np.isfinite(low).any():
            band = ax.fill_between(
                week, low, high, color=colours[scenario], alpha=0.25, linewidth=0
            )
            band.set_gid(f"band:{scenario}")
            handles.append((Patch(color=colours[scenario], alpha=0.25, linewidth=0), line))
        else:
            handles.append(line)
        labels.append(scenario)
    ax.set_title(_weekly_subtitle(weekly), fontsize=15, fontweight="normal", color=_AXIS_COLOUR)
    ax.set_xlabel("Week")
    ax.set_ylabel(figure_label(figure))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(_value_formatter(figure))
    ax.margins(x=0.01)
    _bottom_legend(fig, handles, labels)
    return ax


@_styled
def weekly_series(weekly: pd.DataFrame, figure: str = "revenue") -> Figure:
    """Weekly mean over replications with a t confidence band per scenario.

    Parameters
    ----------
    weekly : pandas.DataFrame
        The ``weekly`` table.
    figure : str, optional
        Column to plot, e.g. ``"revenue"`` or ``"customers_active"``.

    Returns
    -------
    matplotlib.figure.Figure
        Lines of the mean per week with a shaded confidence band per scenario
        (see :func:`weekly_mean_ci`); warm-up weeks (``in_warmup``) are shaded
        grey.
    """
    if weekly.empty:
        raise ValueError("weekly table is empty")
    fig = _new_figure()
    _draw_weekly(fig, weekly, figure)
    _suptitle(fig, f"{figure_title(figure)} week by week")
    return fig


@_styled
def welch_plot(smoothed: pd.DataFrame, figure: str, warmup: int | None = None) -> Figure:
    """Welch's plot for choosing a warm-up: weekly mean and its moving average.

    Parameters
    ----------
    smoothed : pandas.DataFrame
        Columns ``scenario, week, mean, smoothed`` (``sim.analysis.welch_moving_average``
        per scenario).
    figure : str
        The weekly column that was smoothed (for labels and units).
    warmup : int, optional
        Weeks a rule (MSER-5) suggests discarding; drawn as a dashed line.

    Returns
    -------
    matplotlib.figure.Figure
        Thin lines: the mean over replications per week; thick lines: Welch's
        moving average, which flattens once the warm-up is over.
    """
    _require(smoothed, ["scenario", "week", "mean", "smoothed"], "smoothed")
    order = scenario_order(smoothed)
    colours = _colours(order)
    scale = _scale(figure)
    fig = _new_figure()
    ax = fig.add_subplot()
    handles, labels = [], []
    for scenario in order:
        rows = smoothed[smoothed["scenario"].astype(str) == scenario]
        ax.plot(rows["week"], rows["mean"] * scale, color=colours[scenario], alpha=0.35, lw=1.2)
        (line,) = ax.plot(rows["week"], rows["smoothed"] * scale, color=colours[scenario])
        line.set_gid(f"welch:{scenario}")
        handles.append(line)
        labels.append(scenario)
    if warmup:
        ax.axvline(warmup, color="#555555", linestyle="--", linewidth=1.5)
        ax.annotate(
            f"MSER-5: discard {warmup} weeks",
            xy=(warmup, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(6, -6),
            textcoords="offset points",
            va="top",
            color="#333333",
        )
    ax.set_xlabel("Week")
    ax.set_ylabel(figure_label(figure))
    ax.yaxis.set_major_formatter(_value_formatter(figure))
    _bottom_legend(fig, handles, labels)
    _suptitle(fig, f"Choosing the warm-up: {figure_title(figure)}, Welch's moving average")
    return fig


@_styled
def insight_over_time(weekly: pd.DataFrame) -> Figure:
    """Mean market insight per week and scenario with its confidence band.

    Parameters
    ----------
    weekly : pandas.DataFrame
        The ``weekly`` table with an ``insight`` column.

    Returns
    -------
    matplotlib.figure.Figure
        As :func:`weekly_series` for ``insight``; if insight is zero in every
        scenario and week, a figure that says so in words instead.
    """
    title = CHART_TITLES["insight_over_time"]
    if weekly.empty or "insight" not in weekly.columns:
        return _message_figure(
            title, "No weekly insight was recorded, so there is nothing to plot."
        )
    values = weekly["insight"].to_numpy(dtype=float)
    if not np.any(np.nan_to_num(values) != 0):
        return _message_figure(
            title,
            "Insight stays at zero in every scenario and every week: no scenario builds "
            "up market insight, so there is no curve to draw.",
        )
    fig = _new_figure()
    _draw_weekly(fig, weekly, "insight")
    _suptitle(fig, title)
    return fig
