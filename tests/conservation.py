"""The books every replication must keep (MODEL.md, "Validation": conservation).

One place for the checks that ``tests/test_fuzz.py`` (random scenarios over
the whole schema), ``tests/test_conservation.py`` (the headline scenarios) and
``tests/test_calendar.py`` (every week length) apply to a finished run:

- every lead ends in exactly one state, consistent with its history;
- every paid hour is in exactly one category, and the hours add up to the paid
  hours (summary, weekly rows and, week by week, every department's ledger);
- money adds up across the summary, the weekly table and the customer table,
  and profit is revenue x margin - staff (every department, operations
  included) - marketing spend;
- customers won match leads won; active customers match the customer table;
  no count is negative; a complaint comes from a problem and a late delivery
  is a problem;
- utilisation lies in [0, 1]; waits are never negative; every queue's time
  integral equals the total time its items waited (Little's law bookkeeping).

:func:`run_replication` runs one replication under a wall-clock limit
(``SIGALRM``), so a run that never ends fails as a hang instead of stalling
the suite.
"""

from __future__ import annotations

import contextlib
import math
import signal
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sim
from sim.distributions import Dist
from sim.model.firm import Firm
from sim.model.ledger import SALES_CATEGORIES
from sim.results import TABLES

OUTCOMES = ("won", "lost", "abandoned", "open")
SOURCES = ("organic", "referral", "marketing", "cold")
TIME_LIMIT = 30.0
"""Seconds one replication may take before it counts as a hang (a small run takes
well under one; the margin is for a loaded machine)."""


class Hang(AssertionError):
    """A replication ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Fail with :class:`Hang` if the block runs longer than ``seconds`` (main thread only)."""

    def expired(signum: int, frame: object) -> None:
        raise Hang(f"{what} ran longer than {seconds:g} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_replication(
    scenario: sim.Scenario | dict[str, Any],
    seed: int,
    replication: int = 0,
    limit: float = TIME_LIMIT,
) -> tuple[Firm, dict[str, pd.DataFrame]]:
    """Run one replication (a Scenario or a settings dict) within ``limit`` seconds."""
    if isinstance(scenario, dict):
        scenario = sim.scenario_from_dict(scenario)
    with time_limit(limit, f"replication {replication} of {scenario.name!r} (seed {seed})"):
        firm = Firm(scenario, seed, replication)
        firm.run()
        return firm, firm.collect(TABLES)


def check_books(firm: Firm, tables: dict[str, pd.DataFrame]) -> None:
    """Every check of this module on one finished replication."""
    scenario = firm.scenario
    row = tables["summary"].iloc[0]
    weekly, leads = tables["weekly"], tables["leads"]
    customers, queues = tables["customers"], tables["queues"]
    assert len(weekly) == firm.calendar.weeks
    warmup = firm.calendar.measured_from

    check_counts(tables)
    check_leads(scenario, leads, firm.calendar.horizon)
    check_summary_leads(row, leads, warmup)
    check_ledgers(firm)
    check_hours(firm, row, weekly)
    check_money(firm, row, weekly, customers)
    check_customers(firm, row, weekly, leads, customers)
    check_queues(firm, queues)
    assert weekly.loc[~weekly["in_warmup"], "leads"].sum() == row["leads"]


def check_ledgers(firm: Firm) -> None:
    """Each week of each department's ledger adds up to staff x that week's hours."""
    calendar = firm.calendar
    scenario = firm.scenario
    for ledger, staff in (
        (firm.sales.ledger, scenario.sales.staff),
        (firm.service.ledger, scenario.service.staff),
        (firm.marketing.ledger, scenario.marketing.staff),
        (firm.operations.ledger, scenario.operations.staff),
    ):
        rows = ledger.weekly()
        assert len(rows) == calendar.weeks
        for week, hours in enumerate(rows):
            paid = staff * (calendar.start(week + 1) - calendar.start(week))
            assert all(h >= -1e-9 for h in hours), (ledger.categories, week, hours)
            assert sum(hours) == pytest.approx(paid, rel=1e-9, abs=1e-9), (
                ledger.categories,
                week,
            )


def check_counts(tables: dict[str, pd.DataFrame]) -> None:
    """No count, sum of money or time is negative, in any table (profit aside)."""
    row = tables["summary"].iloc[0]
    for column, value in row.items():
        if column == "profit" or not isinstance(value, int | float | np.number):
            continue
        assert math.isnan(value) or value >= 0, (column, value)
    weekly = tables["weekly"].drop(columns=["scenario", "replication", "in_warmup"])
    assert (weekly.fillna(0) >= 0).all().all(), weekly.min()
    numeric = tables["customers"].select_dtypes("number").drop(columns=["lead_id", "replication"])
    assert (numeric.fillna(0) >= 0).all().all(), numeric.min()
    queues = tables["queues"].select_dtypes("number")
    assert (queues >= -1e-9).all().all(), queues.min()


