"""Charts of a sweep: effects of factors, the threshold map, break-even, sensitivity.

Each function takes a table of :mod:`sim.sweeps.analysis` or
:mod:`sim.sweeps.sensitivity` and returns a Figure, in the house style
(``_style``): :func:`factor_effect` (a figure against one factor, per scenario
and as the paired difference to the baseline), :func:`difference_heatmap` (the
paired difference over two factors, with the zero contour and the cells whose
confidence interval contains zero hatched), :func:`break_even_chart` (the
difference along one factor, where it crosses zero and the uncertainty of
that), and :func:`sensitivity_chart` (Sobol' or Morris indices, ranked).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.charts._style import (
    OKABE_ITO,
    _bottom_legend,
    _colours,
    _new_figure,
    _scale,
    _styled,
    _suptitle,
    _value_formatter,
)
from sim.figures import diff_unit, figure_label, figure_title
from sim.formatting import format_value

_ZERO = "#444444"


def _numeric(levels: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(levels) and not pd.api.types.is_bool_dtype(levels)


def _x_axis(ax: Axes, levels: pd.Series, scale: str, factor: str) -> dict[Any, float]:
    """Put the levels on the x axis; return where each level sits."""
    ordered = list(dict.fromkeys(levels.tolist()))
    if _numeric(levels):
        if scale == "log" and all(float(v) > 0 for v in ordered):
            ax.set_xscale("log")
        positions = {level: float(level) for level in ordered}
    else:
        positions = {level: float(i) for i, level in enumerate(ordered)}
        ax.set_xticks(list(positions.values()), [str(level) for level in ordered])
    ax.set_xlabel(factor)
    return positions


def _band(ax: Axes, rows: pd.DataFrame, x: dict[Any, float], colour: str, name: str) -> None:
    xs = [x[level] for level in rows["level"]]
    scale = _scale(name)
    ax.plot(xs, rows["mean"] * scale, color=colour, marker="o")
    ax.fill_between(
        xs, rows["ci_low"] * scale, rows["ci_high"] * scale, color=colour, alpha=0.18, lw=0
    )


@_styled
def factor_effect(
    effects: pd.DataFrame, factor: str, figure: str, baseline: str, scale: str = "linear"
) -> Figure:
    """A figure against one factor: per scenario (top), and minus the baseline (bottom)."""
    fig = _new_figure(height=9.0)
    top, bottom = fig.subplots(2, 1, sharex=True)
    values = effects[effects["kind"] == "value"]
    names = list(dict.fromkeys([baseline, *values["scenario"]]))
    colours = _colours(names)
    positions = _x_axis(bottom, effects["level"], scale, factor)
    for name in names:
        rows = values[values["scenario"] == name].sort_values("level")
        _band(top, rows, positions, colours[name], figure)
    top.set_ylabel(figure_label(figure))
    top.yaxis.set_major_formatter(_value_formatter(figure))
    differences = effects[effects["kind"] == "difference"]
    for name in names[1:]:
        rows = differences[differences["scenario"] == name].sort_values("level")
        _band(bottom, rows, positions, colours[name], figure)
    bottom.axhline(0, color=_ZERO, lw=1.2)
    bottom.set_ylabel(f"minus {baseline}\n({diff_unit(figure)})")
    bottom.yaxis.set_major_formatter(_value_formatter(figure))
    handles = [Patch(color=colours[name]) for name in names]
    _bottom_legend(fig, handles, [f"{name} (mean, 95% CI)" for name in names])
    _suptitle(fig, f"{figure_title(figure)} against {factor}")
    return fig


def _cell_edges(count: int) -> np.ndarray:
    return np.arange(count + 1) - 0.5


@_styled
def difference_heatmap(
    grid: pd.DataFrame, x: str, y: str, figure: str, scenario: str, baseline: str
) -> Figure:
    """The paired difference over two factors; the zero contour; hatched where the CI
    contains zero (the threshold's uncertainty)."""
    fig = _new_figure(height=8.0)
    ax = fig.add_subplot()
    xs = sorted(grid["x"].unique())
    ys = sorted(grid["y"].unique())
    shape = (len(ys), len(xs))
    mean = np.full(shape, np.nan)
    unsure = np.zeros(shape, dtype=bool)
    for row in grid.itertuples(index=False):
        i, j = ys.index(row.y), xs.index(row.x)
        mean[i, j] = row.diff * _scale(figure)
        unsure[i, j] = bool(row.diff_low <= 0 <= row.diff_high)
    finite = mean[np.isfinite(mean)]
    reach = float(np.abs(finite).max()) if finite.size and np.abs(finite).max() > 0 else 1.0
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-reach, vmax=reach)
    image = ax.pcolormesh(
        _cell_edges(len(xs)), _cell_edges(len(ys)), mean, cmap="RdBu", norm=norm, shading="flat"
    )
    for i, j in zip(*np.nonzero(unsure), strict=True):
        ax.fill_between(
            [j - 0.5, j + 0.5], i - 0.5, i + 0.5, facecolor="none", edgecolor=_ZERO, hatch="//",
            lw=0,
        )  # fmt: skip
    if len(xs) > 1 and len(ys) > 1 and np.nanmin(mean) < 0 < np.nanmax(mean):
        ax.contour(np.arange(len(xs)), np.arange(len(ys)), mean, levels=[0.0], colors="black",
                   linewidths=3.0)  # fmt: skip
    for i in range(len(ys)):
        for j in range(len(xs)):
            if np.isfinite(mean[i, j]):
                colour = "white" if abs(mean[i, j]) > 0.6 * reach else "black"
                ax.text(j, i, _short(mean[i, j], figure), ha="center", va="center",
                        fontsize=12, color=colour)  # fmt: skip
    ax.set_xticks(range(len(xs)), [_tick(v) for v in xs])
    ax.set_yticks(range(len(ys)), [_tick(v) for v in ys])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.grid(False)
    bar = fig.colorbar(image, ax=ax, format=_value_formatter(figure))
    bar.set_label(f"{scenario} minus {baseline} ({diff_unit(figure)})")
    handles = [
        Patch(facecolor="none", edgecolor=_ZERO, hatch="//"),
        Patch(facecolor="none", edgecolor="black", lw=3),
    ]
    _bottom_legend(fig, handles, ["95% CI contains zero", "break-even (mean difference = 0)"])
    _suptitle(fig, f"{figure_title(figure)}: {scenario} minus {baseline}")
    return fig


