"""Traces of the model's second pass: appointments, stalls, deliveries and chasing.

Fixed durations and certain decisions, as in ``tests/test_trace.py`` (whose
helpers these reuse), so every event time is known by hand:

- closing meetings are appointments booked a lead time ahead, and first
  contacts fit in the gaps between them;
- a meeting may stall, and a lead that has not decided after ``max_meetings``
  is lost to "no decision";
- a problem shows at delivery, not at booking, and its complaint waits in the
  queue while the salespeople are busy;
- an order that needs chasing and is not chased before delivery may be late,
  which is a problem; chasers (sales or operations) book the hours.
"""

from __future__ import annotations

import pytest
from test_trace import _hours, _lead, _scenario, _trace

from sim.model.customers import Request
from sim.model.firm import Firm


def test_meetings_are_appointments_and_first_contacts_fit_between_them() -> None:
    scenario = _scenario(**{"sales.meeting_lead_time": "4 h"})
    firm, (a, b) = _trace(scenario, [(0.0, _lead), (2.0, _lead)])
    # A: contact 0 -> 1, its meeting booked for 5; B is contacted at once at 2 (2 -> 3)
    assert (a.contacted, b.contacted) == (0.0, 2.0)
    # A's meeting 5 -> 7; at 7 B's meeting is due and comes before A's collection
    # (7 -> 9); then the collections: A 9 -> 9.5, B 9.5 -> 10
    assert (a.closed, b.closed) == (pytest.approx(9.5), pytest.approx(10.0))
    hours = _hours(firm)
    assert hours["selling"] == pytest.approx(2 * 1.0 + 2 * 2.0 + 2 * 0.5)
    assert hours["idle"] == pytest.approx(40.0 - 7.0)


def test_a_lead_that_keeps_stalling_is_lost_to_no_decision() -> None:
    scenario = _scenario(**{"sales.stall": 1.0, "sales.max_meetings": 3})
    firm, (a,) = _trace(scenario, [(0.0, _lead)])
    # contact 0 -> 1, three meetings 1 -> 7 that all stall: no decision at 7
    assert (a.outcome, a.lost_reason) == ("lost", "no_decision")
    assert a.closed == pytest.approx(7.0)
    assert (a.meetings, a.progress) == (3, 0)
    row = firm.collect(())["summary"].iloc[0]
    assert row["leads_no_decision"] == 1
    assert row["leads_won"] == 0


def test_stalled_meetings_add_meetings_before_the_decision() -> None:
    # the lead's own stall uniforms are 0: with stall 0.5 every meeting stalls
    # until max_meetings; with stall 0 (the default) none does
    scenario = _scenario(**{"sales.closing_meetings": 2, "sales.stall": 0.0})
    firm, (a,) = _trace(scenario, [(0.0, _lead)])
    assert (a.meetings, a.outcome) == (2, "won")
    assert a.closed == pytest.approx(1.0 + 2 * 2.0 + 0.5)


def _problem_customer(**overrides) -> dict:
    return {
        "market.segments.0.size": 10,
        "market.segments.0.initial_customers": 1,
        "market.segments.0.problem_probability": 1.0,
        "market.segments.0.complaint_share": 1.0,
        "sales.handles_service": True,
        **overrides,
    }


def _order(firm: Firm) -> None:
    firm.customers.after_order(firm.customers.all[0], 1, repeat=True)


def test_a_problem_shows_at_delivery_and_its_complaint_waits_for_a_free_salesperson() -> None:
    scenario = _scenario(**_problem_customer(**{"production.delivery": "2 h"}))
    firm, (a, _) = _trace(scenario, [(0.0, _lead), (0.5, _order)])
    # delivered at 2.5, while the salesperson is in A's meeting (1 -> 3): the complaint
    # waits until 3 and is resolved at 4 (1 h), 1.5 h after it was raised
    assert firm.customers.resolved_at[0] == pytest.approx(4.0)
    assert firm.customers.resolution_h[0] == pytest.approx(1.5)
    assert a.closed == pytest.approx(4.5)  # A's collection waited for the complaint
    # A's own first order goes wrong too: delivered at 6.5, handled at once
    assert firm.customers.resolved_at[1:] == [pytest.approx(7.5)]
    row = firm.collect(())["summary"].iloc[0]
    assert (row["problems"], row["complaints"]) == (2, 2)


