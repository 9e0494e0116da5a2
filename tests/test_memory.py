"""Memory stays flat over replications: a finished replication leaves no garbage cycles.

The benchmark's memory target (1,000 replications peak at most 1.2x of 100 when
only the summary is kept) relies on each replication being freed by reference
counting as soon as its tables exist, not whenever Python's oldest garbage
generation is next collected.
"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import sim
from sim.model import simulate

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def test_a_finished_replication_leaves_almost_no_cyclic_garbage():
    scenario = sim.load_scenario(SCENARIOS / "full_system.toml", {"clock.horizon": "8 w"})
    gc.collect()
    gc.disable()
    try:
        simulate(scenario, 0, 0, ())
        unreachable = gc.collect()
    finally:
        gc.enable()
    # a full_system replication makes tens of thousands of objects; none should be
    # left in a cycle (a little slack for library internals outside our control)
    assert unreachable < 20


def test_traced_memory_does_not_grow_with_replications():
    scenario = sim.load_scenario(SCENARIOS / "sales_only.toml", {"clock.horizon": "4 w"})
    simulate(scenario, 0, 0, ())
    gc.collect()
    gc.disable()  # as if the collector never ran: only reference counting frees
    tracemalloc.start()
    try:
        for replication in range(1, 6):
            simulate(scenario, 0, replication, ())
        after_five = tracemalloc.get_traced_memory()[0]
        for replication in range(6, 26):
            simulate(scenario, 0, replication, ())
        after_twenty_five = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
        gc.enable()
    assert after_twenty_five < after_five + 1_000_000  # bytes: flat, not 20 x a replication
