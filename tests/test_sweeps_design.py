"""Sweep files, designs and variants on their own: sizes, bounds, log scale, constraints,
infeasible variants, and errors that name the file and the field."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from sim.sweeps.design import build_design, factor_levels
from sim.sweeps.spec import SweepError, parse_sweep, read_sweep
from sim.sweeps.variants import plan_sweep

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SHIPPED = sorted((SCENARIOS / "sweeps").glob("*.toml"))

HEAD = f"""
name = "t"
scenarios = ["{SCENARIOS / "sales_only.toml"}", "{SCENARIOS / "full_system.toml"}"]
"""


def spec_of(body: str, head: str = HEAD):
    return parse_sweep(head + body, "t.toml")


def test_a_grid_has_every_combination_of_levels_and_log_spacing():
    spec = spec_of(
        """
[[factors]]
path = "sales.staff"
values = [3, 5]
[[factors]]
path = "marketing.channels.search.cost_per_lead"
low = 100
high = 10000
scale = "log"
levels = 3
"""
    )
    table = build_design(spec).table
    assert len(table) == 2 * 3
    assert table["sales.staff"].tolist() == [3, 3, 3, 5, 5, 5]
    costs = table["marketing.channels.search.cost_per_lead"].iloc[:3].tolist()
    assert costs == pytest.approx([100, 1000, 10000])


def test_integer_levels_are_rounded_and_not_repeated():
    spec = spec_of(
        '[[factors]]\npath = "sales.staff"\nlow = 1\nhigh = 3\nlevels = 5\ninteger = true'
    )
    assert factor_levels(spec.factors[0]) == [1, 2, 3]


@pytest.mark.parametrize(
    ("design", "size"),
    [
        ('method = "lhs"\nsamples = 7', 7),
        ('method = "sobol"\nsamples = 8', 8 * (2 + 2)),
        ('method = "morris"\ntrajectories = 3\nlevels = 4', 3 * (2 + 1)),
    ],
)
def test_space_filling_designs_have_their_sizes_and_stay_in_bounds(design, size):
    spec = spec_of(
        f"""
[design]
{design}
[[factors]]
path = "marketing.channels.search.cost_per_lead"
low = 100
high = 3000
scale = "log"
[[factors]]
path = "sales.staff"
low = 2
high = 8
integer = true
"""
    )
    points = build_design(spec)
    assert len(points.table) == size
    assert points.unit is not None
    assert points.unit.shape == (size, 2)
    costs = points.table["marketing.channels.search.cost_per_lead"]
    assert costs.between(100 - 1e-9, 3000 + 1e-9).all()
    staff = points.table["sales.staff"]
    assert staff.between(2, 8).all()
    assert (staff == staff.round()).all()
    # log scale: the unit coordinate maps onto log(cost) linearly
    expected = np.exp(np.log(100) + points.unit[:, 0] * (np.log(3000) - np.log(100)))
    assert costs.to_numpy() == pytest.approx(expected)
    assert build_design(spec).table.equals(points.table)  # seeded: the same every time


def test_the_lhs_has_one_point_in_each_slice_of_each_factor():
    spec = spec_of(
        '[design]\nmethod = "lhs"\nsamples = 10\n'
        '[[factors]]\npath = "sales.staff"\nlow = 0\nhigh = 10\n'
    )
    slices = np.floor(build_design(spec).unit[:, 0] * 10)
    assert sorted(slices) == list(range(10))


def test_equal_weekly_cost_fills_the_budget_and_records_infeasible_variants():
    spec = spec_of(
        """
[[factors]]
path = "sales.staff"
values = [5, 9, 11]
scenarios = ["full-system"]
[constraints]
keep_weekly_cost = "baseline"
fill = "marketing.budget_per_week"
"""
    )
    plan = plan_sweep(spec, "t.toml")
    assert plan.design["feasible"].tolist() == [True, False, False]
    # staff 9: 9 x 1,500 + 2 x 1,000 + 1 x 1,500 + 2 x 1,000 = 19,000 > 15,000 without
    # any budget (salespeople, service agents, the marketer, operations clerks)
    assert "19,000" in plan.design.loc[1, "infeasible_reason"]
    assert "exceeds the target 15,000" in plan.design.loc[1, "infeasible_reason"]
    cells = plan.cells.set_index("scenario")
    assert cells.loc["full-system", "marketing.budget_per_week"] == 2000  # the headline's
    assert cells.loc["sales-only", "marketing.budget_per_week"] == 0
    full = next(run for run in plan.runs.values() if run.scenario == "full-system")
    assert full.raw["marketing"]["budget_per_week"] == 2000


def test_a_fixed_weekly_cost_applies_to_every_scenario_and_a_fraction_of_a_head_is_infeasible():
    spec = spec_of(
        """
