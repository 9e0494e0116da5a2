"""Tests of sim.charts on small synthetic tables (no simulation involved)."""

from __future__ import annotations

import io
import logging
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from fakes import CHART_NAMES, SHARES, comparison_frame
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import FillBetweenPolyCollection, LineCollection
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim import charts

MINUS = "\N{MINUS SIGN}"
T_975_DF2 = 4.302652729911275  # Student t quantile 0.975 with 2 degrees of freedom

# --------------------------------------------------------------------------
# Synthetic tables
# --------------------------------------------------------------------------


def make_summary() -> pd.DataFrame:
    """Two scenarios x three replications; "full_system" deliberately listed first."""
    rows = []
    shares = {
        "full_system": [
            [0.50, 0.05, 0.10, 0.02, 0.33],
            [0.55, 0.05, 0.10, 0.02, 0.28],
            [0.60, 0.05, 0.10, 0.02, 0.23],
        ],
        "sales_only": [
            [0.20, 0.40, 0.20, 0.10, 0.10],
            [0.30, 0.30, 0.20, 0.10, 0.10],
            [0.25, 0.35, 0.20, 0.10, 0.10],
        ],
    }
    for scenario, reps in shares.items():
        for rep, values in enumerate(reps):
            row = {"scenario": scenario, "replication": rep, "revenue": 1000.0 * (rep + 1)}
            row.update(dict(zip(SHARES, values, strict=True)))
            rows.append(row)
    return pd.DataFrame(rows)


def make_comparison() -> pd.DataFrame:
    """Comparison table with sales_only as baseline (NaN differences)."""
    nan = math.nan
    rows = [
        ("revenue", "sales_only", 3, 800_000.0, 780_000.0, 820_000.0, nan, nan, nan, nan, nan),
        ("revenue", "full_system", 3, 1_000_000.0, 950_000.0, 1_050_000.0, 200_000.0,
         150_000.0, 250_000.0, 0.25, 1.0),
        ("profit", "sales_only", 3, 150_000.0, 140_000.0, 160_000.0, nan, nan, nan, nan, nan),
        ("profit", "full_system", 3, 120_000.0, 100_000.0, 140_000.0, -30_000.0, -45_000.0,
         -15_000.0, -0.2, 0.0),
        ("wasted_sales_capacity", "sales_only", 3, 0.45, 0.43, 0.47, nan, nan, nan, nan, nan),
        ("wasted_sales_capacity", "full_system", 3, 0.30, 0.28, 0.32, -0.15, -0.17, -0.13,
         -0.333, 1.0),
        ("customers_won", "sales_only", 3, 40.0, 36.0, 44.0, nan, nan, nan, nan, nan),
        ("customers_won", "full_system", 3, 55.0, 50.0, 60.0, 15.0, 10.0, 20.0, 0.375, 1.0),
    ]  # fmt: skip
    return comparison_frame(rows)


def make_weekly(warmup_weeks: int = 1) -> pd.DataFrame:
    """Two scenarios x three replications x three weeks with simple known values."""
    rows = []
    for s_index, scenario in enumerate(["sales_only", "full_system"]):
        for rep in range(3):
            for week in range(3):
                rows.append(
                    {
                        "scenario": scenario,
                        "replication": rep,
                        "week": week,
                        "in_warmup": week < warmup_weeks,
                        # week w, replication r: 100 * (w + 1) + 10 * r (+ 1000 for s 1)
                        "revenue": 100.0 * (week + 1) + 10.0 * rep + 1000.0 * s_index,
                        "customers_active": 10 + week + rep + 5 * s_index,
                        "insight": 0.1 * week * s_index,
                        **{c: 0.2 for c in SHARES},
                    }
                )
    return pd.DataFrame(rows)