def _tick(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    if isinstance(value, float):
        return f"{value:,.3g}"
    return str(value)


def _short(value: float, figure: str) -> str:
    """A compact cell label: 1.2 M, -340 k, 12.5."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:+.1f} M"
    if abs(value) >= 1e3:
        return f"{value / 1e3:+.0f} k"
    return f"{value:+.1f}"


@_styled
def break_even_chart(
    curve: pd.DataFrame,
    factor: str,
    figure: str,
    scenario: str,
    baseline: str,
    found: Any,
    scale: str = "linear",
) -> Figure:
    """The paired difference along one factor, where it crosses zero and how sure that is."""
    fig = _new_figure()
    ax = fig.add_subplot()
    positions = _x_axis(ax, curve["level"], scale, factor)
    _band(ax, curve, positions, OKABE_ITO["blue"], figure)
    ax.axhline(0, color=_ZERO, lw=1.2)
    if found.found:
        low = found.low if math.isfinite(found.low) else min(positions.values())
        high = found.high if math.isfinite(found.high) else max(positions.values())
        ax.axvspan(low, high, color=OKABE_ITO["orange"], alpha=0.2, lw=0)
        ax.axvline(found.estimate, color=OKABE_ITO["vermillion"], lw=2.5, ls="--")
        text = f"break-even at {factor} = {format_value('', found.estimate)}"
    else:
        ahead = scenario if found.sign_before > 0 else baseline
        text = f"no break-even in range: {ahead} is ahead throughout"
    ax.set_ylabel(f"{scenario} minus {baseline}\n({diff_unit(figure)})")
    ax.yaxis.set_major_formatter(_value_formatter(figure))
    handles = [Patch(color=OKABE_ITO["blue"]), Patch(color=OKABE_ITO["orange"], alpha=0.3)]
    _bottom_legend(fig, handles, ["mean difference, 95% CI", "break-even range (CI contains 0)"])
    _suptitle(fig, f"{figure_title(figure)}: {text}")
    return fig


@_styled
def sensitivity_chart(table: pd.DataFrame, method: str, figure: str) -> Figure:
    """Sobol' S1 and ST (with CIs), or Morris mu* (with CI) and sigma, ranked."""
    fig = _new_figure(height=max(4.5, 1.0 + 0.7 * len(table)))
    ax = fig.add_subplot()
    ranked = table.iloc[::-1]
    positions = np.arange(len(ranked))
    pairs: list[tuple[str, str | None, str]]
    if method == "sobol":
        pairs = [("ST", "ST_conf", "total order ST"), ("S1", "S1_conf", "first order S1")]
        colours = [OKABE_ITO["blue"], OKABE_ITO["orange"]]
        xlabel = "share of the output's variance"
    else:
        pairs = [("mu_star", "mu_star_conf", "mu* (mean |effect|)"), ("sigma", None, "sigma")]
        colours = [OKABE_ITO["blue"], OKABE_ITO["orange"]]
        xlabel = f"effect on the {figure_title(figure).lower()} difference per factor range"
    height = 0.38
    for k, (column, error, _label) in enumerate(pairs):
        ax.barh(
            positions + (0.5 - k) * height,
            ranked[column],
            height=height,
            xerr=None if error is None else ranked[error],
            color=colours[k],
            error_kw={"ecolor": _ZERO, "capsize": 4, "lw": 1.2},
        )
    ax.set_yticks(positions, ranked["factor"].tolist())
    ax.axvline(0, color=_ZERO, lw=1.0)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(xlabel)
    if method != "sobol":
        ax.xaxis.set_major_formatter(_value_formatter(figure))
    _bottom_legend(fig, [Patch(color=c) for c in colours], [label for *_, label in pairs])
    title = "Sobol' indices" if method == "sobol" else "Morris screening"
    _suptitle(fig, f"{title}: which assumption carries {figure_title(figure).lower()}")
    return fig


__all__ = ["break_even_chart", "difference_heatmap", "factor_effect", "sensitivity_chart"]
