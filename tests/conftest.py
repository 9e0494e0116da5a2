"""Shared fixtures: the repository's scenario files."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim

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