def make_leads() -> pd.DataFrame:
    """Leads of two scenarios and two replications each with known outcomes."""
    nan = math.nan
    # (scenario, replication, contacted_h, qualified, outcome, lost_reason, wait_h)
    spec = [
        ("sales_only", 0, 5.0, True, "won", "", 4.0),
        ("sales_only", 0, 9.0, False, "lost", "unqualified", 8.0),
        ("sales_only", 0, nan, False, "abandoned", "", 30.0),
        ("sales_only", 0, nan, False, "abandoned", "", 40.0),
        ("sales_only", 1, 3.0, True, "lost", "no_deal", 2.0),
        ("sales_only", 1, 2.0, True, "open", "", 1.0),
        ("full_system", 0, 1.0, True, "won", "", 0.5),
        ("full_system", 0, 1.5, True, "won", "", 0.0),
        ("full_system", 1, 2.0, False, "lost", "unqualified", 1.5),
        ("full_system", 1, nan, False, "open", "", nan),
    ]
    rows = [
        {
            "scenario": s,
            "replication": r,
            "lead_id": i,
            "source": "organic",
            "channel": "",
            "segment": "a",
            "created_h": 0.0,
            "contacted_h": c,
            "qualified": q,
            "closed_h": nan,
            "outcome": o,
            "lost_reason": lr,
            "value": 100.0 if o == "won" else nan,
            "intent": 0.5,
            "wait_h": w,
        }
        for i, (s, r, c, q, o, lr, w) in enumerate(spec)
    ]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def bar_containers(ax) -> list[BarContainer]:
    return [c for c in ax.containers if isinstance(c, BarContainer)]


def errorbar_extents(ax) -> list[tuple[float, float, float]]:
    """(x, low, high) of every vertical error bar in the axes."""
    out = []
    for container in ax.containers:
        if not isinstance(container, ErrorbarContainer):
            continue
        for collection in container[2]:
            assert isinstance(collection, LineCollection)
            for seg in collection.get_segments():
                out.append((float(seg[0, 0]), float(seg[0, 1]), float(seg[1, 1])))
    return sorted(out)


def all_texts(fig: Figure) -> str:
    text = " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))
    return " ".join(text.split())  # undo line wrapping


def legend_labels(fig: Figure) -> list[str]:
    legends = list(fig.legends) + [leg for sub in fig.subfigs for leg in sub.legends]
    legends += [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    return [t.get_text() for legend in legends for t in legend.get_texts()]


def subtitle(fig: Figure) -> str:
    """The grey line under the headline (the body subfigure's title)."""
    return " ".join(sub.get_suptitle() for sub in fig.subfigs)


# --------------------------------------------------------------------------
# Labels and units
# --------------------------------------------------------------------------


def test_figure_labels_carry_units():
    assert charts.FIGURE_LABELS["revenue"] == "Revenue (money units)"
    assert charts.FIGURE_LABELS["wasted_sales_capacity"] == "Wasted sales capacity (%)"
    assert charts.figure_label("mean_wait_to_contact_h").endswith("(working hours)")
    assert charts.figure_label("utilisation_sales").endswith("(%)")
    assert charts.figure_label("some_new_column") == "Some new column (count)"


@pytest.mark.parametrize(
    ("name", "share"),
    [
        ("sales_share_idle", True),
        ("wasted_sales_capacity", True),
        ("conversion_rate", True),
        ("utilisation_service", True),
        ("revenue", False),
        ("customers_won", False),
    ],
)
def test_is_share(name, share):
    assert charts.is_share(name) is share


def test_scenario_order_is_first_appearance():
    a = pd.DataFrame({"scenario": ["zeta", "alpha", "zeta"]})
    b = pd.DataFrame({"scenario": ["beta", "alpha"]})
    assert charts.scenario_order(a, None, b) == ["zeta", "alpha", "beta"]


# --------------------------------------------------------------------------
# Headline chart
# --------------------------------------------------------------------------


def test_sales_time_use_bars_equal_mean_shares():
    summary = make_summary()
    fig = charts.sales_time_use(summary)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    containers = bar_containers(ax)
    assert [c.get_label() for c in containers] == [
        "Selling",
        "Cold prospecting",
        "Servicing customers",
        "Expediting",
        "Idle",
    ]
    means = summary.groupby("scenario", sort=False)[SHARES].mean() * 100
    for container, column in zip(containers, SHARES, strict=True):
        rects: list[Rectangle] = list(container.patches)
        # bar i belongs to the i-th scenario in order of first appearance
        widths = [r.get_width() for r in sorted(rects, key=lambda r: r.get_y())]
        assert widths == pytest.approx(means[column].loc[["full_system", "sales_only"]])
    # the segments of each bar are stacked end to end and fill 100 %
    lefts = {}
    for container in containers:
        for r in container.patches:
            y = round(r.get_y(), 6)
            assert r.get_x() == pytest.approx(lefts.get(y, 0.0))
            lefts[y] = r.get_x() + r.get_width()
    assert list(lefts.values()) == pytest.approx([100.0, 100.0])


def test_sales_time_use_order_legend_and_labels():
    fig = charts.sales_time_use(make_summary())
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0].startswith("full_system")  # first appearance first
    assert ax.yaxis_inverted()  # ... and on top
    assert legend_labels(fig) == [
        "Selling",
        "Cold prospecting",
        "Servicing customers",
        "Expediting",
        "Idle",
    ]
    assert "(%)" in ax.get_xlabel()
    # the headline states the message: selling shares, highest first
    assert fig.get_suptitle() == "full_system sells 55% of its sales hours; sales_only 25%"
    assert "mean of 3 replications" in subtitle(fig)
    segment_labels = {t.get_text() for t in ax.texts}
    assert "55%" in segment_labels  # full_system selling
    assert "2%" not in segment_labels  # too narrow to label


