"""Scenario files: loading, validation messages, units, distributions, extends, overrides."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import pytest
from pydantic import ValidationError

from sim.distributions import DIST_KINDS
from sim.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_override,
    scenario_from_dict,
    with_overrides,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"

MINIMAL: dict = {
    "name": "minimal",
    "market": {"segments": [{"name": "smb", "size": 1000, "deal_value": 5000}]},
    "sales": {"staff": 2, "first_contact": "30 min"},
}


def build(overrides: dict | None = None, source: str = "test.toml") -> Scenario:
    """The minimal scenario with dotted-path overrides, validated."""
    raw = copy.deepcopy(MINIMAL)
    scenario = scenario_from_dict(raw, source=source)
    return with_overrides(scenario, overrides) if overrides else scenario


def problems_of(overrides: dict) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        build(overrides)
    return info.value.problems


def problem_at(overrides: dict, path: str) -> str:
    """The message of the problem reported at ``path`` (fails if there is none).

    A union field reports each branch below its path (``size.int``), so a
    problem under ``path`` counts too.
    """
    problems = problems_of(overrides)
    messages = [
        message for where, message in problems if where == path or where.startswith(path + ".")
    ]
    assert messages, f"no problem at {path!r}; got {problems}"
    return messages[0]


# ---------------------------------------------------------------- unknown keys


def test_unknown_key_in_file_names_file_field_and_suggestion():
    path = DATA / "unknown_key.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    error = info.value
    assert error.source == str(path)
    problems = dict(error.problems)
    # the typo leaves the required `staff` missing: both are reported
    assert set(problems) == {"sales.staf", "sales.staff"}
    message = problems["sales.staf"]
    assert "unknown key" in message
    assert "did you mean 'staff'?" in message
    assert "allowed:" in message
    assert "first_contact" in message
    assert str(path) in str(error)
    assert "sales.staf" in str(error)


def test_unknown_key_inside_list_item_names_index_and_suggestion():
    path = DATA / "bad_segment_key.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    error = info.value
    assert error.source == str(path)
    message = dict(error.problems)["market.segments.0.sise"]
    assert "did you mean 'size'?" in message


def test_one_bad_segment_field_gives_exactly_one_problem():
    """A typo in one segment must not also report the segment list as empty.

    pydantic re-checks ``min_length=1`` on the tuple after dropping the invalid
    item and adds "Tuple should have at least 1 item after validation, not 0"
    with a dump of the whole input, which is false and floods the one-line error.
    """
    problems = problems_of({"market.segments.0.sise": 1000})
    assert [where for where, _ in problems] == ["market.segments.0.sise"]
    problems = problems_of({"market.segments.0.problem_probability": 1.5})
    assert [where for where, _ in problems] == ["market.segments.0.problem_probability"]


@pytest.mark.parametrize(
    ("path", "suggestion"),
    [
        ("nmae", "name"),
        ("clock.horizn", "horizon"),
        ("sales.speed_to_lead.half_lif", "half_life"),
        ("service.feedback.learning_rat", "learning_rate"),
        ("marketing.insight.fad", "fade"),
    ],
)
def test_unknown_keys_suggest_the_closest_allowed_key(path, suggestion):
    assert f"did you mean {suggestion!r}?" in problem_at({path: 1}, path)


def test_unknown_key_without_close_match_lists_allowed_keys():
    message = problem_at({"sales.zzzzzz": 1}, "sales.zzzzzz")
    assert "did you mean" not in message
    assert "allowed:" in message
    assert "staff" in message


def test_unknown_key_given_as_override_names_the_file():
    path = ROOT / "scenarios" / "sales_only.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, {"sales.staf": 6})
    assert info.value.source == str(path)
    assert "did you mean 'staff'?" in dict(info.value.problems)["sales.staf"]


# ---------------------------------------------------------------- types and ranges


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("sales.staff", "many"),
        ("sales.staff", 2.5),
        ("sales.staff", -1),
        ("money.currency", 5),
        ("money.gross_margin", "high"),
        ("sales.prospecting.enabled", "sometimes"),
        ("sales.priority", 3),
        ("market.segments.0.size", "lots"),
    ],
)
def test_wrong_types_and_values_are_rejected_at_their_path(path, value):
    message = problem_at({path: value}, path)
    assert message


def test_segment_size_must_be_positive():
    message = problem_at({"market.segments.0.size": 0}, "market.segments.0")
    assert "size must be at least 1" in message


@pytest.mark.parametrize(("path", "value"), [("sales.staff", True), ("clock.week_hours", True)])
def test_booleans_are_not_numbers(path, value):
    """``staff = true`` is a typo, not one salesperson (pydantic's lax mode accepts it)."""
    problem_at({path: value}, path)


@pytest.mark.parametrize(
    "path",
    [
        "money.gross_margin",
        "market.segments.0.problem_probability",
        "market.segments.0.intent_organic",
        "sales.complaint_satisfaction",
        "service.complaint_satisfaction",
        "marketing.insight.initial",
        "retention.silent",
    ],
)
@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_probabilities_outside_zero_one_are_rejected(path, value):
    message = problem_at({path: value}, path)
    assert ("0" in message) or ("1" in message)


@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, 0.25])
def test_probability_bounds_are_inclusive(value):
    assert build({"money.gross_margin": value}).money.gross_margin == value


