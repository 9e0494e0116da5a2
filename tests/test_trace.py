"""Deterministic traces: fixed durations, hand-made leads, exact event times.

In the style of SimPy's ``tests/test_resources.py``: every duration is fixed
and every random decision is certain (intent 1, no speed-to-lead decay), so
each event time is known by hand. The market is an unlimited segment with
``lead_rate = 0`` (no arrivals); a small SimPy process added before
``Firm.run`` creates leads and customer requests at chosen times.

Reference timings (one salesperson): first contact 1 h, one closing meeting of
2 h booked for at once (no lead time), collection 30 min as a job of its own,
so a lead taken at t closes at t + 1 + 2.5 if nothing cuts in. Each kind of
work has its own FIFO queue, taken in the priority order (by default
complaints, re-orders, onboarding, first contacts, meetings, collection,
expediting): a new lead's first contact comes before the closing work of
leads already qualified.

Hand-made leads carry a row of zeros as their own uniforms, so they qualify
and are won whenever their chance or intent is above 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

import pytest

import sim
from sim.model.customers import Request
from sim.model.draws import LEAD_WIDTH
from sim.model.firm import Firm
from sim.model.leads import Lead

Step = tuple[float, Callable[[Firm], Any]]


def _scenario(**overrides: Any) -> sim.Scenario:
    raw: dict[str, Any] = {
        "name": "trace",
        "clock": {"week_hours": 40, "horizon": "1 w"},
        "market": {
            "segments": [
                {
                    "name": "inbound",
                    "size": "unlimited",
                    "lead_rate": 0,
                    "intent_organic": 1.0,
                    "deal_value": 1000,
                }
            ]
        },
        "sales": {
            "staff": 1,
            "cost_per_head": 100,
            "first_contact": "1 h",
            "closing_meetings": 1,
            "meeting": "2 h",
            "collection": "30 min",
            "complaint": "1 h",
        },
    }
    scenario = sim.scenario_from_dict(raw)
    return sim.with_overrides(scenario, overrides) if overrides else scenario


def _lead(firm: Firm) -> Lead:
    return firm.market.inquire(firm.segments[0], "organic", "", [0.0] * LEAD_WIDTH, len(firm.leads))


def _trace(scenario: sim.Scenario, steps: list[Step]) -> tuple[Firm, list[Any]]:
    """Run a firm whose only events are ``steps``: (time, action) pairs, times increasing."""
    firm = Firm(scenario, seed=0, replication=0)
    made: list[Any] = []

    def driver() -> Generator[Any, Any, None]:
        for at, action in steps:
            yield firm.env.timeout(at - firm.env.now)
            made.append(action(firm))

    firm.env.process(driver())
    firm.run()
    return firm, made


def _hours(firm: Firm, department: str = "sales") -> dict[str, float]:
    ledger = firm.sales.ledger if department == "sales" else firm.service.ledger
    return ledger.totals(0)


# ------------------------------------------------------------------ leads


def test_first_contacts_come_before_closing_work() -> None:
    firm, (a, b) = _trace(_scenario(), [(0.0, _lead), (0.5, _lead)])
    assert (a.contacted, a.waited) == (0.0, 0.0)
    # A's meeting was due at 1.0, but B's first contact comes first: 1.0 -> 2.0
    assert (b.contacted, b.waited) == (1.0, 0.5)
    # meetings before collection: A 2 -> 4, B 4 -> 6; collections A 6 -> 6.5, B 6.5 -> 7
    assert a.closed == pytest.approx(6.5)
    assert b.closed == pytest.approx(7.0)
    assert (a.outcome, b.outcome) == ("won", "won")
    assert (a.value, b.value) == (1000.0, 1000.0)
    hours = _hours(firm)
    assert hours["selling"] == pytest.approx(7.0)
    assert hours["idle"] == pytest.approx(40.0 - 7.0)
    assert sum(hours.values()) == pytest.approx(40.0)


def test_trace_tables() -> None:
    """The same trace through the tables: waits, outcomes, money, time shares."""
    firm, _ = _trace(_scenario(), [(0.0, _lead), (0.25, _lead)])
    tables = firm.collect(("leads", "customers"))
    leads = tables["leads"]
    assert leads["created_h"].tolist() == [0.0, 0.25]
    assert leads["contacted_h"].tolist() == [0.0, 1.0]
    assert leads["wait_h"].tolist() == [0.0, 0.75]
    assert leads["closed_h"].tolist() == pytest.approx([6.5, 7.0])
    row = tables["summary"].iloc[0]
    assert row["leads_won"] == 2
    assert row["revenue_new"] == 2000.0
    assert row["profit"] == pytest.approx(2000.0 * 0.4 - 100.0)
    assert row["mean_wait_to_contact_h"] == pytest.approx(0.375)
    assert row["sales_share_selling"] == pytest.approx(7.0 / 40.0)
    assert row["wasted_sales_capacity"] == pytest.approx(33.0 / 40.0)
    assert row["utilisation_sales"] == pytest.approx(7.0 / 40.0)
    assert tables["customers"]["won_h"].tolist() == pytest.approx([6.5, 7.0])


def test_lead_without_closing_meetings() -> None:
    firm, (a,) = _trace(_scenario(**{"sales.closing_meetings": 0}), [(2.0, _lead)])
    # first contact 2 -> 3, then the decision and collection at once: 3 -> 3.5
    assert a.contacted == 2.0
    assert a.closed == pytest.approx(3.5)
    assert _hours(firm)["selling"] == pytest.approx(1.5)


def test_two_salespeople_take_two_leads_at_once() -> None:
    firm, (a, b) = _trace(_scenario(**{"sales.staff": 2}), [(0.0, _lead), (0.5, _lead)])
    assert (a.contacted, b.contacted) == (0.0, 0.5)
    assert (a.closed, b.closed) == (pytest.approx(3.5), pytest.approx(4.0))
    assert _hours(firm)["selling"] == pytest.approx(7.0)
    assert sum(_hours(firm).values()) == pytest.approx(80.0)


def test_unqualified_and_lost_leads() -> None:
    # intent 0: qualified (no decay) but never won; the meeting still happens
    firm, (a,) = _trace(_scenario(**{"market.segments.0.intent_organic": 0.0}), [(0.0, _lead)])
    assert (a.outcome, a.lost_reason, a.qualified) == ("lost", "no_deal", True)
    assert a.closed == pytest.approx(3.0)  # contact 1 h, meeting 2 h, no collection
    assert math.isnan(a.value)
    # speed to lead: a table that drops to 0 after 30 min makes a late lead unqualified
    curve = {"curve": "table", "points": [["0 h", 1.0], ["30 min", 0.0]]}
    firm, (b, c) = _trace(_scenario(**{"sales.speed_to_lead": curve}), [(0.0, _lead), (0.2, _lead)])
    assert (b.outcome, b.qualified) == ("won", True)
    assert (c.outcome, c.lost_reason, c.qualified) == ("lost", "unqualified", False)
    assert (c.contacted, c.closed) == (1.0, 2.0)  # contact 1 -> 2, lost at its end
    assert b.closed == pytest.approx(4.5)


def test_expired_lead_abandons_at_its_patience_and_is_never_contacted() -> None:
    scenario = _scenario(**{"market.segments.0.patience": "1 h"})
    firm, (a, b, c) = _trace(scenario, [(0.0, _lead), (0.5, _lead), (0.6, _lead)])
    assert (a.contacted, b.contacted) == (0.0, 1.0)  # B reached at 1.0 < 1.5
    # C's patience ran out at 1.6, while the only salesperson was busy with B (1 -> 2)
    assert c.outcome == "abandoned"
    assert math.isnan(c.contacted)
    assert c.waited == pytest.approx(1.0)
    assert c.created + c.waited == pytest.approx(1.6)
    # meetings A 2 -> 4, B 4 -> 6, collections A 6 -> 6.5: C held up nobody
    assert a.closed == pytest.approx(6.5)
    contacts, meetings = firm.sales.stats["contact"], firm.sales.stats["meeting"]
    assert contacts.expired == 1
    assert contacts.waited == pytest.approx(0.5 + 1.0)  # B 0.5, C 1.0 (to its patience)
    assert meetings.waited == pytest.approx(1.0 + 2.0)  # A 1 -> 2, B 2 -> 4
    tables = firm.collect(("queues",))
    row = tables["summary"].iloc[0]
    assert row["leads_abandoned"] == 1
    # the censored wait counts C until it left; the contacted-only figure leaves it out
    assert row["mean_wait_to_contact_h"] == pytest.approx((0.0 + 0.5 + 1.0) / 3)
    assert row["mean_wait_contacted_h"] == pytest.approx((0.0 + 0.5) / 2)
    queues = tables["queues"].set_index(["department", "work"])
    for work in ("contact", "meeting", "collection"):
        row = queues.loc[("sales", work)]
        assert row["mean_length"] * 40.0 == pytest.approx(row["total_wait_h"]), work


def test_lead_still_waiting_at_the_horizon_abandons_if_patience_ran_out() -> None:
    scenario = _scenario(**{"market.segments.0.patience": "2 h", "sales.staff": 0})
    firm, (a, b) = _trace(scenario, [(10.0, _lead), (39.0, _lead)])
    assert a.outcome == "abandoned"
    assert a.waited == pytest.approx(2.0)
    assert b.outcome == "open"  # patience would run out at 41, after the horizon
    assert math.isnan(b.waited)


def test_lead_contacted_at_its_deadline_does_not_abandon() -> None:
    scenario = _scenario(**{"market.segments.0.patience": "1 h"})
    firm, (a, b) = _trace(scenario, [(0.0, _lead), (0.0, _lead)])
    assert b.contacted == 1.0
    assert b.outcome == "won"


# ------------------------------------------------------------------ priorities


def _complaint(firm: Firm) -> Request:
    request = Request("complaint", firm.customers.all[0], firm.env.now)
    firm.sales.submit("complaint", request)
    return request


def test_complaint_taken_before_a_waiting_lead() -> None:
    scenario = _scenario(
        **{
            "market.segments.0.size": 10,
            "market.segments.0.initial_customers": 1,
            "sales.handles_service": True,
        }
    )
    firm, made = _trace(scenario, [(0.0, _lead), (0.5, _lead), (0.6, _complaint)])
    a, b, _ = made
    # at 1.0 the complaint (1 h) jumps B's first contact and A's meeting
    assert firm.customers.resolution_h == [pytest.approx(1.4)]
    assert firm.customers.resolved_at == [pytest.approx(2.0)]
    assert b.contacted == 2.0
    assert b.waited == pytest.approx(1.5)
    # meetings A 3 -> 5, B 5 -> 7, then the collections: A 7 -> 7.5, B 7.5 -> 8
    assert (a.closed, b.closed) == (pytest.approx(7.5), pytest.approx(8.0))
    hours = _hours(firm)
    assert hours["servicing"] == pytest.approx(1.0)
    assert hours["selling"] == pytest.approx(7.0)


def test_priority_order_is_configurable() -> None:
    scenario = _scenario(
        **{
            "market.segments.0.size": 10,
            "market.segments.0.initial_customers": 1,
            "sales.handles_service": True,
            "sales.priority": [
                "contact",
                "meeting",
                "collection",
                "complaint",
                "reorder",
                "onboarding",
                "expedite",
            ],
        }
    )
    firm, (a, b, _) = _trace(scenario, [(0.0, _lead), (0.5, _lead), (0.6, _complaint)])
    # leads first: B 1 -> 2, meetings 2 -> 6, collections 6 -> 7, complaint 7 -> 8
    assert b.contacted == 1.0
    assert firm.customers.resolved_at == [pytest.approx(8.0)]
    assert firm.customers.resolution_h == [pytest.approx(7.4)]


# ------------------------------------------------------------------ ledger


def test_prospecting_blocks_book_exact_hours() -> None:
    # a hit on every block: 1 h of calls, then its meeting (2 h) and collection (30 min)
    scenario = _scenario(
        **{
            "sales.prospecting": {
                "enabled": True,
                "block": "1 h",
                "dials_per_block": 1,
                "hit_rate": 1.0,
                "intent": 1.0,
            }
        }
    )
    firm, _ = _trace(scenario, [])
    hours = _hours(firm)
    # eleven 3.5 h cycles end at 38.5; a block 38.5 -> 39.5, its closing cut at 40
    assert hours["prospecting"] == pytest.approx(12.0)
    assert hours["selling"] == pytest.approx(28.0)
    assert hours["idle"] == 0.0
    assert len(firm.leads) == 12
    assert all(lead.source == "cold" for lead in firm.leads)
    assert [lead.created for lead in firm.leads[:3]] == pytest.approx([1.0, 4.5, 8.0])
    assert [lead.closed for lead in firm.leads[:2]] == pytest.approx([3.5, 7.0])
    assert sum(lead.outcome == "won" for lead in firm.leads) == 11
    assert firm.leads[-1].outcome == "open"
    row = firm.collect(())["summary"].iloc[0]
    assert row["sales_share_prospecting"] == pytest.approx(12.0 / 40.0)
    assert row["leads_cold"] == 12


def test_prospecting_fills_idle_time_around_leads() -> None:
    scenario = _scenario(
        **{"sales.prospecting": {"enabled": True, "block": "1 h", "hit_rate": 0.0}}
    )
    firm, (a,) = _trace(scenario, [(0.5, _lead)])
    # a block 0 -> 1 was under way when the lead came: contacted at 1.0
    assert a.contacted == 1.0
    assert a.closed == pytest.approx(4.5)
    hours = _hours(firm)
    assert hours["selling"] == pytest.approx(3.5)
    assert hours["prospecting"] == pytest.approx(36.5)
    assert hours["idle"] == 0.0


def test_blocks_split_at_week_boundaries() -> None:
    scenario = _scenario(
        **{
            "clock.horizon": "2 w",
            "sales.prospecting": {"enabled": True, "block": "3 h", "hit_rate": 0.0},
        }
    )
    firm, _ = _trace(scenario, [])
    weekly = firm.sales.ledger.weekly()
    prospecting = firm.sales.ledger.index("prospecting")
    # the block 39 -> 42 books 1 h to week 0 and 2 h to week 1; the last is cut at 80
    assert [week[prospecting] for week in weekly] == [pytest.approx(40.0), pytest.approx(40.0)]
    table = firm.collect(("weekly",))["weekly"]
    assert table["sales_share_prospecting"].tolist() == [1.0, 1.0]


def test_expediting_books_exact_hours() -> None:
    scenario = _scenario(**{"production": {"chase_share": 1.0, "chase_time": "1 h"}})
    firm, (a,) = _trace(scenario, [(0.0, _lead)])
    assert a.closed == pytest.approx(3.5)
    hours = _hours(firm)
    assert hours["selling"] == pytest.approx(3.5)
    assert hours["expediting"] == pytest.approx(1.0)  # 3.5 -> 4.5, after the win
    assert hours["idle"] == pytest.approx(35.5)
    assert firm.collect(())["summary"]["sales_share_expediting"].iloc[0] == pytest.approx(
        1.0 / 40.0
    )


def test_work_under_way_at_the_horizon_is_booked_to_its_category() -> None:
    scenario = _scenario()
    firm, (a,) = _trace(scenario, [(39.0, _lead)])
    assert a.contacted == 39.0
    assert a.outcome == "open"
    hours = _hours(firm)
    assert hours["selling"] == pytest.approx(1.0)
    assert hours["idle"] == pytest.approx(39.0)


def test_service_books_requests_and_analysis() -> None:
    """Service handles a complaint; the review turns its record into an analysis job."""
    scenario = _scenario(
        **{
            "market.segments.0.size": 10,
            "market.segments.0.initial_customers": 1,
            "marketing.staff": 1,  # someone must listen to the reports
            "service": {
                "staff": 1,
                "complaint": "2 h",
                "feedback": {
                    "enabled": True,
                    "review_period": "1 d",
                    "analysis_time": "3 h",
                    "time_per_record": "30 min",
                },
            },
        }
    )

    def complaint(firm: Firm) -> Request:
        request = Request("complaint", firm.customers.all[0], firm.env.now)
        firm.service.submit("complaint", request)
        return request

    firm, _ = _trace(scenario, [(1.0, complaint)])
    assert firm.customers.resolved_at == [pytest.approx(3.0)]
    hours = _hours(firm, "service")
    assert hours["complaints"] == pytest.approx(2.0)
    # one review (at 8 h) found one record: 3 h + 0.5 h; later reviews found none
    assert hours["analysis"] == pytest.approx(3.5)
    assert hours["idle"] == pytest.approx(40.0 - 5.5)
    assert firm.insight.reports == 1
    assert _hours(firm)["servicing"] == 0.0


# ------------------------------------------------------------------ customers


def test_repeat_order_handled_by_sales_is_booked_when_done() -> None:
    scenario = _scenario(
        **{
            "market.segments.0.size": 10,
            "market.segments.0.initial_customers": 1,
            "sales.handles_service": True,
            "sales.reorder": "30 min",
        }
    )

    def reorder(firm: Firm) -> Request:
        request = Request("reorder", firm.customers.all[0], firm.env.now, 500.0, order=1)
        firm.sales.submit("reorder", request)
        return request

    firm, (a, _) = _trace(scenario, [(0.0, _lead), (0.5, reorder)])
    customer = firm.customers.all[0]
    # re-orders come before closing work: 1.0 -> 1.5, then A's meeting and collection
    assert (customer.orders, customer.revenue) == (1, 500.0)
    assert a.closed == pytest.approx(4.0)
    hours = _hours(firm)
    assert hours["servicing"] == pytest.approx(0.5)
    assert hours["selling"] == pytest.approx(3.5)
    row = firm.collect(())["summary"].iloc[0]
    assert row["revenue_repeat"] == 500.0
    assert row["revenue"] == 1500.0


def test_unanswered_complaint_churns_after_unresolved_after() -> None:
    """Nobody handles requests: a complaint is unsatisfied once ``unresolved_after`` passes."""
    scenario = _scenario(
        **{
            "market.segments.0.size": 10,
            "market.segments.0.initial_customers": 1,
            "market.segments.0.problem_probability": 1.0,
            "market.segments.0.complaint_share": 1.0,
            "sales.handles_service": False,
            "retention.unsatisfied": 0.0,
            "retention.unresolved_after": "1 d",
        }
    )

    def order_goes_wrong(firm: Firm) -> None:
        firm.customers.after_order(firm.customers.all[0], 1, repeat=True)

    firm, _ = _trace(scenario, [(2.0, order_goes_wrong)])
    customer = firm.customers.all[0]
    assert customer.complaints == 1
    assert customer.churned == pytest.approx(10.0)
    assert firm.segments[0].active == 0
    assert firm.customers.resolution_h == []  # never resolved