def test_sales_time_use_requires_columns():
    with pytest.raises(KeyError, match="sales_share_idle"):
        charts.sales_time_use(make_summary().drop(columns="sales_share_idle"))


# --------------------------------------------------------------------------
# Comparison charts
# --------------------------------------------------------------------------


def test_key_figures_panels_bars_and_error_bars():
    comparison = make_comparison()
    fig = charts.key_figures(comparison)
    assert len(fig.axes) == 4
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Revenue", "Profit", "Wasted sales capacity", "Customers won"]
    units = [ax.get_ylabel() for ax in fig.axes]
    assert units == ["money units", "money units", "%", "customers"]
    for ax, figure in zip(fig.axes, charts.DEFAULT_FIGURES, strict=True):
        rows = comparison[comparison["figure"] == figure]
        scale = 100.0 if charts.is_share(figure) else 1.0
        (bars,) = bar_containers(ax)
        heights = [r.get_height() for r in bars.patches]
        assert heights == pytest.approx(rows["mean"].to_numpy() * scale)
        extents = errorbar_extents(ax)
        assert [e[1] for e in extents] == pytest.approx(rows["ci_low"].to_numpy() * scale)
        assert [e[2] for e in extents] == pytest.approx(rows["ci_high"].to_numpy() * scale)
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        assert ticks == ["sales_only", "full_system"]


def test_key_figures_selected_and_missing_figures(caplog):
    comparison = make_comparison()
    with caplog.at_level(logging.WARNING, logger="sim.charts"):
        fig = charts.key_figures(comparison, ["profit", "not_there"])
    assert len(fig.axes) == 1
    assert "not_there" in caplog.text
    with pytest.raises(ValueError, match="none of the figures"):
        charts.key_figures(comparison, ["not_there"])


def test_key_figures_skips_error_bar_without_finite_ci():
    comparison = make_comparison()
    comparison.loc[comparison["scenario"] == "full_system", ["ci_low", "ci_high"]] = [
        -math.inf,
        math.inf,
    ]
    fig = charts.key_figures(comparison, ["revenue"])
    extents = errorbar_extents(fig.axes[0])
    assert len(extents) == 1
    assert extents[0][1:] == pytest.approx((780_000.0, 820_000.0))


def make_three_scenario_comparison() -> pd.DataFrame:
    """The comparison table with a third scenario, a copy of full_system."""
    comparison = make_comparison()
    third = comparison[comparison["scenario"] == "full_system"].assign(scenario="third")
    return pd.concat([comparison, third], ignore_index=True)


