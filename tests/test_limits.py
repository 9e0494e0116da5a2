"""Limits at validation: what ``validate`` accepts, ``run`` can finish (issue #8, item 2).

Each reproduction of the issue that crashed, hung or ate memory at run time is
refused here at load, with one message that names the file, the field path and
what is allowed. The bounds themselves live in ``sim.limits``.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import sim
from sim import limits
from sim.cli import main
from sim.distributions import parse_dist, sampler
from sim.scenario import (
    ScenarioError,
    expected_work,
    load_scenario,
    parse_override,
    with_overrides,
)

ROOT = Path(__file__).resolve().parents[1]
SALES_ONLY = ROOT / "scenarios" / "sales_only.toml"
FULL_SYSTEM = ROOT / "scenarios" / "full_system.toml"

MINIMAL = """\
name = "minimal"

[[market.segments]]
name = "smb"
size = 1000
deal_value = 5000

[sales]
staff = 2
first_contact = "30 min"
"""


def refused(path: Path, overrides: dict, field: str) -> str:
    """Load ``path`` with ``overrides``; assert one error naming the file and ``field``."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides)
    error = info.value
    assert error.source == str(path)
    text = str(error)
    assert text.startswith(f"{path}: ")
    assert "\n" not in text
    where = [place for place, _ in error.problems]
    assert any(place == field or place.startswith(field + ".") for place in where), where
    return text


# ---------------------------------------------------------------- the issue's reproductions

REPRODUCTIONS = {
    # ZeroDivisionError at run time: full insight made leads free
    "insight makes leads free": (
        FULL_SYSTEM,
        {"marketing.insight.initial": 1, "marketing.insight.cost_strength": 1},
        "marketing.insight.cost_strength",
        "0.95",
    ),
    # hang: the lead rate explodes as the cost per lead nears 0
    "insight makes leads nearly free": (
        FULL_SYSTEM,
        {"marketing.insight.initial": 0.9999999, "marketing.insight.cost_strength": 1},
        "marketing.insight.cost_strength",
        "0.95",
    ),
    "a lead for a billionth of a euro": (
        FULL_SYSTEM,
        {"marketing.channels.0.cost_per_lead": 1e-9},
        "marketing.channels.0.cost_per_lead",
        "0.01",
    ),
    # OverflowError / numpy ValueError when sampling
    "gamma with a huge sd": (
        SALES_ONLY,
        {"sales.meeting": {"dist": "gamma", "mean": "2 h", "sd": "1e200 h"}},
        "sales.meeting",
        "sd: a duration is at most 5200 w",
    ),
    "lognormal with a huge sd": (
        SALES_ONLY,
        {"market.segments.0.deal_value": {"dist": "lognormal", "mean": 6000, "sd": 1e300}},
        "market.segments.0.deal_value",
        "sd: money is at most 1000000000000",
    ),
    "gamma with a huge sd / mean": (
        SALES_ONLY,
        {"sales.meeting": {"dist": "gamma", "mean": "1 min", "sd": "1000 h"}},
        "sales.meeting",
        "sd / mean",
    ),
    "lognormal with a huge sd / mean": (
        SALES_ONLY,
        {"market.segments.0.deal_value": {"dist": "lognormal", "mean": 1e-300, "sd": 1e12}},
        "market.segments.0.deal_value",
        "sd / mean",
    ),
    "gamma with a tiny sd": (
        SALES_ONLY,
        {"sales.meeting": {"dist": "gamma", "mean": "2 h", "sd": "1e-200 h"}},
        "sales.meeting",
        "sd / mean",
    ),
    "empirical weights adding to infinity": (
        SALES_ONLY,
        {
            "sales.meeting": {
                "dist": "empirical",
                "values": ["1 h", "2 h"],
                "weights": [1e308, 1e308],
            }
        },
        "sales.meeting",
        "add up to 1",
    ),
    "a horizon of 1e300 weeks": (SALES_ONLY, {"clock.horizon": "1e300 w"}, "clock.horizon", "5200"),
    "a salesperson costing 1e308": (
        SALES_ONLY,
        {"sales.cost_per_head": 1e308},
        "sales.cost_per_head",
        "1000000000000",
    ),
    # gigabytes of memory
    "a horizon of a billion weeks": (
        SALES_ONLY,
        {"clock.horizon": "1e9 w"},
        "clock.horizon",
        "5200",
    ),
    "two million initial customers": (
        SALES_ONLY,
        {"market.segments.0.size": 2_000_000, "market.segments.0.initial_customers": 2_000_000},
        "market.segments.0",
        "1000000",
    ),
}


