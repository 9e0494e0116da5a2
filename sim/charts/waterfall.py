"""Waterfall chart: from scenario A's figure to scenario B's, group by group.

:func:`waterfall` reads the rows of one figure of ``sim.explain``'s
contributions table (kinds ``start``, ``group``, ``total``, ``end``) and draws
horizontal bars, top to bottom: A's mean, then each group's Shapley value as a
step from where the previous one ended (blue where it moves the figure up, red
where down: the colours of the sweeps' threshold maps), then B's mean. Each
step has its 95% confidence interval across replications at its end, and a
label with its value. The headline names the group that carries most of the
difference.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.charts._style import (
    _AXIS_COLOUR,
    _bottom_legend,
    _colours,
    _message_figure,
    _new_chart,
    _require,
    _scale,
    _styled,
    _value_formatter,
    chart_subtitle,
)
from sim.charts.comparison import _short_number
from sim.figures import figure_label, figure_title, scenario_label, scenario_subject
from sim.i18n import DEFAULT_LANG, has_text, text

#: Up and down steps (the ends of RdBu, as in the threshold maps of a sweep).
UP, DOWN = "#2166AC", "#B2182B"


def group_label(name: str, lang: str = DEFAULT_LANG) -> str:
    """A group's name in ``lang`` (the mechanisms of MODEL.md are translated)."""
    key = "explain.group." + name.replace(" ", "_")
    return text(key, lang) if has_text(key, lang) else name


def headline(rows: pd.DataFrame, lang: str = DEFAULT_LANG, currency: str | None = None) -> str:
    """The chart's message: how far B is from A, and which group carries most of it."""
    figure = str(rows["figure"].iloc[0])
    by_kind = {kind: part for kind, part in rows.groupby("kind", sort=False)}
    a = str(by_kind["start"]["group"].iloc[0])
    b = str(by_kind["end"]["group"].iloc[0])
    total = by_kind["total"].iloc[0]
    values = {
        "a": scenario_subject(a, lang),
        "b": scenario_label(b, lang),
        "figure": figure_title(figure, lang).lower()
        if lang == "en"
        else figure_title(figure, lang),
        "total": _short_number(
            figure, abs(float(total["mean"])) * _scale(figure), False, lang, currency
        ),
    }
    groups = by_kind.get("group")
    if groups is None or groups.empty or float(total["mean"]) == 0.0:
        return text("explain.chart.headline_none", lang, **values)
    same_sign = groups[np.sign(groups["mean"]) == np.sign(float(total["mean"]))]
    top = (same_sign if not same_sign.empty else groups).loc[lambda t: t["mean"].abs().idxmax()]
    label = group_label(str(top["group"]), lang)
    if lang == "en" and label != str(top["group"]):  # a mechanism's name, mid-sentence
        label = label[:1].lower() + label[1:]
    values["group"] = label
    values["value"] = _short_number(
        figure, float(top["mean"]) * _scale(figure), True, lang, currency
    )
    key = "explain.chart.headline_up" if float(total["mean"]) > 0 else "explain.chart.headline_down"
    return text(key, lang, **values)