ONE_CHANNEL = [{"name": "search", "budget_share": 1.0, "cost_per_lead": 100}]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("marketing.budget_per_week", float("inf")),
        ("sales.cost_per_head", float("inf")),
        ("sales.cost_per_head", float("nan")),
    ],
)
def test_money_must_be_finite(path, value):
    """An infinite budget validates today and then crashes the CLI's summary."""
    problem_at({"marketing.channels": ONE_CHANNEL, path: value}, path)


# ---------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("15 min", 0.25),
        ("90 minutes", 1.5),
        ("2 h", 2.0),
        ("1.5 hours", 1.5),
        ("3 d", 24.0),
        ("1 w", 40.0),
        ("2 weeks", 80.0),
        ("1 y", 40.0 * 52),
        (0, 0.0),
        (0.0, 0.0),
    ],
)
def test_durations_convert_to_working_hours(text, hours):
    scenario = build({"sales.meeting": text, "retention.unresolved_after": text or "1 h"})
    assert scenario.sales.meeting.kind == "fixed"
    assert scenario.sales.meeting.param("value") == pytest.approx(hours)
    if text:
        assert scenario.retention.unresolved_after == pytest.approx(hours)


def test_a_bare_zero_needs_no_unit_for_a_plain_duration():
    assert build({"clock.warmup": 0}).clock.warmup == 0.0


@pytest.mark.parametrize("value", [5, 2.5, "5"], ids=["int", "float", "string"])
def test_a_bare_nonzero_duration_is_an_error_asking_for_a_unit(value):
    message = problem_at({"sales.meeting": value}, "sales.meeting")
    assert "unit" in message
    message = problem_at({"clock.horizon": value}, "clock.horizon")
    assert "unit" in message


@pytest.mark.parametrize("text", ["3 fortnights", "-1 h", "h", "soon", True])
def test_unreadable_durations_are_errors(text):
    assert problem_at({"sales.meeting": text}, "sales.meeting")


def test_week_hours_changes_what_a_day_and_a_week_mean():
    scenario = build({"clock.week_hours": 35, "sales.meeting": "1 d", "clock.horizon": "1 w"})
    assert scenario.sales.meeting.param("value") == pytest.approx(7.0)
    assert scenario.clock.horizon == pytest.approx(35.0)
    assert build({"sales.meeting": "1 d"}).sales.meeting.param("value") == pytest.approx(8.0)


def test_default_horizon_follows_week_hours():
    """The default horizon is 104 weeks of the scenario's own week.

    Today it is 104 x 40 hours whatever ``week_hours`` says, so a file with
    ``week_hours = 35`` and no horizon fails with "horizon must be a whole number
    of weeks, got 118.857 weeks", about a field the user never wrote.
    """
    scenario = build({"clock.week_hours": 35})
    assert scenario.clock.horizon == pytest.approx(104 * 35)


def test_horizon_and_warmup_must_be_whole_weeks():
    assert "whole number of weeks" in problem_at({"clock.horizon": "9 d"}, "clock")
    assert "whole number of weeks" in problem_at({"clock.warmup": "3 d"}, "clock")
    assert build({"clock.horizon": "10 d", "clock.warmup": "5 d"}).clock.horizon == 80.0