def test_paired_differences_with_two_scenarios_is_one_compact_panel():
    comparison = make_comparison()
    fig = charts.paired_differences(comparison, currency="EUR")
    assert len(fig.axes) == 1
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Revenue",
        "Profit",
        "Wasted sales capacity",
        "Customers won",
    ]
    dots = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
    # relative change: diff / baseline mean, in %
    assert dots["diff:revenue"].get_xdata()[0] == pytest.approx(25.0)
    assert dots["diff:profit"].get_xdata()[0] == pytest.approx(-20.0)
    assert dots["diff:wasted_sales_capacity"].get_xdata()[0] == pytest.approx(-0.15 / 0.45 * 100)
    labels = {t.get_text() for t in ax.texts}
    assert "+200 k EUR" in labels
    assert f"{MINUS}30.0 k EUR" in labels
    assert f"{MINUS}15.0 pp: 45% → 30%" in labels
    assert "+15.0" in labels
    assert "sales_only" in ax.get_xlabel()
    assert fig.get_suptitle().replace("\n", " ") == (
        "full_system makes less profit than sales_only in 3 of 3 paired replications"
    )


def test_paired_differences_dots_intervals_and_labels():
    comparison = make_three_scenario_comparison()
    fig = charts.paired_differences(comparison)
    assert len(fig.axes) == 4
    for ax, figure in zip(fig.axes, charts.DEFAULT_FIGURES, strict=True):
        row = comparison[
            (comparison["figure"] == figure) & (comparison["scenario"] == "full_system")
        ]
        scale = 100.0 if charts.is_share(figure) else 1.0
        extent = errorbar_extents(ax)[0]  # the first non-baseline scenario
        assert extent[1] == pytest.approx(row["diff_low"].iloc[0] * scale)
        assert extent[2] == pytest.approx(row["diff_high"].iloc[0] * scale)
        dots = [
            c[0] for c in ax.containers if isinstance(c, ErrorbarContainer) and c[0] is not None
        ]
        assert dots[0].get_ydata()[0] == pytest.approx(row["diff"].iloc[0] * scale)
        ticks = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
        assert ticks == [f"full_system {MINUS} sales_only", f"third {MINUS} sales_only"]
        zero_lines = [
            line
            for line in ax.get_lines()
            if list(line.get_ydata()) == [0, 0] and line.get_xydata()[0, 0] == 0
        ]
        assert zero_lines, "zero reference line missing"
        assert "difference (" in ax.get_ylabel()
    assert fig.axes[2].get_ylabel() == "difference (percentage points)"
    assert fig.axes[0].get_ylabel() == "difference (money units)"
    assert "sales_only" in fig.get_suptitle()
    assert "paired by replication" in subtitle(fig)


def test_paired_differences_with_only_the_baseline_says_so():
    comparison = make_comparison()
    only = comparison[comparison["scenario"] == "sales_only"]
    fig = charts.paired_differences(only)
    assert "no difference to show" in all_texts(fig)
    assert not fig.axes[0].axison


def test_paired_differences_without_baseline_raises():
    comparison = make_comparison().fillna(0.0)
    with pytest.raises(ValueError, match="baseline"):
        charts.paired_differences(comparison)


# --------------------------------------------------------------------------
# Weekly series
# --------------------------------------------------------------------------


def test_weekly_mean_ci_matches_hand_computation():
    table = charts.weekly_mean_ci(make_weekly(), "revenue")
    assert list(table.columns) == ["scenario", "week", "n", "mean", "ci_low", "ci_high"]
    assert list(table["scenario"].unique()) == ["sales_only", "full_system"]
    # sales_only, week 0: values 100, 110, 120 -> mean 110, sd 10
    first = table.iloc[0]
    half = T_975_DF2 * 10.0 / math.sqrt(3)
    assert first["n"] == 3
    assert first["mean"] == pytest.approx(110.0)
    assert first["ci_low"] == pytest.approx(110.0 - half)
    assert first["ci_high"] == pytest.approx(110.0 + half)
    # full_system, week 2: 1300, 1310, 1320
    last = table.iloc[-1]
    assert (last["scenario"], last["week"]) == ("full_system", 2)
    assert last["mean"] == pytest.approx(1310.0)
    assert last["ci_high"] - last["mean"] == pytest.approx(half)


