"""Seed stability, parallel = sequential, and common random numbers (MODEL.md, "Randomness").

- the same seed gives the same tables; different seeds give different ones;
- the tables do not depend on the number of worker processes, nor on which
  other replications ran in the same call;
- a named stream's draws depend on the seed, the replication and its name only,
  so adding a department (or any other stream) never shifts another's draws;
- the batched samplers hand out exactly the sequence one-at-a-time draws from
  the same generator would, across block boundaries, for every kind of dist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sim
from sim.distributions import BLOCK, Dist, parse_dist, sampler, uniforms
from sim.model import simulate
from sim.model.firm import Firm
from sim.streams import Streams

TABLES = ("summary", "weekly", "leads", "customers", "queues")
SHORT = {"clock.horizon": "8 w"}


def _assert_same_tables(a: sim.Results, b: sim.Results) -> None:
    for name in TABLES:
        left, right = getattr(a, name), getattr(b, name)
        assert not left.empty, name
        pd.testing.assert_frame_equal(left, right, check_exact=True, obj=name)


# ------------------------------------------------------------------ whole runs


@pytest.mark.parametrize("name", ["sales_only.toml", "full_system.toml"])
def test_same_seed_same_tables(name: str, scenarios_dir: Path) -> None:
    scenario = sim.load_scenario(scenarios_dir / name, SHORT)
    first = sim.run(scenario, replications=2, seed=2024)
    again = sim.run(scenario, replications=2, seed=2024)
    _assert_same_tables(first, again)


@pytest.mark.parametrize("name", ["sales_only.toml", "full_system.toml"])
def test_different_seeds_differ(name: str, scenarios_dir: Path) -> None:
    scenario = sim.load_scenario(scenarios_dir / name, SHORT)
    a = sim.run(scenario, replications=1, seed=1, keep=("leads",))
    b = sim.run(scenario, replications=1, seed=2, keep=("leads",))
    assert a.summary["seed"].iloc[0] != b.summary["seed"].iloc[0]
    assert a.summary["revenue"].iloc[0] != b.summary["revenue"].iloc[0]
    n = min(len(a.leads), len(b.leads))
    assert n > 10
    assert not np.array_equal(a.leads["created_h"][:n], b.leads["created_h"][:n])


def test_replications_differ_within_a_run(full_system: sim.Scenario) -> None:
    summary = sim.run(
        sim.with_overrides(full_system, SHORT), replications=3, seed=7, keep=()
    ).summary
    assert summary["seed"].nunique() == 3
    assert summary["revenue"].nunique() == 3


def test_parallel_equals_sequential(full_system: sim.Scenario) -> None:
    scenario = sim.with_overrides(full_system, SHORT)
    sequential = sim.run(scenario, replications=4, seed=99, workers=1)
    parallel = sim.run(scenario, replications=4, seed=99, workers=2)
    _assert_same_tables(sequential, parallel)


def test_replication_does_not_depend_on_its_neighbours(sales_only: sim.Scenario) -> None:
    """Replication r draws from (seed, r) alone: running it alone gives the same tables."""
    scenario = sim.with_overrides(sales_only, SHORT)
    together = sim.run(scenario, replications=3, seed=5)
    alone = sim.run(scenario, replications=1, seed=5, first_replication=2)
    for name in TABLES:
        frame = getattr(together, name)
        part = frame[frame["replication"] == 2].reset_index(drop=True)
        pd.testing.assert_frame_equal(part, getattr(alone, name), check_exact=True, obj=name)


def test_model_entry_matches_runner(sales_only: sim.Scenario) -> None:
    scenario = sim.with_overrides(sales_only, SHORT)
    direct = simulate(scenario, 3, 1, keep=TABLES)
    via_runner = sim.run(scenario, replications=1, seed=3, first_replication=1)
    for name in TABLES:
        pd.testing.assert_frame_equal(direct[name], getattr(via_runner, name), obj=name)


# ------------------------------------------------------------------ common random numbers


def _organic_only(**extra: Any) -> dict[str, Any]:
    """Organic inquiries only (no word of mouth, no cold calls): arrivals owe the firm nothing."""
    raw: dict[str, Any] = {
        "name": "organic",
        "clock": {"horizon": "6 w"},
        "market": {
            "segments": [
                {
                    "name": "finite",
                    "size": 4000,
                    "p_organic": "0.01 / w",
                    "initial_customers": 50,
                    "deal_value": {"dist": "lognormal", "mean": 5000, "sd": 2000},
                    "patience": {"dist": "exponential", "mean": "1 d"},
                    "reorder_rate": "1 / w",
                    "reorder_value": 800,
                    "problem_probability": 0.3,
                    "churn_rate": "0.05 / w",
                },
                {
                    "name": "pool",
                    "size": "unlimited",
                    "lead_rate": "10 / w",
                    "deal_value": 2000,
                },
            ]
        },
        "sales": {
            "staff": 2,
            "first_contact": {"dist": "exponential", "mean": "1 h"},
            "closing_meetings": 1,
            "meeting": {"dist": "gamma", "mean": "2 h", "sd": "1 h"},
        },
    }
    for key, value in extra.items():
        raw[key] = value
    return raw


def _arrivals(raw: dict[str, Any], seed: int = 17) -> pd.DataFrame:
    firm = Firm(sim.scenario_from_dict(raw), seed, 0)
    firm.run()
    leads = firm.collect(("leads",))["leads"]
    return leads[["segment", "source", "created_h", "intent"]]


def test_adding_departments_does_not_shift_arrivals() -> None:
    base = _arrivals(_organic_only())
    assert len(base) > 100
    assert set(base["source"]) == {"organic"}
    variants = {
        "service": _organic_only(service={"staff": 3, "cost_per_head": 900}),
        "more sales": _organic_only(
            sales={**_organic_only()["sales"], "staff": 7, "closing_meetings": 3}
        ),
        "idle marketing": _organic_only(
            marketing={
                "staff": 2,
                "budget_per_week": 0,
                "channels": [{"name": "ads", "budget_share": 1.0, "cost_per_lead": 100}],
            }
        ),
    }
    for label, raw in variants.items():
        other = _arrivals(raw)
        k = min(len(base), len(other))
        assert k >= 0.9 * len(base), label
        pd.testing.assert_frame_equal(
            base.iloc[:k].reset_index(drop=True),
            other.iloc[:k].reset_index(drop=True),
            check_exact=True,
            obj=label,
        )


# ------------------------------------------------------------------ streams


def test_named_stream_ignores_other_streams() -> None:
    alone = Streams(123, 4).generator("sales/win").random(50)
    crowded = Streams(123, 4)
    for name in ("arrivals/a/gap", "customers/problem", "zzz", "sales/win2"):
        crowded.generator(name).random(7)
    np.testing.assert_array_equal(crowded.generator("sales/win").random(50), alone)


def test_streams_are_distinct_by_name_seed_and_replication() -> None:
    def draws(seed: int, replication: int, name: str) -> np.ndarray:
        return Streams(seed, replication).generator(name).random(20)

    reference = draws(1, 0, "a")
    for other in (draws(2, 0, "a"), draws(1, 1, "a"), draws(1, 0, "b")):
        assert not np.array_equal(reference, other)
    np.testing.assert_array_equal(reference, draws(1, 0, "a"))


def test_a_stream_name_is_used_once() -> None:
    streams = Streams(0, 0)
    streams.generator("sales/win")
    with pytest.raises(ValueError, match="sales/win"):
        streams.uniform("sales/win")


def test_fixed_quantities_claim_no_stream() -> None:
    """Making a duration fixed (or random) must not rename or shift any other stream."""
    streams = Streams(0, 0)
    draw = streams.sampler("sales/meeting_time", Dist.fixed(2.0))
    assert [draw() for _ in range(3)] == [2.0, 2.0, 2.0]
    assert "sales/meeting_time" not in streams.names


# ------------------------------------------------------------------ batched samplers

DISTS: dict[str, Any] = {
    "fixed": "3 h",
    "exponential": {"dist": "exponential", "mean": "45 min"},
    "gamma": {"dist": "gamma", "mean": "2 h", "sd": "1 h"},
    "lognormal": {"dist": "lognormal", "mean": "1 h", "sd": "20 min"},
    "triangular": {"dist": "triangular", "low": "10 min", "mode": "30 min", "high": "2 h"},
    "uniform": {"dist": "uniform", "low": "1 h", "high": "3 h"},
    "empirical samples": {"dist": "empirical", "samples": ["15 min", "1 h", "4 h"]},
    "empirical weights": {
        "dist": "empirical",
        "values": ["1 h", "2 h", "8 h"],
        "weights": [0.5, 0.3, 0.2],
    },
}


def _one_at_a_time(dist: Dist, rng: np.random.Generator) -> float:
    """The documented parameterisation, one value per call."""
    p = dict(dist.params)
    kind = dist.kind
    if kind == "fixed":
        return float(p["value"])
    if kind == "exponential":
        return float(rng.exponential(p["mean"]))
    if kind == "gamma":
        return float(rng.gamma((p["mean"] / p["sd"]) ** 2, p["sd"] ** 2 / p["mean"]))
    if kind == "lognormal":
        sigma2 = np.log1p((p["sd"] / p["mean"]) ** 2)
        return float(rng.lognormal(np.log(p["mean"]) - sigma2 / 2, np.sqrt(sigma2)))
    if kind == "triangular":
        return float(rng.triangular(p["low"], p["mode"], p["high"]))
    if kind == "uniform":
        return float(rng.uniform(p["low"], p["high"]))
    assert kind == "empirical"
    return float(rng.choice(np.asarray(p["values"]), p=np.asarray(p["weights"])))


def _fresh(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))


@pytest.mark.parametrize("label", list(DISTS))
def test_batched_sampler_equals_one_at_a_time(label: str) -> None:
    spec = DISTS[label]
    dist = parse_dist(spec, "duration", 40.0)
    n = 2 * BLOCK + 300  # across two block boundaries
    draw = sampler(dist, _fresh(42))
    batched = [draw() for _ in range(n)]
    single_rng = _fresh(42)
    single = [_one_at_a_time(dist, single_rng) for _ in range(n)]
    assert batched == single
    assert all(isinstance(value, float) for value in batched[:5])
    if dist.kind != "fixed":
        assert len(set(batched)) > 2


@pytest.mark.parametrize("label", ["exponential", "gamma", "empirical weights"])
def test_stream_sampler_is_the_named_generator(label: str) -> None:
    """``Streams.sampler(name)`` draws exactly what the named generator would, one at a time."""
    dist = parse_dist(DISTS[label], "duration", 40.0)
    draw = Streams(9, 2).sampler("service/complaint_time", dist)
    rng = Streams(9, 2).generator("service/complaint_time")
    n = BLOCK + 10
    assert [draw() for _ in range(n)] == [_one_at_a_time(dist, rng) for _ in range(n)]


def test_batched_uniforms_equal_one_at_a_time() -> None:
    draw = uniforms(_fresh(5))
    rng = _fresh(5)
    n = BLOCK * 2 + 1
    assert [draw() for _ in range(n)] == [float(rng.random()) for _ in range(n)]
