"""Sweep analysis: sensitivity indices of test functions with known indices, the
break-even finder on curves with known crossings, and the report of a tiny sweep."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.sweeps import analysis
from sim.sweeps.design import build_design
from sim.sweeps.sensitivity import morris_indices, sobol_indices, sweep_indices
from sim.sweeps.spec import parse_sweep

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def design_over(method: str, size: str, factors: int = 3) -> str:
    ranges = "".join(
        f'[[factors]]\npath = "x{i}"\nlow = {-math.pi}\nhigh = {math.pi}\n'
        for i in range(1, factors + 1)
    )
    head = 'name = "t"\nscenarios = ["x.toml"]\nseed = 3\n'
    return f'{head}[design]\nmethod = "{method}"\n{size}\n{ranges}'


def ishigami(points: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x1, x2, x3 = points.T
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values():
    points = build_design(parse_sweep(design_over("sobol", "samples = 2048")))
    output = ishigami(points.table.to_numpy(dtype=float))
    found = sobol_indices(output, ["x1", "x2", "x3"], seed=1).set_index("factor")
    # Ishigami and Homma (1990), a = 7, b = 0.1: analytic first and total indices
    variance = 0.5 + 7**2 / 8 + 0.1 * math.pi**4 / 5 + 0.1**2 * math.pi**8 / 18
    s1 = 0.5 * (1 + 0.1 * math.pi**4 / 5) ** 2 / variance
    s2 = (7**2 / 8) / variance
    st3 = (8 * 0.1**2 * math.pi**8 / 225) / variance
    assert found.loc["x1", "S1"] == pytest.approx(s1, abs=0.04)
    assert found.loc["x2", "S1"] == pytest.approx(s2, abs=0.04)
    assert found.loc["x3", "S1"] == pytest.approx(0.0, abs=0.04)
    assert found.loc["x1", "ST"] == pytest.approx(s1 + st3, abs=0.05)
    assert found.loc["x2", "ST"] == pytest.approx(s2, abs=0.05)
    assert found.loc["x3", "ST"] == pytest.approx(st3, abs=0.05)
    assert (found["S1_conf"] > 0).all()


def test_morris_finds_the_slope_of_a_linear_factor_and_nothing_for_an_idle_one():
    points = build_design(parse_sweep(design_over("morris", "trajectories = 10\nlevels = 4")))
    x = points.table.to_numpy(dtype=float)
    output = 2.0 * x[:, 0] + 0.0 * x[:, 1] + x[:, 2] ** 2
    found = morris_indices(points.unit, output, ["x1", "x2", "x3"], levels=4).set_index("factor")
    # per unit of the normalised range: 2 x (high - low)
    assert found.loc["x1", "mu_star"] == pytest.approx(2 * 2 * math.pi)
    assert found.loc["x1", "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert found.loc["x2", "mu_star"] == 0.0
    assert found.loc["x3", "sigma"] > 0  # curvature: the effect depends on where


def test_morris_leaves_out_only_the_trajectories_with_a_missing_variant():
    points = build_design(parse_sweep(design_over("morris", "trajectories = 10\nlevels = 4")))
    x = points.table.to_numpy(dtype=float)
    variants = np.arange(len(x))
    design = pd.DataFrame({"variant": variants})
    output = pd.Series(2.0 * x[:, 0] + x[:, 2], index=variants)
    # variant 5 lies in the second trajectory (4 points each); an infeasible one is not run
    found = sweep_indices("morris", design, points.unit, output.drop(5), ["x1", "x2", "x3"], 4, 0)
    assert "1 of 40 variants have no complete result" in found.note
    assert "1 of 10 trajectories left out" in found.note
    table = found.table.set_index("factor")
    assert table.loc["x1", "mu_star"] == pytest.approx(2 * 2 * math.pi)
    assert table.loc["x3", "mu_star"] == pytest.approx(2 * math.pi)
    assert table.loc["x2", "mu_star"] == 0.0
    # nothing missing, no note; one trajectory left is too few
    assert sweep_indices("morris", design, points.unit, output, ["x1", "x2", "x3"], 4, 0).note == ""
    few = sweep_indices("morris", design, points.unit, output[:4], ["x1", "x2", "x3"], 4, 0)
    assert few.table.empty
    assert "too few left" in few.note


def test_break_even_interpolates_the_crossing_and_the_band():
    x = [1.0, 2.0, 3.0, 4.0]
    diff = [3.0, 1.0, -1.0, -3.0]
    found = analysis.break_even(x, diff, [d - 1.5 for d in diff], [d + 1.5 for d in diff])
    assert found.estimate == pytest.approx(2.5)
    # the band d -/+ 1.5 contains zero from d = 1.5 (x = 1.75) to d = -1.5 (x = 3.25)
    assert (found.low, found.high) == (pytest.approx(1.75), pytest.approx(3.25))
    assert found.sign_before == 1


def test_break_even_on_a_log_scale_and_without_a_crossing():
    found = analysis.break_even(
        [100, 1000, 10000], [1, -1, -3], [0.5, -1.5, -4], [1.5, -0.5, -2], "log"
    )
    assert found.estimate == pytest.approx(math.sqrt(100 * 1000))
    none = analysis.break_even([1, 2, 3], [-1, -2, -3], [-2, -3, -4], [0.5, -1, -2])
    assert not none.found
    assert none.sign_before == -1


def test_the_threshold_table_finds_a_crossing_per_row():
    grid = pd.DataFrame(
        {
            "x": [1, 2, 3] * 2,
            "y": [10] * 3 + [20] * 3,
            "diff": [2.0, -2.0, -4.0, 4.0, 2.0, -2.0],
        }
    ).assign(diff_low=lambda t: t["diff"] - 1, diff_high=lambda t: t["diff"] + 1)
    table = analysis.threshold_table(grid).set_index("y")
    assert table.loc[10, "break_even"] == pytest.approx(1.5)
    assert table.loc[20, "break_even"] == pytest.approx(2.5)


@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory) -> sim.SweepResults:
    folder = tmp_path_factory.mktemp("report")
    path = folder / "tiny.toml"
    path.write_text(
        f"""