def test_weekly_mean_ci_single_replication_has_no_interval():
    weekly = make_weekly()
    table = charts.weekly_mean_ci(weekly[weekly["replication"] == 0], "revenue")
    assert table["ci_low"].isna().all()
    assert table["ci_high"].isna().all()
    assert (table["n"] == 1).all()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
        min_size=2,
        max_size=8,
    )
)
def test_weekly_mean_ci_brackets_the_mean(values):
    weekly = pd.DataFrame(
        {
            "scenario": "s",
            "replication": range(len(values)),
            "week": 0,
            "revenue": values,
        }
    )
    row = charts.weekly_mean_ci(weekly, "revenue").iloc[0]
    assert row["mean"] == pytest.approx(np.mean(values), rel=1e-9, abs=1e-6)
    assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    assert row["n"] == len(values)


def band_bounds(collection: FillBetweenPolyCollection, x: float) -> tuple[float, float]:
    vertices = collection.get_paths()[0].vertices
    ys = vertices[np.isclose(vertices[:, 0], x), 1]
    return float(ys.min()), float(ys.max())


def test_weekly_series_lines_band_and_warmup():
    weekly = make_weekly(warmup_weeks=1)
    fig = charts.weekly_series(weekly, "revenue")
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Week"
    assert ax.get_ylabel() == "Revenue per week (money units)"
    # the message: mean of the last weeks (here all 3 weeks), largest first
    assert fig.get_suptitle().replace("\n", " ") == (
        "Revenue per week over the last 4 weeks: 1,210 money units for full_system, "
        "210 money units for sales_only"
    )
    # the horizon is the weeks after the warm-up
    assert subtitle(fig) == (
        "Over 2 weeks · mean of 3 replications · bands: 95% confidence interval"
    )
    expected = charts.weekly_mean_ci(weekly, "revenue")
    lines = [line for line in ax.get_lines() if len(line.get_xdata()) == 3]
    assert len(lines) == 2
    assert list(lines[0].get_ydata()) == pytest.approx([110.0, 210.0, 310.0])
    bands = {c.get_gid(): c for c in ax.collections if isinstance(c, FillBetweenPolyCollection)}
    assert set(bands) == {"band:sales_only", "band:full_system"}
    half = T_975_DF2 * 10.0 / math.sqrt(3)
    for week, mean in enumerate([110.0, 210.0, 310.0]):
        low, high = band_bounds(bands["band:sales_only"], week)
        assert (low, high) == pytest.approx((mean - half, mean + half))
    full = expected[expected["scenario"] == "full_system"]
    low, high = band_bounds(bands["band:full_system"], 1)
    assert (low, high) == pytest.approx((full["ci_low"].iloc[1], full["ci_high"].iloc[1]))
    (warm,) = [p for p in ax.patches if p.get_gid() == "warmup"]
    assert isinstance(warm, Rectangle)
    assert (warm.get_x(), warm.get_x() + warm.get_width()) == pytest.approx((-0.5, 0.5))
    assert "Warm-up period" in legend_labels(fig)
    assert legend_labels(fig)[-2:] == ["sales_only", "full_system"]


def test_weekly_series_without_warmup_has_no_shading():
    fig = charts.weekly_series(make_weekly(warmup_weeks=0), "customers_active")
    ax = fig.axes[0]
    assert not [p for p in ax.patches if p.get_gid() == "warmup"]
    assert "customers" in ax.get_ylabel()
    assert "Warm-up period" not in legend_labels(fig)


def test_weekly_series_shares_in_percent():
    fig = charts.weekly_series(make_weekly(), "sales_share_selling")
    ax = fig.axes[0]
    assert "(%)" in ax.get_ylabel()
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(20.0)


def test_insight_over_time_all_zero_says_so():
    weekly = make_weekly()
    weekly["insight"] = 0.0
    fig = charts.insight_over_time(weekly)
    assert "zero" in all_texts(fig)
    assert not any(ax.get_lines() for ax in fig.axes)