def test_week_hours_set_in_a_parent_file_applies_to_the_child():
    scenario = load_scenario(DATA / "extends" / "sub" / "child.toml")
    assert scenario.clock.week_hours == 35
    assert scenario.sales.first_contact.param("value") == pytest.approx(7.0)  # "1 d"


# ---------------------------------------------------------------- rates


@pytest.mark.parametrize(
    ("value", "weekly"),
    [
        ("12 / w", 12.0),
        ("12 per week", 12.0),
        (12, 12.0),
        (0.5, 0.5),
        ("0.38 / y", 0.38 / 52),
        ("3 / d", 15.0),
        ("2 / h", 80.0),
    ],
)
def test_rates_convert_to_per_working_hour(value, weekly):
    scenario = build({"market.segments.0.reorder_rate": value})
    assert scenario.market.segments[0].reorder_rate == pytest.approx(weekly / 40.0)


def test_bare_rates_are_per_week_of_the_scenarios_week_hours():
    week = {"clock.week_hours": 35, "clock.horizon": "10 w"}
    scenario = build(week | {"market.segments.0.reorder_rate": 7})
    assert scenario.market.segments[0].reorder_rate == pytest.approx(7 / 35)
    scenario = build(week | {"market.segments.0.churn_rate": "0.35 / y"})
    assert scenario.market.segments[0].churn_rate == pytest.approx(0.35 / (35 * 52))


@pytest.mark.parametrize("value", ["12 w", "-1 / w", "12 / fortnight", "often", -3])
def test_unreadable_rates_are_errors(value):
    assert problem_at({"market.segments.0.reorder_rate": value}, "market.segments.0.reorder_rate")


# ---------------------------------------------------------------- distributions


DURATION_DISTS = {
    "fixed": ({"dist": "fixed", "value": "2 h"}, {"value": 2.0}, 2.0),
    "exponential": ({"dist": "exponential", "mean": "30 min"}, {"mean": 0.5}, 0.5),
    "gamma": ({"dist": "gamma", "mean": "2 h", "sd": "1 h"}, {"mean": 2.0, "sd": 1.0}, 2.0),
    "lognormal": (
        {"dist": "lognormal", "mean": "1 d", "sd": "2 h"},
        {"mean": 8.0, "sd": 2.0},
        8.0,
    ),
    "triangular": (
        {"dist": "triangular", "low": "1 h", "mode": "2 h", "high": "6 h"},
        {"low": 1.0, "mode": 2.0, "high": 6.0},
        3.0,
    ),
    "uniform": ({"dist": "uniform", "low": "1 h", "high": "3 h"}, {"low": 1.0, "high": 3.0}, 2.0),
    "empirical": (
        {"dist": "empirical", "samples": ["1 h", "2 h", "6 h"]},
        {"values": (1.0, 2.0, 6.0), "weights": pytest.approx((1 / 3, 1 / 3, 1 / 3))},
        3.0,
    ),
}


def test_every_dist_kind_is_covered():
    assert set(DURATION_DISTS) == set(DIST_KINDS)


@pytest.mark.parametrize("kind", sorted(DURATION_DISTS))
def test_every_dist_kind_parses_with_units(kind):
    spec, params, mean = DURATION_DISTS[kind]
    dist = build({"sales.meeting": spec}).sales.meeting
    assert dist.kind == kind
    assert dict(dist.params) == params
    assert dist.mean == pytest.approx(mean)


def test_empirical_values_with_weights():
    spec = {"dist": "empirical", "values": ["1 h", "1 d"], "weights": [0.75, 0.25]}
    dist = build({"sales.meeting": spec}).sales.meeting
    assert dist.param("values") == (1.0, 8.0)
    assert dist.param("weights") == pytest.approx((0.75, 0.25))
    assert dist.mean == pytest.approx(0.75 * 1 + 0.25 * 8)


def test_money_dists_take_plain_numbers():
    spec = {"dist": "lognormal", "mean": 6000, "sd": 3000}
    dist = build({"market.segments.0.deal_value": spec}).market.segments[0].deal_value
    assert dist.kind == "lognormal"
    assert dict(dist.params) == {"mean": 6000.0, "sd": 3000.0}