@pytest.mark.parametrize(
    ("path", "overrides", "field", "allowed"),
    list(REPRODUCTIONS.values()),
    ids=list(REPRODUCTIONS),
)
def test_the_issues_reproductions_are_refused_at_load(path, overrides, field, allowed):
    assert allowed in refused(path, overrides, field)


@pytest.mark.parametrize(
    ("path", "overrides", "field", "allowed"),
    list(REPRODUCTIONS.values()),
    ids=list(REPRODUCTIONS),
)
def test_flocksim_validate_says_no_in_one_line(path, overrides, field, allowed, capsys):
    settings = []
    for key, value in overrides.items():
        settings += ["--set", f"{key}={_toml(value)}"]
    assert main(["validate", str(path), *settings]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert str(path) in lines[0]
    assert field in lines[0]
    assert "Traceback" not in captured.err
    assert "ok:" not in captured.out


def _toml(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key} = {_toml(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


# ---------------------------------------------------------------- insight and leads


@pytest.mark.parametrize("strength", [0.96, 1.0])
def test_cost_strength_is_at_most_095(strength):
    text = refused(FULL_SYSTEM, {"marketing.insight.cost_strength": strength}, "marketing.insight")
    assert "0.95" in text


def test_full_insight_at_the_strongest_cost_effect_still_prices_leads():
    scenario = load_scenario(
        FULL_SYSTEM, {"marketing.insight.initial": 1, "marketing.insight.cost_strength": 0.95}
    )
    assert scenario.marketing.insight.cost_strength == 0.95


@pytest.mark.parametrize("cost", [0, 0.001, 0.0099])
def test_cost_per_lead_has_a_floor(cost):
    text = refused(
        FULL_SYSTEM, {"marketing.channels.1.cost_per_lead": cost}, "marketing.channels.1"
    )
    assert "0.01" in text


def test_a_budget_buying_too_many_leads_is_refused_naming_the_channel():
    text = refused(
        FULL_SYSTEM,
        {"marketing.budget_per_week": 1e12, "marketing.channels.0.cost_per_lead": 0.01},
        "marketing.channels.0.cost_per_lead",
    )
    assert "marketing.budget_per_week" in text
    assert f"{limits.MAX_WORK:,}" in text


# ---------------------------------------------------------------- money, time, sizes


@pytest.mark.parametrize(
    "field",
    [
        "sales.cost_per_head",
        "service.cost_per_head",
        "marketing.cost_per_head",
        "marketing.budget_per_week",
        "marketing.capacity_per_head",
        "marketing.channels.0.cost_per_lead",
        "market.segments.0.deal_value",
        "market.segments.0.reorder_value",
    ],
)
def test_money_above_the_ceiling_is_refused(field):
    text = refused(FULL_SYSTEM, {field: 2e12}, field)
    assert "1000000000000" in text


def test_money_at_the_ceiling_is_accepted():
    scenario = load_scenario(SALES_ONLY, {"sales.cost_per_head": limits.MAX_MONEY})
    assert scenario.sales.cost_per_head == limits.MAX_MONEY


def test_money_distribution_parameters_have_the_ceiling():
    spec = {"dist": "uniform", "low": 0, "high": 1e13}
    assert "1000000000000" in refused(SALES_ONLY, {"market.segments.0.deal_value": spec}, "market")


@pytest.mark.parametrize("horizon", ["5201 w", "101 y", "1e300 h"])
def test_horizon_has_a_ceiling(horizon):
    assert "5200 w" in refused(SALES_ONLY, {"clock.horizon": horizon}, "clock.horizon")


def test_horizon_at_the_ceiling_is_accepted_when_the_work_is_small():
    scenario = load_scenario(
        ROOT / "scenarios" / "validation" / "bass.toml", {"clock.horizon": "100 y"}
    )
    assert scenario.clock.horizon == 5200 * scenario.clock.week_hours


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sales.meeting", "6000 w"),
        ("market.segments.0.patience", {"dist": "exponential", "mean": "1e300 h"}),
        ("retention.unresolved_after", "200 y"),
    ],
)
def test_every_duration_has_the_horizon_ceiling(field, value):
    assert "5200 w" in refused(SALES_ONLY, {field: value}, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("market.segments.0.reorder_rate", "1e308 / min"),
        ("market.segments.0.churn_rate", "1e-300 / w"),
        ("market.segments.0.q", 1e-320),
    ],
)
def test_rates_must_be_finite_and_not_vanishingly_small(field, value):
    refused(SALES_ONLY, {field: value}, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("market.segments.0.size", limits.MAX_SEGMENT_SIZE + 1),
        ("market.segments.0.initial_customers", limits.MAX_SEGMENT_SIZE + 1),
        ("sales.staff", limits.MAX_HEADCOUNT + 1),
        ("sales.prospecting.dials_per_block", limits.MAX_DIALS_PER_BLOCK + 1),
    ],
)
def test_sizes_have_ceilings(field, value):
    assert str(value - 1) in refused(SALES_ONLY, {field: value}, field)


