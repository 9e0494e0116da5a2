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
from scipy import special

from sim.charts._style import (
    _AXIS_COLOUR,
    CI_LEVEL,
    _bottom_legend,
    _colours,
    _message_figure,
    _new_chart,
    _require,
    _scale,
    _styled,
    _value_formatter,
    chart_name,
    chart_subtitle,
)
from sim.figures import (
    figure_label,
    figure_title,
    figure_unit,
    is_money,
    scenario_label,
    scenario_order,
    scenario_subject,
)
from sim.formatting import format_value
from sim.i18n import DEFAULT_LANG, text

#: Weekly figures that count what happened in a week (the others are levels).
_FLOWS = frozenset(
    {
        "revenue",
        "revenue_new",
        "revenue_repeat",
        "leads",
        "customers_won",
        "customers_churned",
        "complaints",
    }
)
_LAST_WEEKS = 4  # the headline's "at the end": mean of the last weeks


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
    # scipy.stats.t.ppf, without importing scipy.stats (most of a second)
    t[ok] = special.stdtrit(df[ok], 0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = t * out["sd"].to_numpy(dtype=float) / np.sqrt(n)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    rank = {s: i for i, s in enumerate(scenario_order(table))}
    out = out.assign(_rank=out["scenario"].map(rank)).sort_values(["_rank", "week"])
    return out.drop(columns=["sd", "_rank"]).reset_index(drop=True)


def _weeks_measured(weekly: pd.DataFrame) -> float:
    """Weeks after the warm-up in the weekly table."""
    weeks = weekly["week"]
    if "in_warmup" in weekly.columns:
        weeks = weeks[~weekly["in_warmup"].astype(bool)]
    return float(weeks.nunique())


def _replications(weekly: pd.DataFrame) -> int | None:
    if "replication" not in weekly.columns:
        return None
    return int(weekly.groupby(weekly["scenario"].astype(str))["replication"].nunique().max())


def _weekly_subtitle(weekly: pd.DataFrame, lang: str) -> str:
    """Horizon, replications and band behind the weekly means."""
    n = _replications(weekly)
    band = "band" if n is None or n >= 2 else None
    return chart_subtitle(lang, weeks=_weeks_measured(weekly), replications=n, interval=band)


def _axis_label(figure: str, lang: str, currency: str | None) -> str:
    """Y label: flows per week, levels as they are."""
    if figure in _FLOWS:
        return text(
            "chart.axis.per_week",
            lang,
            title=figure_title(figure, lang),
            unit=figure_unit(figure, lang, currency),
        )
    return figure_label(figure, lang, currency)


def _end_headline(weekly: pd.DataFrame, figure: str, lang: str, currency: str | None) -> str:
    """Each scenario's mean over the last weeks, largest first."""
    summary = weekly_mean_ci(weekly, figure)
    last = summary[summary["week"] > summary["week"].max() - _LAST_WEEKS]
    means = last.groupby("scenario", sort=False)["mean"].mean().sort_values(ascending=False)
    values = text("list.separator", lang).join(
        text(
            "chart.title.value_in",
            lang,
            value=format_value(figure, v, lang=lang, currency=currency)
            + (f" {figure_unit(figure, lang, currency)}" if is_money(figure) else ""),
            scenario=scenario_subject(str(name), lang),
        )
        for name, v in means.items()
    )
    key = "chart.title.weekly_flow" if figure in _FLOWS else "chart.title.weekly_level"
    return text(key, lang, title=figure_title(figure, lang), n=_LAST_WEEKS, values=values)


def _draw_weekly(
    body: Any, weekly: pd.DataFrame, figure: str, lang: str, currency: str | None
) -> Axes:
    """Mean lines with CI bands per scenario and shaded warm-up weeks."""
    ax = body.add_subplot()
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
                text("chart.warmup", lang),
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=14,
                color=_AXIS_COLOUR,
            )
            handles.append(Patch(color="#E4E4E4"))
            labels.append(text("chart.warmup_period", lang))
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
        labels.append(scenario_label(scenario, lang))
    ax.set_xlabel(text("chart.axis.week", lang))
    ax.set_ylabel(_axis_label(figure, lang, currency))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(_value_formatter(figure, lang, currency))
    ax.margins(x=0.01)
    _bottom_legend(body, handles, labels)
    return ax