def lowest(dist: Dist) -> float:
    """The smallest value a distribution can give (0 for the unbounded kinds)."""
    if dist.kind == "fixed":
        return float(dist.param("value"))
    if dist.kind in ("uniform", "triangular"):
        return float(dist.param("low"))
    if dist.kind == "empirical":
        pairs = zip(dist.param("values"), dist.param("weights"), strict=True)
        return min(value for value, weight in pairs if weight > 0)
    return 0.0  # exponential, gamma, lognormal: as close to 0 as a draw may fall


def check_leads(scenario: sim.Scenario, leads: pd.DataFrame, horizon: float) -> None:
    """Every lead in exactly one final state, consistent with its history."""
    assert leads["lead_id"].tolist() == list(range(len(leads)))
    assert leads["outcome"].isin(OUTCOMES).all()
    assert leads["source"].isin(SOURCES).all()
    assert ((leads["source"] == "marketing") == (leads["channel"] != "")).all()
    assert (leads["created_h"] >= 0).all()
    assert (leads["created_h"] < horizon).all()

    contacted = leads["contacted_h"].notna()
    closed = leads["closed_h"].notna()
    waits = leads["wait_h"]
    assert (waits.dropna() >= 0).all(), "negative wait"
    # a contacted lead was contacted after it arrived, and its wait says by how much
    assert (leads.loc[contacted, "contacted_h"] >= leads.loc[contacted, "created_h"]).all()
    np.testing.assert_allclose(
        leads.loc[contacted, "wait_h"],
        leads.loc[contacted, "contacted_h"] - leads.loc[contacted, "created_h"],
        rtol=0,
        atol=1e-9,
    )
    assert (leads.loc[contacted, "contacted_h"] < horizon).all()
    assert (leads.loc[closed, "closed_h"] >= leads.loc[closed, "contacted_h"]).all()
    assert (leads.loc[closed, "closed_h"] <= horizon).all()

    for outcome, frame in leads.groupby("outcome"):
        if outcome == "won":
            assert frame["contacted_h"].notna().all()
            assert frame["closed_h"].notna().all()
            assert frame["qualified"].all()
            assert (frame["lost_reason"] == "").all()
            assert frame["value"].notna().all()
            assert (frame["value"] >= 0).all()
            # a deal is worth something when its distribution cannot give 0, nothing when fixed 0
            for segment in scenario.market.segments:
                values = frame.loc[frame["segment"] == segment.name, "value"]
                if lowest(segment.deal_value) > 0:
                    assert (values > 0).all(), segment.name
                if segment.deal_value.is_zero:
                    assert (values == 0).all(), segment.name
        elif outcome == "lost":
            assert frame["contacted_h"].notna().all()
            assert frame["closed_h"].notna().all()
            assert frame["value"].isna().all()
            assert frame["lost_reason"].isin(("unqualified", "no_deal", "no_decision")).all()
            # an unqualified lead was not qualified; a deal lost to a no or to no decision was
            assert (frame["qualified"] == (frame["lost_reason"] != "unqualified")).all()
        elif outcome == "abandoned":
            assert frame["contacted_h"].isna().all(), "abandoned leads were never contacted"
            assert frame["closed_h"].isna().all()
            assert frame["value"].isna().all()
            assert not frame["qualified"].any()
            assert (frame["source"] != "cold").all()
            assert frame["wait_h"].notna().all()
            # it walked away before the end, after waiting its patience
            assert (frame["created_h"] + frame["wait_h"] <= horizon + 1e-9).all()
            patient = {s.name for s in scenario.market.segments if s.patience is not None}
            assert frame["segment"].isin(patient).all()
        else:  # open
            assert frame["closed_h"].isna().all()
            assert frame["value"].isna().all()
            waiting = frame["contacted_h"].isna()
            assert frame.loc[waiting, "wait_h"].isna().all()
            # contacted but not closed: a qualified lead waiting for its closing, or a
            # lead whose first contact was still under way at the end (one per worker)
            in_contact = (~waiting & ~frame["qualified"]).sum()
            assert in_contact <= scenario.sales.staff

    cold = leads[leads["source"] == "cold"]
    assert (cold["contacted_h"] == cold["created_h"]).all()
    assert (cold["wait_h"] == 0).all()
    if scenario.sales.staff == 0 or not scenario.sales.prospecting.enabled:
        assert cold.empty
    if not scenario.marketing.channels or scenario.marketing.budget_per_week == 0:
        assert (leads["source"] != "marketing").all()


