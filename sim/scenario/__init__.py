"""Scenarios: the schema of a firm and its market, and how scenario files are read."""

from sim.scenario.files import ScenarioError, load_scenario, parse_override, scenario_from_dict
from sim.scenario.schema import SALES_WORK, SERVICE_WORK, Scenario

__all__ = [
    "SALES_WORK",
    "SERVICE_WORK",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_override",
    "scenario_from_dict",
]