def test_insight_over_time_plots_mean_per_week():
    fig = charts.insight_over_time(make_weekly())
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Market insight (0 = none, 1 = full)"
    assert ax.get_ylim() == pytest.approx((0, 1.02))
    assert "marketing knows nothing from its customers" in subtitle(fig).replace("\n", " ")
    lines = [line for line in ax.get_lines() if len(line.get_xdata()) == 3]
    assert list(lines[1].get_ydata()) == pytest.approx([0.0, 0.1, 0.2])


# --------------------------------------------------------------------------
# Leads
# --------------------------------------------------------------------------


def test_funnel_counts_by_hand():
    counts = charts.funnel_counts(make_leads())
    assert list(counts.index) == ["sales_only", "full_system"]
    sales = counts.loc["sales_only"]
    # replication 0: 4 leads, 2 contacted, 1 qualified, 1 won; replication 1: 2, 2, 2, 0
    assert sales["leads"] == pytest.approx(3.0)
    assert sales["contacted"] == pytest.approx(2.0)
    assert sales["qualified"] == pytest.approx(1.5)
    assert sales["won"] == pytest.approx(0.5)
    assert sales["abandoned"] == pytest.approx(1.0)
    assert sales["unqualified"] == pytest.approx(0.5)
    assert sales["no_deal"] == pytest.approx(0.5)
    assert sales["still_open"] == pytest.approx(0.5)
    assert counts.loc["full_system", "won"] == pytest.approx(1.0)
    assert (counts["replications"] == 2).all()


def test_lead_funnel_bars_equal_counts():
    leads = make_leads()
    counts = charts.funnel_counts(leads)
    fig = charts.lead_funnel(leads)
    assert len(fig.axes) == 2
    funnel, lost = fig.axes
    assert [t.get_text() for t in funnel.get_xticklabels()] == [
        "Leads",
        "Contacted",
        "Qualified",
        "Won",
    ]
    lost_ticks = [t.get_text().replace("\n", " ") for t in lost.get_xticklabels()]
    assert lost_ticks[:4] == [
        "Abandoned (gave up waiting)",
        "Unqualified",
        "No deal",
        "Still open at the end",
    ]
    assert len(lost_ticks) == 4  # no "lost, other reason" without such leads
    for container in bar_containers(funnel):
        scenario = container.get_label()
        heights = [r.get_height() for r in container.patches]
        expected = counts.loc[scenario, ["leads", "contacted", "qualified", "won"]]
        assert heights == pytest.approx(expected.to_numpy(dtype=float))
    for container in bar_containers(lost):
        scenario = container.get_label()
        heights = [r.get_height() for r in container.patches]
        expected = counts.loc[scenario, ["abandoned", "unqualified", "no_deal", "still_open"]]
        assert heights == pytest.approx(expected.to_numpy(dtype=float))
    assert funnel.get_ylabel() == "Leads, average per replication"
    assert legend_labels(fig) == ["sales_only", "full_system"]
    # with the horizon, the axis says it in plain words
    fig = charts.lead_funnel(leads, weeks=104)
    assert fig.axes[0].get_ylabel() == "Leads in 2 years, average"
    assert "Over 2 years" in subtitle(fig)
    assert fig.get_suptitle() == "full_system wins 1 of its 2 leads; sales_only 0 of 3"


def test_wait_to_contact_uses_contacted_leads_and_marks_median():
    fig = charts.wait_to_contact(make_leads())
    ax = fig.axes[0]
    assert "working hours" in ax.get_xlabel()
    assert "(%)" in ax.get_ylabel()
    ecdf = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
    sales = ecdf["ecdf:sales_only"]
    # contacted sales_only leads waited 4, 8, 2, 1 hours (the abandoned ones are left out)
    assert sorted(set(sales.get_xdata())) == [1.0, 2.0, 4.0, 8.0]
    assert sales.get_ydata()[-1] == pytest.approx(100.0)
    medians = [
        line
        for line in ax.get_lines()
        if line.get_marker() == "o" and list(line.get_ydata()) == [50]
    ]
    assert sorted(float(m.get_xdata()[0]) for m in medians) == pytest.approx([0.5, 3.0])
    labels = legend_labels(fig)
    assert labels[0].startswith("sales_only (median 3 h")
    assert labels[1].startswith("full_system (median 0.5 h")
    assert "33% at once" in labels[1]  # one of three waited 0 h
    assert "at once" not in labels[0]
    assert ax.get_xscale() == "linear"  # every wait is short