def check_summary_leads(row: pd.Series, leads: pd.DataFrame, warmup: float) -> None:
    """The summary's lead counts are those of the lead table after the warm-up."""
    measured = leads[leads["created_h"] >= warmup]
    assert row["leads"] == len(measured)
    # exactly one final state each
    assert sum(row[f"leads_{state}"] for state in OUTCOMES) == row["leads"]
    for state in OUTCOMES:
        assert row[f"leads_{state}"] == (measured["outcome"] == state).sum()
    assert sum(row[f"leads_{source}"] for source in SOURCES) == row["leads"]
    assert row["leads_contacted"] == measured["contacted_h"].notna().sum()
    assert row["leads_contacted"] >= row["leads_won"] + row["leads_lost"]
    assert row["leads_qualified"] >= row["leads_won"]
    never = (measured["outcome"] == "open") & measured["contacted_h"].isna()
    assert row["leads_never_contacted"] == never.sum()
    for column in ("mean_wait_to_contact_h", "p50_wait_to_contact_h", "p90_wait_to_contact_h"):
        assert math.isnan(row[column]) or row[column] >= 0
    if not math.isnan(row["p50_wait_to_contact_h"]):
        assert row["p50_wait_to_contact_h"] <= row["p90_wait_to_contact_h"] + 1e-12


def check_hours(firm: Firm, row: pd.Series, weekly: pd.DataFrame) -> None:
    """Sales hours in one category each; utilisation of every department in [0, 1]."""
    scenario = firm.scenario
    week_hours = scenario.clock.week_hours
    weeks = firm.calendar.weeks - firm.calendar.first_week
    assert row["weeks"] == weeks
    staff = scenario.sales.staff
    assert row["sales_hours_paid"] == pytest.approx(staff * week_hours * weeks, rel=1e-9, abs=1e-9)
    shares = [row[f"sales_share_{category}"] for category in SALES_CATEGORIES]
    if staff == 0:
        assert all(math.isnan(share) for share in shares)
    else:
        assert all(0 <= share <= 1 + 1e-12 for share in shares)
        assert sum(shares) == pytest.approx(1.0, abs=1e-9)
        assert row["wasted_sales_capacity"] == pytest.approx(1.0 - shares[0], abs=1e-12)
        if not (scenario.sales.prospecting.enabled and staff > 0):
            assert row["sales_share_prospecting"] == 0
        if firm.customers.route is not firm.sales:
            assert row["sales_share_servicing"] == 0
        if scenario.production.chase_share == 0 or scenario.production.chased_by != "sales":
            assert row["sales_share_expediting"] == 0

    share_columns = [f"sales_share_{category}" for category in SALES_CATEGORIES]
    weekly_sums = weekly[share_columns].sum(axis=1, min_count=1)
    if staff == 0:
        assert weekly[share_columns].isna().all().all()
    else:
        np.testing.assert_allclose(weekly_sums, 1.0, atol=1e-9)

    for name in ("sales", "service", "marketing", "operations"):
        value = row[f"utilisation_{name}"]
        paid = getattr(scenario, name).staff
        if paid == 0:
            assert math.isnan(value)
        else:
            assert 0.0 <= value <= 1.0 + 1e-12


def check_money(firm: Firm, row: pd.Series, weekly: pd.DataFrame, customers: pd.DataFrame) -> None:
    """Revenue equals its parts and the weekly and customer tables; the profit formula."""
    scenario = firm.scenario
    measured = weekly[~weekly["in_warmup"]]
    assert (weekly["in_warmup"] == (weekly["week"] < firm.calendar.first_week)).all()
    assert row["revenue"] == pytest.approx(row["revenue_new"] + row["revenue_repeat"], rel=1e-9)
    assert row["revenue"] == pytest.approx(measured["revenue"].sum(), rel=1e-9, abs=1e-6)
    assert row["revenue_new"] == pytest.approx(measured["revenue_new"].sum(), rel=1e-9, abs=1e-6)
    np.testing.assert_allclose(
        weekly["revenue"], weekly["revenue_new"] + weekly["revenue_repeat"], rtol=1e-12
    )
    # every unit of money was earned from some customer
    assert customers["revenue"].sum() == pytest.approx(weekly["revenue"].sum(), rel=1e-9, abs=1e-6)
    assert (customers["revenue"] >= 0).all()
    if scenario.money.gross_margin == 0 or row["revenue"] == 0:
        assert row["gross_profit"] == 0
    weeks = row["weeks"]
    staff_cost = weeks * sum(
        getattr(scenario, department).staff * getattr(scenario, department).cost_per_head
        for department in ("sales", "service", "marketing", "operations")
    )
    spend = weeks * scenario.marketing.budget_per_week
    assert row["staff_cost"] == pytest.approx(staff_cost)
    assert row["marketing_spend"] == pytest.approx(spend)
    assert row["gross_profit"] == pytest.approx(row["revenue"] * scenario.money.gross_margin)
    assert row["profit"] == pytest.approx(
        row["revenue"] * scenario.money.gross_margin - staff_cost - spend, rel=1e-9, abs=1e-6
    )


