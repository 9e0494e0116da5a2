"""Fakes shared by the tests: replication models that simulate nothing, and fake tables.

Every model here takes ``(scenario, seed, replication, keep)`` and returns tables
by name, as ``sim.model.simulate`` does, without simulating anything. They are
plain module-level functions so that worker processes can unpickle them (which
is why they live here and not in ``conftest.py``).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd

from sim.analysis import COMPARISON_COLUMNS
from sim.figures import SALES_SHARE_COLUMNS
from sim.results import TABLES


def fake_model(scenario, seed, replication, keep):
    """Tables that say who made them; row counts vary with the replication.

    Revenue is ``1000 x seed + replication``, plus ``3 r mod 5`` for a scenario
    named ``bigger`` (so that a paired difference varies from pair to pair).
    """
    bigger = 3 * replication % 5 if scenario.name == "bigger" else 0
    tables = {
        "summary": pd.DataFrame(
            {
                "scenario": [scenario.name],
                "replication": [replication],
                "seed": [seed],
                "hash": [scenario.hash],
                "staff": [scenario.sales.staff],
                "revenue": [1000.0 * seed + replication + bigger],
            }
        )
    }
    rows = replication % 3 + 1
    if "weekly" in keep:
        tables["weekly"] = pd.DataFrame(
            {
                "scenario": scenario.name,
                "replication": replication,
                "week": range(rows),
                "revenue": [float(replication * 10 + week) for week in range(rows)],
            }
        )
    if "leads" in keep:
        tables["leads"] = pd.DataFrame(
            {"scenario": scenario.name, "replication": replication, "lead_id": range(rows + 1)}
        )
    return tables


def slow_early_model(scenario, seed, replication, keep):
    """The fake, but early replications finish last (to test ordering with workers)."""
    time.sleep(max(0.0, 0.15 - 0.05 * replication))
    return fake_model(scenario, seed, replication, keep)


def slow_model(scenario, seed, replication, keep):
    """The fake, 50 ms a replication (so that a signal can arrive mid-run)."""
    time.sleep(0.05)
    return fake_model(scenario, seed, replication, keep)


def keep_ignoring_model(scenario, seed, replication, keep):
    """A model that returns every table whatever ``keep`` says."""
    return fake_model(scenario, seed, replication, TABLES)


def noisy_model(scenario, seed, replication, keep):
    """Revenue grows with the sales staff; the noise is paired on (seed, replication)."""
    rng = np.random.default_rng([seed, replication])
    shared = rng.normal(0.0, 100.0)  # common to every scenario: cancels in a paired difference
    own = np.random.default_rng([seed, replication, scenario.sales.staff]).normal(0.0, 5.0)
    return {
        "summary": pd.DataFrame(
            {
                "scenario": [scenario.name],
                "replication": [replication],
                "seed": [seed],
                "revenue": [1000.0 * scenario.sales.staff + shared + own],
                "complaints": [np.nan if scenario.sales.staff > 9 else 1.0],
            }
        )
    }


#: The charts ``sim.charts.all_charts`` makes, in the order it makes them.
CHART_NAMES = (
    "sales_time_use",
    "key_figures",
    "paired_differences",
    "weekly_revenue",
    "weekly_customers_active",
    "lead_funnel",
    "wait_to_contact",
    "insight_over_time",
)

#: The five sales time-use shares, in the ledger's order.
SHARES = list(SALES_SHARE_COLUMNS)


def comparison_frame(rows: list[tuple]) -> pd.DataFrame:
    """A comparison table from rows of ``COMPARISON_COLUMNS`` without ``pairing``
    (hand-written fakes leave the pairing strength unknown: NaN)."""
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS[:-1])).assign(pairing=math.nan)