def test_wait_to_contact_leaves_out_cold_leads():
    """A cold lead is contacted when the call hits: its zero wait must not flatter the firm."""
    leads = make_leads()
    cold = leads.iloc[[0]].copy()
    cold["source"] = "cold"
    cold["wait_h"] = 0.0
    cold["contacted_h"] = cold["created_h"]
    leads["source"] = "organic"
    fig = charts.wait_to_contact(pd.concat([leads, cold], ignore_index=True))
    ecdf = {line.get_gid(): line for line in fig.axes[0].get_lines() if line.get_gid()}
    assert 0.0 not in set(ecdf["ecdf:sales_only"].get_xdata())


def test_wait_to_contact_long_waits_get_a_log_axis():
    leads = make_leads()
    leads.loc[0, "wait_h"] = 500.0
    fig = charts.wait_to_contact(leads)
    ax = fig.axes[0]
    assert ax.get_xscale() == "symlog"
    assert "log scale" in ax.get_xlabel()
    assert 100 in list(ax.get_xticks())


def test_wait_to_contact_without_contacts_says_so():
    leads = make_leads()
    leads["contacted_h"] = math.nan
    fig = charts.wait_to_contact(leads)
    assert "No lead was contacted" in all_texts(fig)


# --------------------------------------------------------------------------
# All charts, saving, global state
# --------------------------------------------------------------------------

ALL_NAMES = list(CHART_NAMES)


def build_all() -> dict[str, Figure]:
    return charts.all_charts(make_summary(), make_weekly(), make_leads(), make_comparison())


def test_all_charts_names_and_types():
    figures = build_all()
    assert list(figures) == ALL_NAMES
    assert all(isinstance(fig, Figure) for fig in figures.values())


@pytest.mark.parametrize("leads", [None, "empty"])
def test_all_charts_skips_charts_without_input(leads):
    table = make_leads().iloc[0:0] if leads == "empty" else None
    figures = charts.all_charts(make_summary(), None, table, make_comparison())
    assert list(figures) == ["sales_time_use", "key_figures", "paired_differences"]


def test_charts_leave_rcparams_alone():
    before = dict(matplotlib.rcParams)
    build_all()
    after = dict(matplotlib.rcParams)
    assert after == before


def test_charts_use_the_style():
    fig = charts.key_figures(make_comparison())
    ax = fig.axes[0]
    assert not ax.spines["top"].get_visible()
    assert not ax.spines["right"].get_visible()
    assert ax.title.get_fontsize() >= 16
    assert ax.yaxis.label.get_fontsize() >= 14
    assert any(line.get_visible() for line in ax.yaxis.get_gridlines())
    assert not any(line.get_visible() for line in ax.xaxis.get_gridlines())


def test_money_ticks_are_compact_with_the_currency_on_the_axis():
    fig = charts.key_figures(make_comparison(), ["revenue"], currency="EUR")
    fig.draw_without_rendering()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "1.0 M" in labels
    assert all(label == "0" or label.endswith(" k") or label.endswith(" M") for label in labels)
    assert fig.axes[0].get_ylabel() == "EUR"


def test_money_ticks_in_chinese_count_in_wan_for_cny():
    fig = charts.key_figures(make_comparison(), ["revenue"], currency="CNY", lang="zh")
    fig.draw_without_rendering()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "100 万" in labels
    assert fig.axes[0].get_ylabel() == "元"
    assert fig.axes[0].get_title() == "收入"


@pytest.fixture(scope="module")
def all_figures() -> dict[str, Figure]:
    return build_all()


