"""Settings a scenario does not read: runs with equal keys simulate identically.

``sim.explain`` runs each distinct simulation once per replication, treating two
scenarios that differ only in settings the model never reads as one run
(``sim.explain.inert``), and sets such settings to their counterparts before it
compares two scenarios. Both rest on rules that restate decisions of the model;
these tests run the scenarios the rules merge and compare their tables, so a
change of the model that breaks a rule fails here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.explain.groups import resolve_groups
from sim.explain.inert import run_key, unread_settings, with_counterparts
from sim.explain.runs import build_coalitions
from sim.model import simulate
from sim.scenario.settings import difference_units, flatten, resolved_settings

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
# long enough for two insight reports to act (review every 4 weeks, 4 weeks' delay)
SHORT = {"clock.horizon": "14 w"}


def summary(scenario: sim.Scenario, replication: int = 0) -> pd.DataFrame:
    return simulate(scenario, 0, replication, ())["summary"].drop(columns=["scenario"])


def load(name: str) -> sim.Scenario:
    return sim.load_scenario(SCENARIOS / name, SHORT)


@pytest.mark.parametrize(
    ("file", "change"),
    [
        # no service agents: their speed, quality, cost and loop are never read
        ("sales_only.toml", {"service.complaint": "5 h", "service.complaint_satisfaction": 0.1}),
        ("sales_only.toml", {"service.cost_per_head": 9999, "service.feedback.learning_rate": 0.9}),
        # service agents take the requests: the salespeople's request settings are not read
        ("full_system.toml", {"sales.complaint": "9 h", "sales.handles_service": True}),
        # no marketers: their cost, capacity and research, and the loop, are not read
        ("variants/sales_plus_service.toml", {"marketing.cost_per_head": 5000}),
        ("variants/sales_plus_service.toml", {"service.feedback.weights.complaint": 9.0}),
        ("variants/sales_plus_service.toml", {"marketing.insight.fit_strength": 0.9}),
        # the loop off: its settings and, with no initial insight, insight's effects
        ("variants/marketing_no_feedback.toml", {"service.feedback.delay": "1 w"}),
        ("variants/marketing_no_feedback.toml", {"marketing.insight.cost_strength": 0.0}),
        # no prospecting, no operations staff
        ("full_system.toml", {"sales.prospecting.hit_rate": 0.5, "sales.prospecting.block": "3 h"}),
        ("sales_only.toml", {"operations.cost_per_head": 4000}),
    ],
)
def test_a_change_of_unread_settings_keeps_the_key_and_the_tables(file, change):
    base = load(file)
    changed = sim.with_overrides(base, change)
    assert set(change) <= unread_settings(flatten(resolved_settings(changed)))
    assert run_key(changed) == run_key(base)
    pd.testing.assert_frame_equal(summary(changed), summary(base))


@pytest.mark.parametrize(
    ("file", "change"),
    [
        ("sales_only.toml", {"sales.complaint": "5 h"}),
        ("full_system.toml", {"service.complaint_satisfaction": 0.5}),
        ("full_system.toml", {"marketing.insight.fit_strength": 0.9}),
        ("sales_only.toml", {"marketing.insight.initial": 0.5}),
    ],
)
def test_a_change_of_a_read_setting_changes_the_key(file, change):
    base = load(file)
    assert run_key(sim.with_overrides(base, change)) != run_key(base)


@pytest.mark.parametrize("file", ["sales_only.toml", "full_system.toml"])
def test_counterparts_change_only_what_is_not_read(file):
    base = load(file)
    neutral, changed = with_counterparts(base)
    assert changed
    assert run_key(neutral) == run_key(base)
    pd.testing.assert_frame_equal(summary(neutral, 1), summary(base, 1))


def test_counterparts_make_absent_agents_work_as_the_salespeople_do():
    neutral, changed = with_counterparts(load("sales_only.toml"))
    assert neutral.service.complaint == neutral.sales.complaint
    assert neutral.service.complaint_satisfaction == neutral.sales.complaint_satisfaction
    assert not neutral.service.feedback.enabled
    assert "service.feedback.enabled" in changed


@pytest.mark.slow
def test_every_subset_of_the_headline_pair_that_shares_a_key_simulates_identically():
    a, _ = with_counterparts(load("sales_only.toml"))
    b, _ = with_counterparts(load("full_system.toml"))
    groups = resolve_groups("auto", difference_units(a, b), a, b)
    built = build_coalitions(a, b, groups, list(range(1 << len(groups))))
    by_key: dict[str, list[sim.Scenario]] = {}
    for scenario in built.values():
        by_key.setdefault(run_key(scenario), []).append(scenario)
    assert len(by_key) == 80
    merged = [scenarios for scenarios in by_key.values() if len(scenarios) > 1]
    assert len(merged) == 48  # the loop cannot run without agents and marketers
    for scenarios in merged:
        first = summary(scenarios[0])
        for other in scenarios[1:]:
            pd.testing.assert_frame_equal(summary(other), first)