@_styled
def waterfall(
    contributions: pd.DataFrame,
    figure: str = "profit",
    *,
    lang: str = DEFAULT_LANG,
    currency: str | None = None,
    weeks: float | None = None,
) -> Figure:
    """From A's mean of ``figure`` to B's, one step per group of settings.

    Parameters
    ----------
    contributions : pandas.DataFrame
        ``Explanation.contributions`` (``figure, kind, group, n, mean, ci_low,
        ci_high``); only the rows of ``figure`` are drawn.
    figure : str, optional
        The figure to draw.
    lang : str, optional
        Language of the texts.
    currency : str, optional
        The scenarios' currency.
    weeks : float, optional
        Weeks the figure covers, stated under the headline.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _require(
        contributions, ["figure", "kind", "group", "n", "mean", "ci_low", "ci_high"], "explain"
    )
    rows = contributions[contributions["figure"] == figure].reset_index(drop=True)
    name = text("explain.chart.name", lang)
    if rows.empty:
        return _message_figure(name, text("explain.chart.no_figure", lang, figure=figure))
    start = rows[rows["kind"] == "start"].iloc[0]
    end = rows[rows["kind"] == "end"].iloc[0]
    steps = rows[rows["kind"] == "group"]
    scale = _scale(figure)
    a, b = str(start["group"]), str(end["group"])
    colours = _colours([a, b])
    labels = [scenario_label(a, lang)]
    labels += [group_label(str(group), lang) for group in steps["group"]]
    labels.append(scenario_label(b, lang))
    n = int(rows["n"].max())
    subtitle = "\n".join(
        [
            chart_subtitle(lang, weeks=weeks, replications=n),
            text("explain.chart.subtitle", lang, level="95%"),
        ]
    )
    fig, body = _new_chart(
        headline(rows, lang, currency), subtitle, height=3.2 + 0.62 * (len(steps) + 2)
    )
    ax = body.subplots()
    y = np.arange(len(labels), dtype=float)
    ax.barh(y[0], float(start["mean"]) * scale, color=colours[a], height=0.6)
    ax.barh(y[-1], float(end["mean"]) * scale, color=colours[b], height=0.6)
    level = float(start["mean"]) * scale
    ends, whiskers = [level], []
    for row, (_, step) in zip(y[1:-1], steps.iterrows(), strict=True):
        value = float(step["mean"]) * scale
        ax.barh(row, value, left=level, color=UP if value >= 0 else DOWN, height=0.6)
        low, high = float(step["ci_low"]) * scale, float(step["ci_high"]) * scale
        if math.isfinite(low) and math.isfinite(high):
            whiskers += [level + low, level + high]
            ax.errorbar(
                level + value,
                row,
                xerr=[[max(value - low, 0.0)], [max(high - value, 0.0)]],
                fmt="none",
                ecolor="black",
                elinewidth=1.8,
                capsize=5,
                capthick=1.8,
            )
        label = _short_number(figure, value, True, lang, currency)
        far = max(level + value, level + high if math.isfinite(high) else level + value)
        near = min(level + value, level + low if math.isfinite(low) else level + value)
        ax.annotate(
            label,
            (far if value >= 0 else near, row),
            xytext=(8 if value >= 0 else -8, 0),
            textcoords="offset points",
            ha="left" if value >= 0 else "right",
            va="center",
            fontsize=13,
        )
        ax.plot([level, level], [row - 1.3, row + 0.3], color=_AXIS_COLOUR, lw=0.8, ls=":")
        level += value
        ends.append(level)
    for row, value in ((y[0], float(start["mean"]) * scale), (y[-1], float(end["mean"]) * scale)):
        ax.annotate(
            _short_number(figure, value, False, lang, currency),
            (value, row),
            xytext=(8 if value >= 0 else -8, 0),
            textcoords="offset points",
            ha="left" if value >= 0 else "right",
            va="center",
            fontsize=13,
            fontweight="bold",
        )
    ax.axvline(0, color=_AXIS_COLOUR, lw=1.2)
    reach = [0.0, *ends, *whiskers, float(end["mean"]) * scale]
    finite = [v for v in reach if math.isfinite(v)]
    span = (max(finite) - min(finite)) or 1.0
    # room for the labels beside the bars, but no empty stretch left of zero
    left = min(finite) - 0.18 * span if min(finite) < 0 else 0.0
    ax.set_xlim(left, max(finite) + 0.22 * span)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(_value_formatter(figure, lang, currency))
    ax.set_xlabel(figure_label(figure, lang, currency))
    _bottom_legend(
        body,
        [Patch(color=UP), Patch(color=DOWN)],
        [text("explain.chart.up", lang), text("explain.chart.down", lang)],
    )
    return fig


__all__ = ["DOWN", "UP", "group_label", "headline", "waterfall"]