def test_an_order_nobody_chases_is_late_and_that_is_a_problem() -> None:
    production = {"chase_share": 1.0, "chased_by": "nobody", "late_share": 1.0, "delivery": "1 h"}
    overrides = _problem_customer(**{"production": production})
    overrides["market.segments.0.problem_probability"] = 0.0  # late, not otherwise wrong
    firm, _ = _trace(_scenario(**overrides), [(0.5, _order)])
    row = firm.collect(())["summary"].iloc[0]
    assert (row["late_deliveries"], row["problems"], row["complaints"]) == (1, 1, 1)
    assert firm.customers.resolved_at == [pytest.approx(2.5)]  # raised 1.5, handled 1 h
    assert _hours(firm)["expediting"] == 0.0


def test_a_chase_taken_before_delivery_keeps_the_order_on_time() -> None:
    production = {"chase_share": 1.0, "late_share": 1.0, "delivery": "1 h", "chase_time": "30 min"}
    overrides = _problem_customer(**{"production": production})
    overrides["market.segments.0.problem_probability"] = 0.0
    firm, _ = _trace(_scenario(**overrides), [(0.5, _order)])
    row = firm.collect(())["summary"].iloc[0]
    assert (row["late_deliveries"], row["problems"]) == (0, 0)
    assert _hours(firm)["expediting"] == pytest.approx(0.5)


def test_a_chase_still_queued_at_delivery_is_too_late() -> None:
    production = {"chase_share": 1.0, "late_share": 1.0, "delivery": "1 h", "chase_time": "30 min"}
    overrides = _problem_customer(**{"production": production})
    overrides["market.segments.0.problem_probability"] = 0.0
    # the order at 0.5 is due at 1.5, but the salesperson is in A's contact and meeting
    # until 3 (expediting comes last): the chase is dropped, the order is late
    firm, _ = _trace(_scenario(**overrides), [(0.0, _lead), (0.5, _order)])
    row = firm.collect(())["summary"].iloc[0]
    assert (row["late_deliveries"], row["problems"]) == (1, 1)
    assert firm.sales.stats["expedite"].expired == 1


def test_operations_chase_production_and_book_the_hours() -> None:
    production = {
        "chase_share": 1.0,
        "chased_by": "operations",
        "late_share": 1.0,
        "delivery": "1 h",
        "chase_time": "30 min",
    }
    overrides = _problem_customer(**{"production": production, "operations.staff": 1})
    overrides["market.segments.0.problem_probability"] = 0.0
    firm, _ = _trace(_scenario(**overrides), [(0.0, _lead), (0.5, _order)])
    row = firm.collect(())["summary"].iloc[0]
    assert (row["late_deliveries"], row["problems"]) == (0, 0)
    assert _hours(firm)["expediting"] == 0.0
    # two orders chased, 30 min each: the re-order at 0.5 and A's first deal at 3.5
    operations = firm.operations.ledger.totals(0)
    assert operations["expediting"] == pytest.approx(1.0)
    assert row["utilisation_operations"] == pytest.approx(1.0 / 40.0)


def test_feedback_records_are_weighted_and_act_after_the_delay() -> None:
    feedback = {
        "enabled": True,
        "review_period": "1 d",
        "analysis_time": "1 h",
        "time_per_record": 0,
        "learning_rate": 1.0,
        "half_saturation": 1.0,
        "weights": {"complaint": 3.0},
        "delay": "1 d",
    }
    scenario = _scenario(
        **{
            "market.segments.0.size": 10,
            "market.segments.0.initial_customers": 1,
            "marketing.staff": 1,
            "service": {"staff": 1, "complaint": "1 h", "feedback": feedback},
        }
    )

    def complaint(firm: Firm) -> Request:
        request = Request("complaint", firm.customers.all[0], firm.env.now)
        firm.service.submit("complaint", request)
        return request

    def insight(firm: Firm) -> float:
        return firm.insight.at(firm.env.now)

    firm, (_, at_10, at_17) = _trace(scenario, [(1.0, complaint), (10.0, insight), (17.0, insight)])
    # review at 8 h: one complaint of weight 3, analysed 8 -> 9; the gain
    # 1.0 x 3 / (3 + 1) = 0.75 acts a working day later, at 17
    assert at_10 == 0.0
    assert at_17 == pytest.approx(0.75)
    assert firm.insight.reports == 1
