"""Conservation on the headline scenarios, and regressions found by keeping the books.

The checks themselves live in ``tests/conservation.py`` (every lead in one
state, every paid hour in one category, money that adds up, ...); random
scenarios over the whole schema go through them in ``tests/test_fuzz.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from conservation import check_books, run_replication

import sim


@pytest.mark.parametrize("name", ["sales_only.toml", "full_system.toml"])
def test_headline_scenarios_conserve(name: str, scenarios_dir: Any) -> None:
    """The same books, on the two headline scenarios with a warm-up."""
    scenario = sim.load_scenario(
        scenarios_dir / name, {"clock.horizon": "12 w", "clock.warmup": "2 w"}
    )
    firm, tables = run_replication(scenario, seed=11, replication=3)
    assert tables["summary"].iloc[0]["leads"] > 50
    check_books(firm, tables)


def test_churned_customer_is_not_churned_again() -> None:
    """A customer leaves once: queued re-orders of a churned customer must not churn it again.

    One customer, re-orders every ~4 h that take sales 20 h each, every order goes
    wrong and nobody complains (silent problems lose the customer for sure). The
    first booked re-order churns the customer; the ones still queued are booked
    later and must not churn (and uncount) it a second time.
    """
    raw = {
        "name": "double-churn",
        "clock": {"horizon": "2 w"},
        "market": {
            "segments": [
                {
                    "name": "s",
                    "size": 10,
                    "initial_customers": 1,
                    "deal_value": 0,
                    "reorder_rate": "10 / w",
                    "reorder_value": 100,
                    "problem_probability": 1.0,
                    "complaint_share": 0.0,
                }
            ]
        },
        "sales": {"staff": 1, "first_contact": "1 h", "reorder": "20 h"},
        "retention": {"silent": 0.0},
    }
    firm, tables = run_replication(raw, seed=1)
    row = tables["summary"].iloc[0]
    customers = tables["customers"]
    assert len(customers) == 1
    assert customers["orders"].iloc[0] >= 2  # queued re-orders were booked after it left
    assert firm.segments[0].active == 0
    assert row["customers_active"] == 0
    assert row["customers_churned"] == 1