@pytest.mark.parametrize("name", ALL_NAMES)
def test_save_figure_writes_png_and_svg(tmp_path: Path, name: str, all_figures):
    fig = all_figures[name]
    paths = charts.save_figure(fig, tmp_path / "out", name)
    assert [p.name for p in paths] == [f"{name}.png", f"{name}.svg"]
    png, svg = paths
    image = mpimg.imread(png)
    assert image.ndim == 3
    assert image.shape[0] > 300
    assert image.shape[1] > 1000  # wide enough to project
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")


def test_preview_png_is_not_blank(tmp_path: Path):
    (png, _svg) = charts.save_figure(charts.sales_time_use(make_summary()), tmp_path, "x")
    image = mpimg.imread(png)
    assert image[..., :3].std() > 0.05  # not a blank canvas


def test_save_figure_rejects_paths(tmp_path: Path):
    fig = charts.sales_time_use(make_summary())
    with pytest.raises(ValueError, match="invalid figure name"):
        charts.save_figure(fig, tmp_path, "../escape")


def test_welch_plot_draws_mean_smoothed_and_the_suggested_warmup():
    smoothed = pd.DataFrame(
        {
            "scenario": ["a"] * 4 + ["b"] * 4,
            "week": [0, 1, 2, 3] * 2,
            "mean": [0.1, 0.2, 0.3, 0.3, 0.5, 0.5, 0.5, 0.5],
            "smoothed": [0.1, 0.2, 0.27, np.nan, 0.5, 0.5, 0.5, np.nan],
        }
    )
    fig = charts.welch_plot(smoothed, "sales_share_selling", warmup=2)
    ax = fig.axes[0]
    welch = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
    assert set(welch) == {"welch:a", "welch:b"}
    assert list(welch["welch:a"].get_ydata()[:3]) == pytest.approx([10.0, 20.0, 27.0])  # in %
    assert any(list(line.get_xdata()) == [2, 2] for line in ax.get_lines())  # warm-up line
    assert "discard 2 weeks" in all_texts(fig)
    assert "(%)" in ax.get_ylabel()
    assert legend_labels(fig) == ["a", "b"]


def test_funnel_and_waits_leave_out_warmup_leads_as_the_summary_does():
    leads = make_leads()
    leads["in_warmup"] = False
    warm = leads.copy()
    warm["in_warmup"] = True
    warm["wait_h"] = 99.0
    both = pd.concat([leads, warm], ignore_index=True)
    pd.testing.assert_frame_equal(charts.funnel_counts(both), charts.funnel_counts(leads))
    fig = charts.wait_to_contact(both)
    ecdf = {line.get_gid(): line for line in fig.axes[0].get_lines() if line.get_gid()}
    assert 99.0 not in set(ecdf["ecdf:sales_only"].get_xdata())


# --------------------------------------------------------------------------
# Languages, colours, the story
# --------------------------------------------------------------------------


def test_scenario_colours_never_mean_a_sales_category():
    assert not set(charts.SCENARIO_COLOURS) & set(charts.SALES_CATEGORY_COLOURS.values())
    assert len(set(charts.SCENARIO_COLOURS)) == len(charts.SCENARIO_COLOURS)


def test_every_chart_in_chinese():
    figures = charts.all_charts(
        make_summary(), make_weekly(), make_leads(), make_comparison(), lang="zh"
    )
    assert list(figures) == ALL_NAMES
    texts = " ".join(all_texts(fig) for fig in figures.values())
    assert "销售" in texts
    for fig in figures.values():
        fig.savefig(io.BytesIO(), format="png")  # a missing glyph would warn, hence fail


def test_wait_chart_marks_the_speed_to_lead_steps(scenarios_dir):
    import sim

    scenario = sim.load_scenario(scenarios_dir / "sales_only.toml")
    fig = charts.wait_to_contact(make_leads(), scenarios={"sales_only": scenario})
    ax = fig.axes[0]
    steps = {line.get_gid() for line in ax.get_lines() if (line.get_gid() or "").startswith("step")}
    assert steps == {"step:1", "step:8"}
    assert ax.get_xlim()[1] >= 8  # the last step is on the chart
    assert "chance to qualify 1/7" in all_texts(fig)
    # the headline: leads reached before the first step
    assert "within 1 h" in fig.get_suptitle().replace("\n", " ")
