"""Dotted paths into scenario settings: list items by index or by name, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import ScenarioError, load_scenario, with_overrides
from sim.scenario.paths import PathError, get_path, set_path

ROOT = Path(__file__).resolve().parents[1]
FULL_SYSTEM = ROOT / "scenarios" / "full_system.toml"

SETTINGS = {
    "sales": {"staff": 5},
    "marketing": {
        "channels": [
            {"name": "search", "cost_per_lead": 180},
            {"name": "events", "cost_per_lead": 250},
        ]
    },
}


def fresh() -> dict:
    import copy

    return copy.deepcopy(SETTINGS)


def test_a_list_item_is_found_by_its_name_or_its_index():
    raw = fresh()
    assert get_path(raw, "marketing.channels.events.cost_per_lead") == 250
    assert get_path(raw, "marketing.channels.1.cost_per_lead") == 250
    set_path(raw, "marketing.channels.search.cost_per_lead", 999)
    assert raw["marketing"]["channels"][0]["cost_per_lead"] == 999
    assert raw["marketing"]["channels"][1]["cost_per_lead"] == 250


def test_an_unknown_name_lists_the_names_and_suggests_one():
    with pytest.raises(PathError) as info:
        set_path(fresh(), "marketing.channels.serch.cost_per_lead", 1)
    assert info.value.path == "marketing.channels.serch"
    assert "did you mean 'search'?" in info.value.message
    assert "names: search, events" in info.value.message
    assert "indices 0 to 1" in info.value.message


def test_get_path_names_what_is_written_where_a_key_is_missing():
    with pytest.raises(PathError) as info:
        get_path(fresh(), "sales.staf")
    assert info.value.path == "sales.staf"
    assert "did you mean 'staff'?" in info.value.message


def test_missing_tables_are_created_when_setting():
    raw = fresh()
    set_path(raw, "service.feedback.enabled", False)
    assert raw["service"] == {"feedback": {"enabled": False}}


def test_overrides_of_a_scenario_file_accept_channel_names():
    scenario = load_scenario(FULL_SYSTEM, {"marketing.channels.events.cost_per_lead": 1234})
    costs = {channel.name: channel.cost_per_lead for channel in scenario.marketing.channels}
    assert costs == {"search": 180, "events": 1234}
    again = with_overrides(scenario, {"marketing.channels.search.intent": 0.9})
    assert again.marketing.channels[0].intent == 0.9


def test_an_unknown_channel_in_an_override_names_the_file_and_the_names():
    with pytest.raises(ScenarioError) as info:
        load_scenario(FULL_SYSTEM, {"marketing.channels.tv.cost_per_lead": 1})
    assert info.value.source == str(FULL_SYSTEM)
    message = dict(info.value.problems)["marketing.channels.tv"]
    assert "names: search, events" in message
