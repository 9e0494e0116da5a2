"""Scenarios: the schema of a firm and its market, and how scenario files are read.

Imports run one way only: ``fields`` (the field types) <- ``departments`` <-
``schema`` (the scenario and its expected work) <- ``files`` (reading,
``extends``, overrides, error messages).
"""

from sim.scenario.files import (
    ScenarioError,
    load_scenario,
    parse_override,
    scenario_from_dict,
    with_overrides,
)
from sim.scenario.schema import SALES_WORK, SERVICE_WORK, Scenario, WorkTerm, expected_work

__all__ = [
    "SALES_WORK",
    "SERVICE_WORK",
    "Scenario",
    "ScenarioError",
    "WorkTerm",
    "expected_work",
    "load_scenario",
    "parse_override",
    "scenario_from_dict",
    "with_overrides",
]