@pytest.mark.parametrize("week_hours", [36.6, 26.8, 38.4, 39.9, 37.25, 0.5, 167.9, 168])
def test_any_positive_week_length_is_accepted(week_hours):
    scenario = load_scenario(SALES_ONLY, {"clock.week_hours": week_hours, "clock.horizon": "8 w"})
    assert scenario.clock.week_hours == week_hours
    assert scenario.clock.horizon == pytest.approx(8 * week_hours)


@pytest.mark.parametrize("week_hours", [0, -1, 168.5])
def test_week_hours_outside_zero_to_168_are_refused(week_hours):
    refused(SALES_ONLY, {"clock.week_hours": week_hours}, "clock.week_hours")


# ---------------------------------------------------------------- the work ceiling


def test_huge_expected_work_is_refused_naming_the_fields_that_drive_it():
    overrides = {
        "market.segments.0.size": 1_000_000,
        "market.segments.0.initial_customers": 1_000_000,
        "market.segments.0.reorder_rate": "1 / w",
    }
    text = refused(SALES_ONLY, overrides, "market.segments.0")
    assert "orders" in text
    assert "market.segments.0.reorder_rate" in text
    assert "clock.horizon" in text
    assert f"{limits.MAX_WORK:,}" in text


def test_an_unlimited_segment_with_a_huge_lead_rate_is_refused():
    overrides = {"market.segments.0.lead_rate": "1000 / h", "clock.horizon": "5000 w"}
    path = ROOT / "scenarios" / "validation" / "mmc.toml"
    text = refused(path, overrides, "market.segments.0.lead_rate")
    assert "leads" in text


def test_prospecting_in_tiny_blocks_is_refused():
    text = refused(SALES_ONLY, {"sales.prospecting.block": "0.001 min"}, "sales.prospecting.block")
    assert "sales.staff" in text


def test_reviews_every_instant_are_refused():
    text = refused(
        FULL_SYSTEM,
        {"service.feedback.review_period": "1e-6 h"},
        "service.feedback.review_period",
    )
    assert "review" in text


def test_shipped_scenarios_are_far_below_the_work_ceiling(scenario_file):
    path = scenario_file
    total = sum(term.count for term in expected_work(load_scenario(path)))
    assert 0 < total < limits.MAX_WORK / 10


def test_the_work_estimate_bounds_what_a_run_makes():
    """Leads, customers and orders of a short run stay below their estimates."""
    scenario = with_overrides(load_scenario(SALES_ONLY), {"clock.horizon": "6 w"})
    bound: dict[str, float] = {}
    for term in expected_work(scenario):
        bound[term.kind] = bound.get(term.kind, 0.0) + term.count
    results = sim.run(scenario, replications=1, seed=3)
    assert len(results.leads) <= bound["inquiries"] + bound["cold leads"]
    assert len(results.customers) <= bound["customers"]
    assert results.customers["orders"].sum() <= bound["orders"]


# ---------------------------------------------------------------- distributions