[[factors]]
path = "sales.cost_per_head"
values = [1500, 1400]
scenarios = ["sales-only"]
[constraints]
keep_weekly_cost = 15000
fill = "sales.staff"
scenarios = ["sales-only"]
"""
    )
    plan = plan_sweep(spec, "t.toml")
    assert plan.design["feasible"].tolist() == [True, False]
    assert "not a whole number" in plan.design.loc[1, "infeasible_reason"]


def test_a_baseline_untouched_by_the_factors_is_one_run():
    spec = spec_of(
        '[[factors]]\npath = "sales.staff"\nvalues = [3, 4, 5]\nscenarios = ["full_system"]'
    )
    plan = plan_sweep(spec, "t.toml")
    scenarios = [run.scenario for run in plan.runs.values()]
    assert scenarios.count("sales-only") == 1
    assert scenarios.count("full-system") == 3


@pytest.mark.parametrize(
    ("body", "where", "fragment"),
    [
        (
            '[[factors]]\npath = "sales.staf"\nvalues = [1]',
            "factors.0.path",
            "did you mean 'staff'?",
        ),
        (
            '[[factors]]\npath = "marketing.channels.serch.intent"\nvalues = [0.5]\n'
            'scenarios = ["full-system"]',
            "factors.0.path",
            "names: search, events",
        ),
        (
            '[[factors]]\npath = "marketing.channels.search.intent"\nvalues = [0.5]',
            "factors.0.path",
            "in scenario 'sales-only'",
        ),
        (
            '[[factors]]\npath = "sales.staff"\nvalues = [1]\nscenarios = ["ful-system"]',
            "factors.0.scenarios",
            "did you mean 'full-system'?",
        ),  # fmt: skip
    ],
)
def test_factor_problems_name_the_file_and_the_field(body, where, fragment):
    with pytest.raises(SweepError) as info:
        plan_sweep(spec_of(body), "t.toml")
    assert info.value.source == "t.toml"
    problems = dict(info.value.problems)
    assert fragment in problems[where], problems


@pytest.mark.parametrize(
    ("body", "where", "fragment"),
    [
        (
            '[[factors]]\npath = "sales.staff"\nvalus = [1]',
            "factors.0.valus",
            "did you mean 'values'?",
        ),
        ('[desing]\n[[factors]]\npath = "x"\nvalues = [1]', "desing", "did you mean 'design'?"),
        (
            '[[factors]]\npath = "x"\nlow = 5\nhigh = 1\nlevels = 2',
            "factors.0",
            "low must be below",
        ),
        (
            '[[factors]]\npath = "x"\nlow = 0\nhigh = 1\nscale = "log"\nlevels = 2',
            "factors.0",
            "'log' needs low > 0",
        ),  # fmt: skip
        (
            '[design]\nmethod = "sobol"\nsamples = 10\n[[factors]]\npath = "x"\nlow = 0\nhigh = 1',
            "design",
            "power of 2",
        ),  # fmt: skip
        (
            '[design]\nmethod = "grid"\n[[factors]]\npath = "x"\nlow = 0\nhigh = 1',
            "",
            "needs levels",
        ),  # fmt: skip
        (
            '[constraints]\nkeep_weekly_cost = "base"\nfill = "x"\n[[factors]]\npath = "y"\n'
            "values = [1]",
            "constraints.keep_weekly_cost",
            "'baseline'",
        ),  # fmt: skip
    ],
)
def test_file_problems_name_the_field_and_what_is_allowed(body, where, fragment):
    with pytest.raises(SweepError) as info:
        spec_of(body)
    problems = dict(info.value.problems)
    assert where in problems, problems
    assert fragment in problems[where]


def test_a_missing_file_and_bad_toml_are_errors_naming_the_file(tmp_path):
    with pytest.raises(SweepError, match="file not found"):
        read_sweep(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n")
    with pytest.raises(SweepError, match="not valid TOML") as info:
        read_sweep(bad)
    assert info.value.source == str(bad)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_shipped_sweeps_plan(path):
    spec, _ = read_sweep(path)
    plan = plan_sweep(spec, str(path))
    assert plan.scenarios == ["sales-only", "full-system"]
    assert plan.feasible
    runs = len(plan.runs) * spec.first_batch
    # the sweeps generated from the assumptions register screen about 70 settings
    # (Morris, 10 trajectories): about 1,000 runs of two years, 10 to 15 minutes on 2 cores
    limit = 1100 if path.name.startswith("assumptions") else 500
    assert runs <= limit, "an example sweep should run in minutes on a laptop"
    assert not math.isnan(len(plan.design))