def test_a_gamma_with_zero_sd_is_a_fixed_value():
    dist = build({"sales.meeting": {"dist": "gamma", "mean": "2 h", "sd": 0}}).sales.meeting
    assert dist.kind == "fixed"
    assert dist.param("value") == 2.0


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"dist": "exponental", "mean": "1 h"}, "did you mean 'exponential'?"),
        ({"dist": "gama", "mean": "1 h", "sd": "1 h"}, "did you mean 'gamma'?"),
        ({"mean": "1 h"}, "needs 'dist'"),
        ({"dist": "gamma", "mean": "1 h"}, "needs sd"),
        ({"dist": "triangular", "low": "1 h", "high": "2 h"}, "needs mode"),
        ({"dist": "exponential", "meen": "1 h"}, "did you mean 'mean'?"),
        ({"dist": "uniform", "low": "3 h", "high": "1 h"}, "low < high"),
        ({"dist": "uniform", "low": "1 h", "high": "1 h"}, "low < high"),
        ({"dist": "triangular", "low": "1 h", "mode": "5 h", "high": "4 h"}, "low <= mode <= high"),
        ({"dist": "exponential", "mean": 0}, "mean > 0"),
        ({"dist": "gamma", "mean": "1 h", "sd": "-1 h"}, "negative"),
        ({"dist": "exponential", "mean": 1}, "unit"),
        ({"dist": "empirical", "values": ["1 h", "2 h"]}, "weights"),
        ({"dist": "empirical", "values": ["1 h", "2 h"], "weights": [1]}, "one per value"),
        ({"dist": "empirical", "samples": []}, "non-empty"),
        ({"dist": "empirical", "values": ["1 h"], "weights": [0]}, "add up to 1, got 0"),
        ({"dist": "empirical", "values": ["1 h", "2 h"], "weights": [3, 1]}, "add up to 1, got 4"),
        ({"dist": "empirical", "values": ["1 h", "2 h"], "weights": [1.5, -0.5]}, "negative"),
        ({"dist": "empirical", "samples": ["1 h"], "values": ["1 h"]}, "either"),
    ],
)
def test_bad_dists_give_clear_errors_at_their_field(spec, expected):
    assert expected in problem_at({"sales.meeting": spec}, "sales.meeting")


def test_unknown_dist_lists_the_allowed_kinds():
    message = problem_at({"sales.meeting": {"dist": "poisson", "mean": "1 h"}}, "sales.meeting")
    assert all(kind in message for kind in DIST_KINDS)


def test_money_dist_rejects_duration_units_and_negative_values():
    path = "market.segments.0.deal_value"
    assert "number" in problem_at({path: {"dist": "exponential", "mean": "6000 h"}}, path)
    assert "negative" in problem_at({path: -5}, path)


# ---------------------------------------------------------------- extends


def test_extends_merges_tables_and_replaces_lists():
    scenario = load_scenario(DATA / "extends" / "sub" / "child.toml")
    assert scenario.name == "child"
    assert scenario.description == "the parent"
    # [sales] merged key by key: staff from the child, the rest from the parent
    assert scenario.sales.staff == 7
    assert scenario.sales.cost_per_head == 1500
    assert scenario.sales.closing_meetings == 3
    # the list of segments is replaced, not appended to
    assert [segment.name for segment in scenario.market.segments] == ["retail"]
    assert "extends" not in scenario.raw


def test_extends_is_read_only_from_files():
    """A settings dict or an override cannot extend: it would be silently ignored."""
    raw = load_scenario(DATA / "extends" / "sub" / "child.toml").raw
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({**raw, "extends": "other.toml"})
    assert "extends" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "extends" / "sub" / "child.toml", {"extends": "other.toml"})
    assert "only a scenario file can extend" in str(info.value)


def test_extends_resolves_relative_to_the_file_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scenario = load_scenario(DATA / "extends" / "sub" / "child.toml")
    assert scenario.sales.cost_per_head == 1500