BIG_MONEY, BIG_HOURS = limits.MAX_MONEY, 40.0 * limits.MAX_HORIZON_WEEKS
CORNERS = [  # quantity, mean, sd (durations in hours): the allowed extremes
    ("money", BIG_MONEY, BIG_MONEY * limits.MIN_SD_RATIO),
    ("money", BIG_MONEY, BIG_MONEY),
    ("money", BIG_MONEY / limits.MAX_SD_RATIO, BIG_MONEY),
    ("money", 1e-300, 1e-300 * limits.MAX_SD_RATIO),
    ("money", 1e-300, 1e-300 * limits.MIN_SD_RATIO),
    ("duration", BIG_HOURS, BIG_HOURS),
    ("duration", BIG_HOURS / limits.MAX_SD_RATIO, BIG_HOURS),
    ("duration", BIG_HOURS, BIG_HOURS * limits.MIN_SD_RATIO),
    ("duration", 1e-300, 1e-300 * limits.MAX_SD_RATIO),
]


@pytest.mark.parametrize("kind", ["gamma", "lognormal"])
@pytest.mark.parametrize(("quantity", "mean", "sd"), CORNERS)
def test_the_sd_ratio_bounds_sample_finitely(kind, quantity, mean, sd):
    """At the bounds numpy samples blocks of 1024 with no overflow, warning or error."""
    if quantity == "duration":
        mean, sd = f"{mean!r} h", f"{sd!r} h"
    dist = parse_dist({"dist": kind, "mean": mean, "sd": sd}, quantity, 40.0)
    draw = sampler(dist, np.random.default_rng(0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = [draw() for _ in range(8 * 1024)]
    assert all(math.isfinite(value) and value >= 0 for value in values)


@pytest.mark.parametrize("ratio", [limits.MAX_SD_RATIO * 1.01, 1e10, limits.MIN_SD_RATIO / 2])
def test_sd_ratios_outside_the_bounds_are_refused(ratio):
    spec = {"dist": "gamma", "mean": 100, "sd": 100 * ratio}
    text = refused(
        SALES_ONLY, {"market.segments.0.deal_value": spec}, "market.segments.0.deal_value"
    )
    assert "sd / mean" in text


@pytest.mark.parametrize(
    ("weights", "total"),
    [([3, 1], "4"), ([0.5, 0.4], "0.9"), ([0.5, 0.5 + 1e-6], "1")],
)
def test_empirical_weights_must_add_up_to_one(weights, total):
    spec = {"dist": "empirical", "values": [1000, 4000], "weights": weights}
    text = refused(
        SALES_ONLY, {"market.segments.0.deal_value": spec}, "market.segments.0.deal_value"
    )
    assert f"add up to 1, got {total}" in text


def test_empirical_weights_within_the_tolerance_are_kept_as_written():
    weights = [0.1] * 10  # adds up to 0.9999999999999999
    spec = {"dist": "empirical", "values": list(range(1, 11)), "weights": weights}
    scenario = load_scenario(SALES_ONLY, {"market.segments.0.deal_value": spec})
    assert scenario.market.segments[0].deal_value.param("weights") == tuple(weights)


# ---------------------------------------------------------------- numbers are numbers


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sales.staff", "7"),
        ("market.segments.0.size", "7"),
        ("market.segments.0.initial_customers", "7"),
        ("clock.week_hours", "40"),
        ("money.gross_margin", "0.4"),
        ("sales.cost_per_head", "1500"),
        ("marketing.capacity_per_head", "3000"),
        ("marketing.channels.0.cost_per_lead", "180"),
        ("sales.prospecting.dials_per_block", "15"),
        ("sales.speed_to_lead.points", [["0 h", "1.0"], ["1 h", 0.5]]),
        ("retention.satisfied", [["0 h", "0.82"]]),
        ("market.segments.0.deal_value", "6000"),
    ],
)
def test_text_is_not_taken_as_a_number(field, value):
    text = refused(FULL_SYSTEM, {field: value}, field)
    assert "number" in text or "integer" in text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sales.prospecting.enabled", "true"),
        ("sales.prospecting.enabled", 1),
        ("service.feedback.enabled", "yes"),
        ("sales.handles_service", "no"),
        ("sales.handles_service", 0),
    ],
)
def test_text_and_numbers_are_not_switches(field, value):
    refused(FULL_SYSTEM, {field: value}, field)


