"""flocksim: a firm as marketing, sales and service, simulated with SimPy.

The public face::

    import sim
    scenario = sim.load_scenario("scenarios/full_system.toml")
    smaller = sim.with_overrides(scenario, {"sales.staff": 4})
    results = sim.run(scenario, replications=30, seed=0, workers=2)
    results.summary            # one row per replication
    results.save("results/x")  # Parquet plus manifest.json
"""

from sim.results import Results
from sim.runner import run
from sim.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    scenario_from_dict,
    with_overrides,
)

__all__ = [
    "Results",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "run",
    "scenario_from_dict",
    "with_overrides",
]
