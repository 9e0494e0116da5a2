"""Shared fixtures and the Hypothesis profiles.

- Scenario files: a test that takes an argument named ``scenario_file`` runs
  once per shipped scenario file (``tests/backtests.py`` says which files those
  are: everything under ``scenarios/`` but the sweep files); ``scenario_files``
  is the same list as one fixture; ``sales_only`` and ``full_system`` are the
  headline pair.
- Fakes (``tests/fakes.py``, a module so that worker processes can import the
  fake replication models by name): the fake models, ``CHART_NAMES`` (what
  ``sim.charts.all_charts`` makes, in order), ``SHARES`` (the five sales time
  shares) and ``comparison_frame`` (a comparison table from hand-written rows).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from backtests import scenario_files as shipped_scenario_files
from browser_ci import pytest_runtest_makereport  # noqa: F401  (under CI a browser test may not skip)
from hypothesis import settings

import sim

# No example database in the working tree; under CI the examples are derandomised,
# so a change cannot fail on an example that an unrelated earlier run never met.
settings.register_profile("default", database=None)
settings.register_profile("ci", database=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SCENARIO_FILES = shipped_scenario_files()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run tests that take ``scenario_file`` once per shipped scenario file."""
    if "scenario_file" in metafunc.fixturenames:
        metafunc.parametrize(
            "scenario_file",
            SCENARIO_FILES,
            ids=[path.relative_to(SCENARIOS).as_posix() for path in SCENARIO_FILES],
        )


@pytest.fixture(scope="session")
def scenario_files() -> list[Path]:
    """Every shipped scenario file (the sweep files under scenarios/sweeps/ are not)."""
    return list(SCENARIO_FILES)


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