def test_numbers_from_python_are_numbers():
    """A sweep may hand numpy numbers, or 6.0 for six: they are the numbers they say."""
    scenario = with_overrides(
        load_scenario(SALES_ONLY),
        {"sales.staff": np.int64(6), "money.gross_margin": np.float64(0.5), "service.staff": 2.0},
    )
    assert (scenario.sales.staff, scenario.money.gross_margin, scenario.service.staff) == (
        6,
        0.5,
        2,
    )
    assert type(scenario.sales.staff) is int
    refused(SALES_ONLY, {"sales.staff": 6.5}, "sales.staff")


def test_whole_numbers_are_taken_where_a_number_is_expected():
    scenario = load_scenario(
        FULL_SYSTEM,
        {
            "clock.week_hours": 40,
            "marketing.channels.0.cost_per_lead": 180,
            "money.gross_margin": 1,
        },
    )
    assert scenario.clock.week_hours == 40.0
    assert isinstance(scenario.marketing.channels[0].cost_per_lead, float)
    assert scenario.money.gross_margin == 1.0


# ---------------------------------------------------------------- settings that would be ignored


@pytest.mark.parametrize(
    ("curve", "ignored"),
    [
        ({"curve": "none", "points": [["0 h", 1.0]]}, "points"),
        ({"curve": "none", "half_life": "1 h"}, "half_life"),
        ({"curve": "none", "floor": 0.1}, "floor"),
        ({"curve": "none", "interpolation": "linear"}, "interpolation"),
        ({"curve": "half_life", "half_life": "1 h", "points": [["0 h", 1.0]]}, "points"),
        ({"curve": "table", "points": [["0 h", 1.0]], "half_life": "1 h"}, "half_life"),
        ({"curve": "table", "points": [["0 h", 1.0]], "floor": 0.2}, "floor"),
    ],
)
def test_speed_to_lead_settings_the_curve_ignores_are_errors(curve, ignored):
    text = refused(SALES_ONLY, {"sales.speed_to_lead": curve}, f"sales.speed_to_lead.{ignored}")
    assert curve["curve"] in text


def test_switching_the_curve_off_over_a_table_says_to_replace_the_table():
    text = refused(SALES_ONLY, {"sales.speed_to_lead.curve": "none"}, "sales.speed_to_lead.points")
    assert "curve = 'none'" in text


@pytest.mark.parametrize(
    "field", ["name", "market.segments.0.name", "marketing.channels.0.name", "money.currency"]
)
def test_names_cannot_be_empty(field):
    refused(FULL_SYSTEM, {field: ""}, field)


# ---------------------------------------------------------------- files


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_an_extends_chain_985_files_deep_is_a_clean_error(tmp_path):
    _write(tmp_path / "s0.toml", MINIMAL)
    for index in range(1, 986):
        _write(tmp_path / f"s{index}.toml", f'extends = "s{index - 1}.toml"\n')
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "s985.toml")
    assert f"more than {limits.MAX_EXTENDS_DEPTH}" in dict(info.value.problems)["extends"]


def test_an_extends_chain_at_the_limit_works(tmp_path):
    _write(tmp_path / "s0.toml", MINIMAL)
    for index in range(1, limits.MAX_EXTENDS_DEPTH):
        _write(tmp_path / f"s{index}.toml", f'extends = "s{index - 1}.toml"\nname = "s{index}"\n')
    last = tmp_path / f"s{limits.MAX_EXTENDS_DEPTH - 1}.toml"
    assert load_scenario(last).name == f"s{limits.MAX_EXTENDS_DEPTH - 1}"
    _write(tmp_path / "over.toml", f'extends = "{last.name}"\n')
    with pytest.raises(ScenarioError):
        load_scenario(tmp_path / "over.toml")