def check_customers(
    firm: Firm, row: pd.Series, weekly: pd.DataFrame, leads: pd.DataFrame, customers: pd.DataFrame
) -> None:
    """Customers match won leads; active, churned, problems and complaints add up."""
    scenario = firm.scenario
    warmup = firm.calendar.measured_from
    won = customers[customers["origin"] == "won"]
    initial = customers[customers["origin"] == "initial"]
    assert len(initial) == sum(s.initial_customers for s in scenario.market.segments)
    assert (initial["won_h"] == 0).all()
    # one customer per won lead, won when the lead closed, for the value of the deal
    won_leads = leads[leads["outcome"] == "won"].set_index("lead_id")
    assert sorted(won["lead_id"]) == sorted(won_leads.index)
    matched = won_leads.loc[won["lead_id"]]
    np.testing.assert_array_equal(won["won_h"].to_numpy(), matched["closed_h"].to_numpy())
    assert (won["revenue"].to_numpy() >= matched["value"].to_numpy() - 1e-9).all()
    assert (won["orders"] >= 1).all()
    assert (customers["orders"] >= 0).all()

    if warmup == 0:
        assert row["customers_won"] == row["leads_won"]
    assert row["customers_won"] == (won["won_h"] >= warmup).sum()
    assert row["customers_won"] == weekly.loc[~weekly["in_warmup"], "customers_won"].sum()

    churned = customers["churned_h"].notna()
    assert (customers.loc[churned, "churned_h"] >= customers.loc[churned, "won_h"]).all()
    assert row["customers_active"] == (~churned).sum()
    assert weekly["customers_active"].iloc[-1] == row["customers_active"]
    assert row["customers_churned"] == (customers.loc[churned, "churned_h"] >= warmup).sum()
    assert weekly["customers_churned"].sum() == churned.sum()
    assert customers["complaints"].sum() == weekly["complaints"].sum()
    # every complaint comes from a problem, and a late delivery is a problem
    assert (weekly["complaints"] <= weekly["problems"]).all()
    assert (weekly["late_deliveries"] <= weekly["problems"]).all()
    assert row["problems"] == weekly.loc[~weekly["in_warmup"], "problems"].sum()
    production = scenario.production
    if production.chase_share == 0 or production.late_share == 0:
        assert weekly["late_deliveries"].sum() == 0
    assert row["complaints"] == weekly.loc[~weekly["in_warmup"], "complaints"].sum()
    assert row["complaints_resolved"] <= customers["complaints"].sum()
    resolution = row["mean_complaint_resolution_h"]
    assert math.isnan(resolution) or resolution >= 0
    assert 0.0 <= row["insight_end"] <= 1.0
    assert ((weekly["insight"] >= 0) & (weekly["insight"] <= 1)).all()

    # a firm without service learns nothing (MODEL.md: sales keeps no records), nor one
    # whose loop is off or that has no marketers to act on the reports
    if not firm.feedback_active:
        assert row["insight_end"] <= scenario.marketing.insight.initial + 1e-12

    # the Bass pool is never overdrawn
    for segment in firm.segments:
        if not segment.unlimited:
            assert segment.pool >= 0
            assert segment.active >= 0


def check_queues(firm: Firm, queues: pd.DataFrame) -> None:
    """Queue counts add up, and the area under each queue's length is its total wait."""
    horizon = firm.calendar.horizon
    assert (queues["arrivals"] >= queues["taken"] + queues["expired"]).all()
    assert (queues["waiting_at_end"] >= 0).all()
    assert (queues["total_wait_h"] >= -1e-9).all()
    assert (queues["mean_length"] >= -1e-12).all()
    # Little's law bookkeeping: the area under the queue length is the total wait
    np.testing.assert_allclose(
        queues["mean_length"] * horizon, queues["total_wait_h"], rtol=1e-9, atol=1e-6
    )
    for department in (firm.sales, firm.service, firm.operations):
        for work, stats in department.stats.items():
            assert stats.length == stats.arrivals - stats.taken - stats.expired, (
                department.name,
                work,
            )
    if firm.scenario.service.staff == 0:
        assert (queues.loc[queues["department"] == "service", "taken"] == 0).all()
    expired = queues.loc[
        (queues["department"] == "sales") & (queues["work"] == "contact"), "expired"
    ].sum()
    assert expired == sum(lead.outcome == "abandoned" for lead in firm.leads)
