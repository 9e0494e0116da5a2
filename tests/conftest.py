"""Shared fixtures (the repository's scenario files) and the Hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_ci import pytest_runtest_makereport  # noqa: F401  (under CI a browser test may not skip)
from hypothesis import settings

import sim

# No example database in the working tree; under CI the examples are derandomised,
# so a change cannot fail on an example that an unrelated earlier run never met.
settings.register_profile("default", database=None)
settings.register_profile("ci", database=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@pytest.fixture(scope="session")
def scenarios_dir() -> Path:
    """The repository's ``scenarios/`` folder."""
    return SCENARIOS


@pytest.fixture(scope="session")
def sales_only() -> sim.Scenario:
    """The headline sales-only scenario (104 weeks as written; shorten per test)."""
    return sim.load_scenario(SCENARIOS / "sales_only.toml")


@pytest.fixture(scope="session")
def full_system() -> sim.Scenario:
    """The headline full-system scenario (104 weeks as written; shorten per test)."""
    return sim.load_scenario(SCENARIOS / "full_system.toml")