name = "tiny-report"
scenarios = ["{SCENARIOS / "sales_only.toml"}", "{SCENARIOS / "full_system.toml"}"]
replications = 3
[set]
"clock.horizon" = "13 w"
[[factors]]
path = "sales.staff"
values = [3, 4, 5]
scenarios = ["full-system"]
[[factors]]
path = "marketing.channels.search.cost_per_lead"
values = [150, 2400]
scenarios = ["full-system"]
[constraints]
keep_weekly_cost = "baseline"
fill = "marketing.budget_per_week"
[analysis]
figures = ["profit", "revenue"]
"""
    )
    return sim.sweep(path, folder / "out", workers=1)


def test_the_report_contains_every_chart_embedded(tiny_sweep, capsys):
    from sim.cli import main

    assert main(["sweep-report", str(tiny_sweep.directory)]) == 0
    html = (tiny_sweep.directory / "report.html").read_text()
    charts = sorted(p.stem for p in (tiny_sweep.directory / "charts").glob("*.png"))
    expected = sorted(
        ["heatmap_0_1", "break_even_0", "break_even_1"]
        + [f"effect_{figure}_{i}" for figure in ("profit", "revenue") for i in (0, 1)]
    )
    assert charts == expected
    for name in charts:
        assert f'id="chart-{name}"' in html
    assert html.count("data:image/png;base64,") == len(charts)
    assert not re.search(r'(src|href)="(https?:)?//', html)  # self-contained
    assert "Where the difference crosses zero" in html
    assert "Best variants" in html
    assert "tiny-report" in html


def test_variant_table_pairs_each_variant_with_the_baseline(tiny_sweep):
    summary = tiny_sweep.summary
    table = analysis.variant_table(
        summary, "profit", "sales-only", "full-system", tiny_sweep.factors
    )
    assert len(table) == 6
    first = summary[summary["variant"] == table["variant"].iloc[0]]
    wide = first.pivot(index="replication", columns="scenario", values="profit")
    assert table["diff"].iloc[0] == pytest.approx((wide["full-system"] - wide["sales-only"]).mean())
    assert (table["diff_low"] <= table["diff"]).all()
    assert (table["diff"] <= table["diff_high"]).all()


def test_sweep_report_of_an_unfinished_folder_says_so(tmp_path):
    from sim.cli import main

    (tmp_path / "sweep.json").write_text("{}")
    assert main(["sweep-report", str(tmp_path)]) == 2
