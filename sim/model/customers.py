"""Customers: repeat orders, problems, complaints and churn.

MODEL.md, "Customers": a won customer is active, places repeat orders (Poisson
at the segment's ``reorder_rate``), may have a problem after any order and
either complain or stay silent, and may churn: at a base hazard, or after a
problem with the probability the retention table gives for how it was handled
(TARP). Active customers drive word of mouth through ``A(t)``.

Customers' requests (complaints, re-orders, onboarding) go to service, or to
sales where there is no service (or as configured). Where nobody handles them,
re-orders are booked as they come (the customer orders by itself), onboarding
does not happen, and a complaint counts as unresolved after
``retention.unresolved_after``.

Each customer's next order and base churn are timeouts with a callback, not a
process, so thousands of customers cost one event per order.

Wired by the firm: ``route`` is the department that handles customers'
requests (or None), ``onboarding`` whether new customers need setting up,
``fit_factor(now)`` scales problems per order (product fit, from marketing) and
``on_order(customer, repeat)`` is told of every order (sales' expediting).
"""

from __future__ import annotations

import math
import typing
from collections.abc import Callable
from typing import Any

import numpy as np
import simpy

from sim.distributions import Dist
from sim.model.context import RunContext
from sim.model.segments import SegmentState
from sim.model.work import Department
from sim.scenario.schema import Retention

INITIAL, WON = "initial", "won"


class Customer:
    """One customer of the firm."""

    __slots__ = (
        "active",
        "churned",
        "complaints",
        "id",
        "lead_id",
        "orders",
        "origin",
        "revenue",
        "segment",
        "won",
    )

    def __init__(
        self, customer_id: int, segment: SegmentState, origin: str, won: float, lead_id: int
    ) -> None:
        self.id = customer_id
        self.segment = segment
        self.origin = origin
        self.won = won
        self.lead_id = lead_id
        self.churned = math.nan
        self.active = True
        self.orders = 0
        self.revenue = 0.0
        self.complaints = 0


class Request:
    """A piece of customer work waiting in a department queue."""

    __slots__ = ("created", "customer", "kind", "value")
    deadline = math.inf  # customers' work never expires in the queue

    def __init__(self, kind: str, customer: Customer | None, created: float, value: float) -> None:
        self.kind = kind
        self.customer = customer
        self.created = created
        self.value = value


def _perfect_fit(now: float) -> float:
    return 1.0


def _no_follow_up(customer: Customer, repeat: bool) -> None:
    return None