def test_toml_nested_100000_deep_is_a_clean_error(tmp_path):
    path = _write(tmp_path / "deep.toml", MINIMAL + "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "nested too deeply" in str(info.value)
    assert info.value.source == str(path)


def test_toml_nested_deeper_than_the_schema_needs_is_an_error(tmp_path):
    depth = limits.MAX_NESTING + 5
    path = _write(tmp_path / "deep.toml", MINIMAL + "x = " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "nested too deeply" in str(info.value)


def test_an_override_nested_too_deeply_is_an_error():
    value: object = 1
    for _ in range(5000):
        value = [value]
    with pytest.raises(ScenarioError) as info:
        load_scenario(SALES_ONLY, {"sales.meeting": value})
    assert "nested too deeply" in str(info.value)


def test_a_file_larger_than_the_limit_is_refused(tmp_path):
    path = _write(tmp_path / "big.toml", MINIMAL + "#" * limits.MAX_FILE_BYTES + "\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "1 MiB" in str(info.value)


def test_a_file_just_under_the_limit_is_read(tmp_path):
    padding = limits.MAX_FILE_BYTES - len(MINIMAL.encode()) - 2
    path = _write(tmp_path / "padded.toml", MINIMAL + "#" * padding + "\n")
    assert load_scenario(path).name == "minimal"


def _load_in_a_child(path: Path, memory: int | None = None) -> subprocess.CompletedProcess:
    """load_scenario(path) in a child process, with a timeout (and a memory cap, if given).

    A regression must fail the test, not hang it or eat the machine's memory.
    """
    code = (
        "import sys\n"
        "from sim.scenario import ScenarioError, load_scenario\n"
        "try:\n"
        f"    load_scenario({str(path)!r})\n"
        "except ScenarioError as exc:\n"
        "    print(exc)\n"
        "    sys.exit(2)\n"
    )

    def cap() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=cap if memory else None,  # the test process starts no threads
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused_without_reading_it():
    process = _load_in_a_child(Path("/dev/zero"), memory=1 << 30)
    assert process.returncode == 2, process.stderr[-500:]
    assert "/dev/zero: not a regular file" in process.stdout


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path)
    assert "not a regular file" in str(info.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    """Opening a FIFO blocks until a writer comes: load it in a child, with a timeout."""
    fifo = tmp_path / "scenario.toml"
    os.mkfifo(fifo)
    process = _load_in_a_child(fifo)
    assert process.returncode == 2, process.stderr[-500:]
    assert "not a regular file" in process.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_an_extends_pointing_at_a_fifo_is_refused(tmp_path):
    os.mkfifo(tmp_path / "parent.toml")
    child = _write(tmp_path / "child.toml", 'extends = "parent.toml"\n')
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert "not a regular file" in dict(info.value.problems)["extends"]


# ---------------------------------------------------------------- documentation


def test_the_readme_states_every_bound():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Limits", 1)[1].split("###", 1)[0]
    stated = [
        f"{limits.MAX_HORIZON_WEEKS:,}",
        f"{limits.MAX_WEEK_HOURS:g}",
        f"{limits.MIN_RATE_PER_HOUR:g}",
        f"{limits.MAX_MONEY:,.0f}",
        f"{limits.MIN_COST_PER_LEAD:g}",
        f"{limits.MAX_COST_STRENGTH:g}",
        f"{limits.MAX_SEGMENT_SIZE:,}",
        f"{limits.MAX_HEADCOUNT:,} staff",
        f"{limits.MAX_DIALS_PER_BLOCK:,} calls",
        f"{limits.MIN_SD_RATIO:g}",
        f"{limits.MAX_SD_RATIO:g}",
        f"{limits.WEIGHTS_TOLERANCE:g}",
        f"{limits.MAX_WORK:,}",
        f"{limits.MAX_FILE_BYTES // 1024 // 1024} MiB",
        f"{limits.MAX_EXTENDS_DEPTH} files",
        f"nested at most {limits.MAX_NESTING}",
    ]
    missing = [value for value in stated if value not in section]
    assert not missing, missing


# ---------------------------------------------------------------- empty keys and values


@pytest.mark.parametrize("text", ["sales.staff=", "sales.staff=  ", "name="])
def test_an_override_without_a_value_is_an_error(text):
    with pytest.raises(ScenarioError) as info:
        parse_override(text)
    assert info.value.source == "--set"
    assert "no value" in str(info.value)


def test_empty_text_is_written_with_quotes():
    assert parse_override('description=""') == ("description", "")


@pytest.mark.parametrize("key", ["sales..staff", ".sales.staff", "sales.staff.", "sales. .staff"])
def test_a_dotted_path_with_an_empty_key_is_an_error(key):
    with pytest.raises(ScenarioError) as info:
        load_scenario(SALES_ONLY, {key: 3})
    assert info.value.source == str(SALES_ONLY)
    assert dict(info.value.problems)[key].startswith("a dotted path needs a key")