@_styled
def weekly_series(
    weekly: pd.DataFrame,
    figure: str = "revenue",
    *,
    lang: str = DEFAULT_LANG,
    currency: str | None = None,
) -> Figure:
    """Weekly mean over replications with a t confidence band per scenario.

    Parameters
    ----------
    weekly : pandas.DataFrame
        The ``weekly`` table.
    figure : str, optional
        Column to plot, e.g. ``"revenue"`` or ``"customers_active"``.
    lang : str, optional
        Language of the texts.
    currency : str, optional
        The scenarios' currency (money axes).

    Returns
    -------
    matplotlib.figure.Figure
        Lines of the mean per week with a shaded confidence band per scenario
        (see :func:`weekly_mean_ci`); warm-up weeks (``in_warmup``) are shaded
        grey.  The headline gives each scenario's mean over the last four weeks;
        the line under it the horizon and the replications.
    """
    if weekly.empty:
        raise ValueError("weekly table is empty")
    _require(weekly, ["scenario", "week", figure], "weekly")
    fig, body = _new_chart(
        _end_headline(weekly, figure, lang, currency), _weekly_subtitle(weekly, lang)
    )
    _draw_weekly(body, weekly, figure, lang, currency)
    return fig


@_styled
def welch_plot(
    smoothed: pd.DataFrame,
    figure: str,
    warmup: int | None = None,
    *,
    lang: str = DEFAULT_LANG,
    currency: str | None = None,
) -> Figure:
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
    lang : str, optional
        Language of the texts.
    currency : str, optional
        The scenarios' currency (money axes).

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
    weeks = float(smoothed["week"].nunique())
    fig, body = _new_chart(
        text("chart.title.welch", lang, title=figure_title(figure, lang)),
        chart_subtitle(lang, weeks=weeks),
    )
    ax = body.add_subplot()
    handles, labels = [], []
    for scenario in order:
        rows = smoothed[smoothed["scenario"].astype(str) == scenario]
        ax.plot(rows["week"], rows["mean"] * scale, color=colours[scenario], alpha=0.35, lw=1.2)
        (line,) = ax.plot(rows["week"], rows["smoothed"] * scale, color=colours[scenario])
        line.set_gid(f"welch:{scenario}")
        handles.append(line)
        labels.append(scenario_label(scenario, lang))
    if warmup:
        ax.axvline(warmup, color="#555555", linestyle="--", linewidth=1.5)
        ax.annotate(
            text("chart.mser_discard", lang, n=warmup),
            xy=(warmup, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(6, -6),
            textcoords="offset points",
            va="top",
            color="#333333",
        )
    ax.set_xlabel(text("chart.axis.week", lang))
    ax.set_ylabel(_axis_label(figure, lang, currency))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(_value_formatter(figure, lang, currency))
    _bottom_legend(body, handles, labels)
    return fig


@_styled
def insight_over_time(weekly: pd.DataFrame, *, lang: str = DEFAULT_LANG) -> Figure:
    """Mean market insight per week and scenario with its confidence band.

    Parameters
    ----------
    weekly : pandas.DataFrame
        The ``weekly`` table with an ``insight`` column.
    lang : str, optional
        Language of the texts.

    Returns
    -------
    matplotlib.figure.Figure
        As :func:`weekly_series` for ``insight``, with its scale explained in
        words under the headline (0: marketing knows nothing from customers;
        1: all it can learn) and the axis from 0 to 1; if insight is zero in
        every scenario and week, a figure that says so in words instead.
    """
    name = chart_name("insight_over_time", lang)
    if weekly.empty or "insight" not in weekly.columns:
        return _message_figure(name, text("chart.message.no_insight_column", lang))
    values = weekly["insight"].to_numpy(dtype=float)
    if not np.any(np.nan_to_num(values) != 0):
        return _message_figure(name, text("chart.message.insight_zero", lang))
    subtitle = _weekly_subtitle(weekly, lang) + "\n" + text("chart.insight_scale", lang)
    headline = _end_headline(weekly, "insight", lang, None)
    fig, body = _new_chart(headline, subtitle)
    ax = _draw_weekly(body, weekly, "insight", lang, None)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(text("chart.axis.insight", lang))
    return fig