class Customers:
    """All customers of one replication and what happens to them."""

    def __init__(
        self, context: RunContext, segments: list[SegmentState], retention: Retention
    ) -> None:
        self.env = context.env
        self.calendar = context.calendar
        self._counts = context.counts
        self.segments = segments
        self.all: list[Customer] = []
        streams = context.streams
        self._order_gap = {}
        self._order_value = {}
        self._churn_gap = {}
        for segment in segments:
            spec = segment.spec
            name = segment.name
            if spec.reorder_rate > 0:
                self._order_gap[name] = streams.sampler(
                    f"orders/{name}/gap", Dist("exponential", (("mean", 1 / spec.reorder_rate),))
                )
                self._order_value[name] = streams.sampler(
                    f"orders/{name}/value", spec.reorder_value
                )
            if spec.churn_rate > 0:
                self._churn_gap[name] = streams.sampler(
                    f"churn/{name}/gap", Dist("exponential", (("mean", 1 / spec.churn_rate),))
                )
        self._problem = streams.uniform("customers/problem")
        self._complain = streams.uniform("customers/complain")
        # one stream per decision, so routing complaints differently cannot reorder the others
        self._loyal_silent = streams.uniform("customers/loyalty/silent")
        self._loyal_handled = streams.uniform("customers/loyalty/handled")
        self._loyal_unanswered = streams.uniform("customers/loyalty/unanswered")
        self.route: Department | None = None  # who handles customers' requests
        self.onboarding = False  # whether new customers need setting up by ``route``
        self.fit_factor: Callable[[float], float] = _perfect_fit
        self.on_order: Callable[[Customer, bool], None] = _no_follow_up
        self._silent_loyal = retention.silent
        self._unsatisfied_loyal = retention.unsatisfied
        self._satisfied_steps = retention.satisfied
        self.unresolved_after = retention.unresolved_after
        # complaint records: (time resolved, resolution time in hours)
        self.resolved_at: list[float] = []
        self.resolution_h: list[float] = []
        self.active_at_week_end = [0] * context.calendar.weeks

    # -- creation ------------------------------------------------------------
    def add_initial(self) -> None:
        """The existing customer base at time 0."""
        for segment in self.segments:
            for _ in range(segment.spec.initial_customers):
                self._create(segment, INITIAL, 0.0, -1)

    def win(self, segment: SegmentState, lead_id: int) -> Customer:
        """A lead became a customer: its first order has been booked by sales."""
        now = self.env.now
        customer = self._create(segment, WON, now, lead_id)
        customer.orders = 1
        self._counts.add("customers_won", now, 1)
        if self.onboarding:
            assert self.route is not None
            self.route.submit("onboarding", Request("onboarding", customer, now, 0.0))
        self.after_order(customer, repeat=False)
        return customer

    def _create(self, segment: SegmentState, origin: str, now: float, lead_id: int) -> Customer:
        customer = Customer(len(self.all), segment, origin, now, lead_id)
        self.all.append(customer)
        segment.active += 1
        name = segment.name
        if name in self._order_gap:
            self._schedule(self._order_gap[name](), customer, self._on_order)
        if name in self._churn_gap:
            self._schedule(self._churn_gap[name](), customer, self._on_base_churn)
        return customer

    def _schedule(self, delay: float, customer: Customer, callback: object) -> None:
        event = self.env.timeout(delay, customer)
        event.callbacks.append(callback)  # type: ignore[arg-type]

    # -- orders ---------------------------------------------------------------
    def _on_order(self, event: simpy.Event) -> None:
        customer = typing.cast(Customer, event.value)
        if not customer.active:
            return
        name = customer.segment.name
        value = self._order_value[name]()
        now = self.env.now
        if self.route is None:
            self.book_repeat_order(customer, value)
        else:
            self.route.submit("reorder", Request("reorder", customer, now, value))
        self._schedule(self._order_gap[name](), customer, self._on_order)

    def book_repeat_order(self, customer: Customer, value: float) -> None:
        """A repeat order has been handled: book the money and what follows an order."""
        customer.orders += 1
        customer.revenue += value
        self._counts.add("revenue_repeat", self.env.now, value)
        self.after_order(customer, repeat=True)

    def after_order(self, customer: Customer, repeat: bool) -> None:
        """Expediting and the chance of a problem, after any order."""
        self.on_order(customer, repeat)
        now = self.env.now
        problems = customer.segment.spec.problem_probability
        if problems == 0 or self._problem() >= problems * self.fit_factor(now):
            return
        if self._complain() < customer.segment.spec.complaint_share:
            customer.complaints += 1
            self._counts.add("complaints", now, 1)
            request = Request("complaint", customer, now, 0.0)
            if self.route is None:
                self._schedule(self.unresolved_after, customer, self._on_unanswered)
            else:
                self.route.submit("complaint", request)
        elif self._loyal_silent() >= self._silent_loyal:
            self.churn(customer)

    # -- problems and churn -------------------------------------------------------
    def resolve_complaint(self, request: Request, satisfied: bool) -> None:
        """A complaint has been handled: the customer stays or leaves (TARP table)."""
        now = self.env.now
        resolution = now - request.created
        self.resolved_at.append(now)
        self.resolution_h.append(resolution)
        if not satisfied or resolution > self.unresolved_after:
            loyal = self._unsatisfied_loyal
        else:
            loyal = self._satisfied_steps[0][1]
            for after, share in self._satisfied_steps:
                if resolution >= after:
                    loyal = share
        customer = request.customer
        if customer is not None and customer.active and self._loyal_handled() >= loyal:
            self.churn(customer)

    def _on_unanswered(self, event: simpy.Event) -> None:
        customer = typing.cast(Customer, event.value)
        if customer.active and self._loyal_unanswered() >= self._unsatisfied_loyal:
            self.churn(customer)

    def _on_base_churn(self, event: simpy.Event) -> None:
        customer = typing.cast(Customer, event.value)
        if customer.active:
            self.churn(customer)

    def churn(self, customer: Customer) -> None:
        """The customer leaves: no more orders, no more word of mouth."""
        if not customer.active:
            return  # an order placed before leaving can still go wrong: leaving is once
        now = self.env.now
        customer.active = False
        customer.churned = now
        customer.segment.active -= 1
        self._counts.add("customers_churned", now, 1)

    # -- records ----------------------------------------------------------------
    def snapshot(self, week: int) -> None:
        """Record the active customers at the end of ``week``."""
        self.active_at_week_end[week] = sum(segment.active for segment in self.segments)

    def summary(self) -> dict[str, Any]:
        """The summary's customer figures (weeks after the warm-up; active at the end)."""
        counts = self._counts
        resolved_at = np.asarray(self.resolved_at)
        resolution = np.asarray(self.resolution_h)[resolved_at >= self.calendar.measured_from]
        return {
            "customers_won": int(counts.measured("customers_won")),
            "customers_active": int(self.active_at_week_end[-1]),
            "customers_churned": int(counts.measured("customers_churned")),
            "complaints": int(counts.measured("complaints")),
            "complaints_resolved": int(resolution.size),
            "mean_complaint_resolution_h": (
                float(resolution.mean()) if resolution.size else math.nan
            ),
        }

    def columns(self) -> dict[str, list[Any]]:
        """The customer table's columns (one entry per customer)."""
        customers = self.all
        return {
            "customer_id": [c.id for c in customers],
            "segment": [c.segment.name for c in customers],
            "origin": [c.origin for c in customers],
            "lead_id": [c.lead_id for c in customers],
            "won_h": [c.won for c in customers],
            "churned_h": [c.churned for c in customers],
            "orders": [c.orders for c in customers],
            "revenue": [c.revenue for c in customers],
            "complaints": [c.complaints for c in customers],
        }
