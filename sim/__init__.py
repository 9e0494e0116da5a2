"""flocksim: a firm as marketing, sales and service, simulated with SimPy.

The public face::

    import sim
    scenario = sim.load_scenario("scenarios/full_system.toml")
    smaller = sim.with_overrides(scenario, {"sales.staff": 4})
    results = sim.run(scenario, replications=30, seed=0, workers=2)
    results.summary            # one row per replication
    results.save("results/x")  # Parquet plus a verified manifest.json, never overwritten
    again = sim.Results.load("results/x")  # checked against the manifest
    paired = sim.compare(["scenarios/sales_only.toml", "scenarios/full_system.toml"])
    paired.table               # each figure's paired difference to the baseline
    swept = sim.sweep("scenarios/sweeps/headcount_split.toml", "results/split")
    swept.summary              # one row per variant, scenario and replication
    why = sim.explain("scenarios/sales_only.toml", "scenarios/full_system.toml")
    why.contributions          # B - A split over groups of settings (Shapley values)
"""

from sim.experiments import Comparison, ExperimentError, compare, run_paired
from sim.explain import ExplainError, Explanation, explain
from sim.results import Results, ResultsError
from sim.runner import run
from sim.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    scenario_from_dict,
    with_overrides,
)
from sim.sweeps import SweepResults, load_sweep, sweep

__all__ = [
    "Comparison",
    "ExperimentError",
    "ExplainError",
    "Explanation",
    "Results",
    "ResultsError",
    "Scenario",
    "ScenarioError",
    "SweepResults",
    "compare",
    "explain",
    "load_scenario",
    "load_sweep",
    "run",
    "run_paired",
    "scenario_from_dict",
    "sweep",
    "with_overrides",
]