def test_extends_then_overrides():
    path = DATA / "extends" / "sub" / "child.toml"
    scenario = load_scenario(path, {"sales.closing_meetings": 1, "market.segments.0.size": 10})
    assert scenario.sales.closing_meetings == 1
    assert scenario.market.segments[0].size == 10
    assert scenario.source == str(path)


def test_circular_extends_is_an_error():
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "extends" / "circular_a.toml")
    problems = dict(info.value.problems)
    assert "circular" in problems["extends"]
    assert "circular_a.toml" in problems["extends"]
    assert "circular_b.toml" in problems["extends"]


def test_missing_parent_file_is_an_error():
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "extends" / "missing_parent.toml")
    text = str(info.value)
    assert "no_such_parent.toml" in text
    assert "not found" in text


def test_missing_parent_error_names_the_file_that_extends_it():
    """With a chain of files, the user must learn which one has the bad ``extends``."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "extends" / "missing_parent.toml")
    assert "missing_parent.toml" in str(info.value)
    assert "extends" in str(info.value)


def test_missing_file_is_a_scenario_error(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.source == str(path)
    assert "not found" in str(info.value)


def test_toml_syntax_errors_name_the_file_and_line():
    path = DATA / "syntax_error.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.source == str(path)
    assert "TOML" in str(info.value)
    assert "line 4" in str(info.value)


def test_a_file_that_is_not_utf8_is_a_scenario_error(tmp_path):
    """Bytes that are not UTF-8 raise UnicodeDecodeError today (a traceback in the CLI)."""
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "café"\n'.encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.source == str(path)


# ---------------------------------------------------------------- overrides


def test_with_overrides_returns_a_new_scenario_and_leaves_the_original():
    original = build()
    changed = with_overrides(original, {"sales.staff": 6, "clock.horizon": "6 w"})
    assert changed is not original
    assert (changed.sales.staff, changed.clock.horizon) == (6, 240.0)
    assert (original.sales.staff, original.clock.horizon) == (2, 104 * 40.0)
    assert original.raw["sales"]["staff"] == 2
    assert changed.source == original.source


def test_scenarios_are_frozen():
    scenario = build()
    with pytest.raises(ValidationError, match="frozen"):
        scenario.name = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        scenario.sales.staff = 9  # type: ignore[misc]
    assert isinstance(scenario.market.segments, tuple)
    assert scenario.sales.staff == 2


def test_raw_is_a_copy():
    scenario = build()
    before = scenario.hash
    raw = scenario.raw
    raw["sales"]["staff"] = 99
    assert scenario.raw["sales"]["staff"] == 2
    assert scenario.hash == before


def test_list_index_overrides():
    scenario = load_scenario(
        DATA / "extends" / "base.toml",
        {"market.segments.1.size": 70, "market.segments.0.deal_value": 10},
    )
    assert [segment.size for segment in scenario.market.segments] == [1000, 70]
    assert scenario.market.segments[0].deal_value.param("value") == 10.0


def test_override_replaces_a_whole_list_item():
    item = {"name": "solo", "size": 5, "deal_value": 1}
    scenario = build({"market.segments.0": item})
    assert scenario.market.segments[0].name == "solo"


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("market.segments.5.size", "market.segments.5"),
        ("market.segments.x.size", "market.segments.x"),
        ("market.segments.-1.size", "market.segments.-1"),
    ],
)
def test_bad_list_index_is_an_error(path, where):
    message = problem_at({path: 3}, where)
    assert "indices 0 to 0" in message


def test_setting_a_key_inside_a_plain_value_is_an_error():
    assert "plain value" in problem_at({"sales.staff.x": 1}, "sales.staff.x")


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("sales.staff=6", "sales.staff", 6),
        ("money.gross_margin=0.5", "money.gross_margin", 0.5),
        ("sales.prospecting.enabled=true", "sales.prospecting.enabled", True),
        ("money.currency='USD'", "money.currency", "USD"),
        ('clock.horizon="6 w"', "clock.horizon", "6 w"),
        ("money.currency=USD", "money.currency", "USD"),
        ("clock.horizon=6 w", "clock.horizon", "6 w"),
        (" sales.staff = 6 ", "sales.staff", 6),
        ("sales.priority=['contact']", "sales.priority", ["contact"]),
        (
            "sales.meeting={dist='exponential', mean='1 h'}",
            "sales.meeting",
            {"dist": "exponential", "mean": "1 h"},
        ),
        ("name=a=b", "name", "a=b"),
    ],
)
def test_parse_override_reads_values_as_toml(text, key, value):
    parsed = parse_override(text)
    assert parsed == (key, value)
    assert type(parsed[1]) is type(value)


@pytest.mark.parametrize("text", ["sales.staff", "=6", "  =6"])
def test_parse_override_needs_key_and_value(text):
    with pytest.raises(ScenarioError) as info:
        parse_override(text)
    assert info.value.source == "--set"
    assert "KEY=VALUE" in str(info.value)


def test_parsed_overrides_apply_to_a_file():
    pairs = dict(parse_override(text) for text in ["sales.staff=6", 'clock.horizon="6 w"'])
    scenario = load_scenario(ROOT / "scenarios" / "sales_only.toml", pairs)
    assert scenario.sales.staff == 6
    assert scenario.clock.horizon == 240.0


# ---------------------------------------------------------------- cross checks


def test_channel_naming_an_unknown_segment_is_an_error():
    channel = {"name": "search", "budget_share": 1.0, "cost_per_lead": 100, "segments": ["smbb"]}
    with pytest.raises(ScenarioError) as info:
        build({"marketing.channels": [channel]})
    text = str(info.value)
    assert "marketing.channels.0.segments" in text
    assert "unknown segment 'smbb'" in text
    assert "did you mean 'smb'?" in text


def test_channel_naming_a_known_segment_is_fine():
    channel = {"name": "search", "budget_share": 1.0, "cost_per_lead": 100, "segments": ["smb"]}
    scenario = build({"marketing.channels": [channel], "marketing.budget_per_week": 100})
    assert scenario.marketing.channels[0].segments == ("smb",)


def test_segment_names_must_be_unique():
    twin = {"name": "smb", "size": 10, "deal_value": 1}
    segments = [MINIMAL["market"]["segments"][0], twin]
    message = problem_at({"market.segments": segments}, "market.segments")
    assert "must be unique; repeated: smb" in message


def test_budget_shares_must_add_up_to_one():
    channels = [
        {"name": "a", "budget_share": 0.5, "cost_per_lead": 100},
        {"name": "b", "budget_share": 0.4, "cost_per_lead": 100},
    ]
    assert "add up to 1" in problem_at({"marketing.channels": channels}, "marketing")


def test_warmup_must_be_shorter_than_horizon():
    assert "warmup" in problem_at({"clock.horizon": "4 w", "clock.warmup": "4 w"}, "clock")


@pytest.mark.parametrize(
    "priority",
    [
        ["complaint", "reorder", "onboarding", "contact", "meeting", "collection"],
        [
            "complaint",
            "reorder",
            "onboarding",
            "contact",
            "meeting",
            "collection",
            "expedite",
            "contact",
        ],
        ["complaint", "reorder", "onboarding", "contact", "meeting", "collection", "expedit"],
        ["complaint", "complaint", "onboarding", "contact", "meeting", "collection", "expedite"],
    ],
)
def test_sales_priority_must_be_a_permutation(priority):
    message = problem_at({"sales.priority": priority}, "sales.priority")
    assert "exactly once" in message


def test_any_permutation_of_priorities_is_accepted():
    order = ["contact", "collection", "expedite", "meeting", "onboarding", "reorder", "complaint"]
    assert build({"sales.priority": order}).sales.priority == tuple(order)
    service_order = ["analysis", "onboarding", "reorder", "complaint"]
    scenario = build({"service.priority": service_order})
    assert scenario.service.priority == tuple(service_order)
    assert "exactly once" in problem_at({"service.priority": order}, "service.priority")


# ---------------------------------------------------------------- hash and files


def test_hash_is_stable_and_ignores_the_source():
    first = load_scenario(ROOT / "scenarios" / "full_system.toml")
    second = load_scenario(ROOT / "scenarios" / "full_system.toml")
    assert first.hash == second.hash
    assert len(first.hash) == 64
    assert int(first.hash, 16) >= 0
    assert scenario_from_dict(first.raw, source="elsewhere").hash == first.hash


def test_hash_changes_with_an_override_and_back():
    scenario = build()
    assert with_overrides(scenario, {"sales.staff": 3}).hash != scenario.hash
    assert with_overrides(scenario, {"sales.staff": 2}).hash == scenario.hash
    assert with_overrides(scenario, {"clock.horizon": "6 w"}).hash != scenario.hash


def test_the_minimal_data_file_matches_the_minimal_dict():
    assert load_scenario(DATA / "minimal.toml").hash == build().hash


def test_there_are_scenario_files_to_check(scenario_files):
    names = {path.relative_to(ROOT / "scenarios").as_posix() for path in scenario_files}
    assert {"sales_only.toml", "full_system.toml", "validation/mmc.toml"} <= names
    assert not any("sweeps" in path.parts for path in scenario_files)  # sweep files


def test_every_shipped_scenario_validates(scenario_file):
    scenario = load_scenario(scenario_file)
    assert isinstance(scenario, Scenario)
    assert scenario.name
    assert scenario.source == str(scenario_file)
    assert scenario.clock.horizon > scenario.clock.warmup >= 0


def test_shipped_scenario_names_are_unique(scenario_files):
    names = [load_scenario(path).name for path in scenario_files]
    assert len(names) == len(set(names))


def test_left_out_tables_read_durations_with_the_scenarios_week():
    """Defaults written in weeks or days follow clock.week_hours, like written values."""
    scenario = scenario_from_dict(
        {**load_scenario(DATA / "minimal.toml").raw, "clock": {"week_hours": 20}}
    )
    assert scenario.retention.unresolved_after == 20.0  # "1 w"
    assert scenario.retention.satisfied[1][0] == 4.0  # "1 d"
    assert scenario.service.feedback.review_period == 80.0  # "4 w"
    assert scenario.clock.horizon == 104 * 20.0


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ({"market.segments.0.size": True}, "expected a whole number"),
        ({"marketing.capacity_per_head": 0}, "greater than 0"),
        ({"sales.first_contact": {"dist": "exponential", "mean": "1e400 h"}}, "finite"),
        ({"sales.first_contact": "3 m"}, "unknown unit"),
    ],
)
def test_more_bad_values_are_rejected(override, fragment):
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "minimal.toml", override)
    assert fragment in str(info.value)


def test_channel_names_must_be_unique():
    path = Path(__file__).resolve().parents[1] / "scenarios" / "full_system.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, {"marketing.channels.1.name": "search"})
    assert "repeated: search" in str(info.value)


# ---------------------------------------------------------------- structure


def _scenario_imports() -> dict[str, set[str]]:
    """Modules of ``sim.scenario`` each module imports, anywhere in the file (even lazily)."""
    folder = ROOT / "sim" / "scenario"
    modules = {f"sim.scenario.{path.stem}": path for path in folder.glob("*.py")}
    modules["sim.scenario"] = modules.pop("sim.scenario.__init__")
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
        graph[module] = {name for name in imported if name in modules and name != module}
    return graph


def test_sim_scenario_has_no_import_circle():
    """schema never imports files, not even inside a function (issue #7: no import circle)."""
    graph = _scenario_imports()
    assert "sim.scenario.files" not in graph["sim.scenario.schema"]
    assert "sim.scenario.schema" in graph["sim.scenario.files"]
    inner = {module: deps - {"sim.scenario"} for module, deps in graph.items()}
    inner.pop("sim.scenario")  # the package re-exports its modules
    state: dict[str, str] = {}

    def visit(module: str, trail: tuple[str, ...]) -> None:
        state[module] = "open"
        for dep in inner[module]:
            assert state.get(dep) != "open", " -> ".join((*trail, module, dep))
            if dep not in state:
                visit(dep, (*trail, module))
        state[module] = "done"

    for module in inner:
        if module not in state:
            visit(module, ())
    assert not [module for module in inner if "sim.scenario" in graph[module]]


def test_scenario_has_no_with_overrides_method():
    """Overrides live beside the file reading: ``sim.scenario.with_overrides(scenario, ...)``."""
    assert not hasattr(Scenario, "with_overrides")
    assert with_overrides(build(), {"sales.staff": 3}).sales.staff == 3
