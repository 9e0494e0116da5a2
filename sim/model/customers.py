"""Customers: repeat orders, deliveries, problems, complaints and churn.

MODEL.md, "Customers": a won customer is active and places repeat orders
(gaps of any distribution; exponential at ``reorder_rate`` by default). Every
order reaches the customer after a delivery time, and a problem shows then,
not at booking: the order went wrong (``problem_probability``, lowered by
product fit) or it was late (it needed chasing and nobody chased production).
The customer complains or stays silent; how a complaint is handled (satisfied
or not, how fast) sets the chance the customer stays (TARP). Customers may also
leave at a base hazard. Active customers drive word of mouth through ``A(t)``.

Every customer carries its own uniforms (``sim.model.draws``): a base row
(its base churn time) and a row per order (the gap to the next order, its
value, whether it needs chasing, is late, when it is delivered, whether it goes
wrong, whether the customer complains, is satisfied, stays). They are keyed by
the lead that won the customer (or its place in the initial base), so the same
buyer orders, complains and leaves alike in every firm that has it.

Customers' requests (complaints, re-orders, onboarding) go to service, or to
sales where there is no service (or as configured). Where nobody handles them,
re-orders are booked as they come (the customer orders by itself), onboarding
does not happen, and a complaint counts as unresolved after
``retention.unresolved_after``.

Each customer's next order, delivery and base churn are timeouts with a
callback, not a process, so thousands of customers cost one event each.

Wired by the firm: ``route`` is the department that handles customers'
requests (or None), ``onboarding`` whether new customers need setting up,
``fit_factor(now)`` scales problems per order (product fit, from marketing) and
``on_order(customer, draws, repeat)`` is told of every order and says whether
it will be late (production chasing).
"""

from __future__ import annotations

import math
import typing
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import simpy

from sim.distributions import Dist
from sim.model.context import RunContext
from sim.model.draws import (
    CHURN,
    COMPLAIN,
    DELIVERY,
    GAP,
    LOYALTY,
    ORDER_VALUE,
    PROBLEM,
    CustomerDraws,
    CustomerStream,
    quantile,
)
from sim.model.leads import Lead
from sim.model.segments import SegmentState
from sim.model.work import Department
from sim.scenario.schema import Production, Retention
from sim.streams import name_part

INITIAL, WON = "initial", "won"


class Customer:
    """One customer of the firm."""

    __slots__ = (
        "active",
        "churned",
        "complaints",
        "draws",
        "id",
        "lead_id",
        "orders",
        "origin",
        "placed",
        "revenue",
        "segment",
        "won",
    )

    def __init__(
        self,
        customer_id: int,
        segment: SegmentState,
        origin: str,
        won: float,
        lead_id: int,
        draws: CustomerDraws,
    ) -> None:
        self.id = customer_id
        self.segment = segment
        self.origin = origin
        self.won = won
        self.lead_id = lead_id
        self.draws = draws
        self.churned = math.nan
        self.active = True
        self.orders = 0  # orders booked
        self.placed = 0  # orders placed (the next order's number)
        self.revenue = 0.0
        self.complaints = 0


class Request:
    """A piece of customer work waiting in a department queue: about order ``order``,
    whose uniforms are ``draws``."""

    __slots__ = ("created", "customer", "draws", "kind", "order", "value")
    deadline = math.inf  # customers' work never expires in the queue

    def __init__(
        self,
        kind: str,
        customer: Customer,
        created: float,
        value: float = 0.0,
        order: int = 0,
    ) -> None:
        self.kind = kind
        self.customer = customer
        self.created = created
        self.value = value
        self.order = order
        self.draws = customer.draws.order(order)


def _perfect_fit(now: float) -> float:
    return 1.0


class Lateness(Protocol):
    """What production says of an order: asked at delivery whether it is late."""

    def late(self) -> bool: ...


def _on_time(customer: Customer, draws: list[float], repeat: bool, delivery: float) -> None:
    return None


class Customers:
    """All customers of one replication and what happens to them."""

    def __init__(
        self,
        context: RunContext,
        segments: list[SegmentState],
        retention: Retention,
        production: Production,
    ) -> None:
        self.env = context.env
        self.calendar = context.calendar
        self._counts = context.counts
        self._streams = context.streams
        self._customer_streams: dict[str, CustomerStream] = {}
        self.segments = segments
        self.all: list[Customer] = []
        self._order_gap: dict[str, Any] = {}
        self._order_value = {}
        self._churn_gap = {}
        for segment in segments:
            spec = segment.spec
            name = segment.name
            if spec.reorder_gap is not None:
                self._order_gap[name] = quantile(spec.reorder_gap)
            elif spec.reorder_rate > 0:
                mean = 1 / spec.reorder_rate
                self._order_gap[name] = quantile(Dist("exponential", (("mean", mean),)))
            self._order_value[name] = quantile(spec.reorder_value)
            if spec.churn_rate > 0:
                mean = 1 / spec.churn_rate
                self._churn_gap[name] = quantile(Dist("exponential", (("mean", mean),)))
        self._delivery = quantile(production.delivery)
        self._delivers_at_once = production.delivery.is_zero
        self.route: Department | None = None  # who handles customers' requests
        self.onboarding = False  # whether new customers need setting up by ``route``
        self.fit_factor: Callable[[float], float] = _perfect_fit
        self.on_order: Callable[[Customer, list[float], bool, float], Lateness | None] = _on_time
        self._silent_loyal = retention.silent
        self._unsatisfied_loyal = retention.unsatisfied
        self._satisfied_steps = retention.satisfied
        self.unresolved_after = retention.unresolved_after
        # complaint records: (time resolved, resolution time in hours)
        self.resolved_at: list[float] = []
        self.resolution_h: list[float] = []
        self.active_at_week_end = [0] * context.calendar.weeks

    # -- creation ------------------------------------------------------------
    def _draws(self, origin: str, index: int) -> CustomerDraws:
        """The uniforms of the customer from candidate ``index`` of source ``origin``."""
        stream = self._customer_streams.get(origin)
        if stream is None:
            key = self._streams.entity_key(f"customers/{origin}")
            stream = self._customer_streams[origin] = CustomerStream(key)
        return CustomerDraws(stream, index)

    def add_initial(self) -> None:
        """The existing customer base at time 0 (their last order is in the past)."""
        for segment in self.segments:
            for index in range(segment.spec.initial_customers):
                draws = self._draws(f"{name_part(segment.name)}/initial", index)
                customer = self._create(segment, INITIAL, 0.0, -1, draws)
                customer.placed = 1
                self._next_order(customer, draws.order(0))

    def win(self, lead: Lead) -> Customer:
        """A lead became a customer: its first order has been booked by sales."""
        now = self.env.now
        draws = self._draws(lead.origin, lead.index)
        customer = self._create(lead.segment, WON, now, lead.id, draws)
        customer.orders = customer.placed = 1
        self._counts.add("customers_won", now, 1)
        if self.onboarding:
            assert self.route is not None
            self.route.submit("onboarding", Request("onboarding", customer, now))
        self.after_order(customer, 0, repeat=False)
        self._next_order(customer, draws.order(0))
        return customer

    def _create(
        self,
        segment: SegmentState,
        origin: str,
        now: float,
        lead_id: int,
        draws: CustomerDraws,
    ) -> Customer:
        customer = Customer(len(self.all), segment, origin, now, lead_id, draws)
        self.all.append(customer)
        segment.active += 1
        churn = self._churn_gap.get(segment.name)
        if churn is not None:
            self._schedule(churn(draws.base[CHURN]), customer, self._on_base_churn)
        return customer

    def _schedule(self, delay: float, value: object, callback: object) -> None:
        event = self.env.timeout(delay, value)
        event.callbacks.append(callback)  # type: ignore[arg-type]

    # -- orders ---------------------------------------------------------------
    def _next_order(self, customer: Customer, draws: list[float]) -> None:
        """Schedule the order after the one whose uniforms are ``draws``."""
        gap = self._order_gap.get(customer.segment.name)
        if gap is not None:
            self._schedule(gap(draws[GAP]), customer, self._on_order)

    def _on_order(self, event: simpy.Event) -> None:
        customer = typing.cast(Customer, event.value)
        if not customer.active:
            return
        number = customer.placed
        customer.placed += 1
        draws = customer.draws.order(number)
        value = self._order_value[customer.segment.name](draws[ORDER_VALUE])
        if self.route is None:
            self.book_repeat_order(customer, value, number)
        else:
            request = Request("reorder", customer, self.env.now, value, number)
            self.route.submit("reorder", request)
        self._next_order(customer, draws)

    def book_repeat_order(self, customer: Customer, value: float, number: int) -> None:
        """Repeat order ``number`` has been handled: book the money and what follows."""
        customer.orders += 1
        customer.revenue += value
        self._counts.add("revenue_repeat", self.env.now, value)
        self.after_order(customer, number, repeat=True)

    def after_order(self, customer: Customer, number: int, repeat: bool) -> None:
        """Delivery, after production has been chased (or not) in the meantime."""
        draws = customer.draws.order(number)
        delivery = 0.0 if self._delivers_at_once else self._delivery(draws[DELIVERY])
        lateness = self.on_order(customer, draws, repeat, self.env.now + delivery)
        if delivery == 0:
            self._delivered(customer, number, lateness)
        else:
            self._schedule(delivery, (customer, number, lateness), self._on_delivery)

    def _on_delivery(self, event: simpy.Event) -> None:
        customer, number, lateness = typing.cast(tuple[Customer, int, Lateness | None], event.value)
        self._delivered(customer, number, lateness)

    def _delivered(self, customer: Customer, number: int, lateness: Lateness | None) -> None:
        """The order arrives: late, or gone wrong, it is a problem for the customer."""
        if not customer.active:
            return  # a customer who has left does not complain any more
        now = self.env.now
        draws = customer.draws.order(number)
        spec = customer.segment.spec
        late = lateness is not None and lateness.late()
        if late:
            self._counts.add("late_deliveries", now, 1)
        went_wrong = draws[PROBLEM] < spec.problem_probability * self.fit_factor(now)
        if not (late or went_wrong):
            return
        self._counts.add("problems", now, 1)
        if draws[COMPLAIN] < spec.complaint_share:
            customer.complaints += 1
            self._counts.add("complaints", now, 1)
            request = Request("complaint", customer, now, order=number)
            if self.route is None:
                self._schedule(self.unresolved_after, request, self._on_unanswered)
            else:
                self.route.submit("complaint", request)
        elif draws[LOYALTY] >= self._silent_loyal:
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
        if customer.active and request.draws[LOYALTY] >= loyal:
            self.churn(customer)

    def _on_unanswered(self, event: simpy.Event) -> None:
        request = typing.cast(Request, event.value)
        customer = request.customer
        if customer.active and request.draws[LOYALTY] >= self._unsatisfied_loyal:
            self.churn(customer)

    def _on_base_churn(self, event: simpy.Event) -> None:
        customer = typing.cast(Customer, event.value)
        if customer.active:
            self.churn(customer)

    def churn(self, customer: Customer) -> None:
        """The customer leaves: no more orders, no more word of mouth."""
        if not customer.active:
            return  # two reasons to leave can meet: leaving is once
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
            "problems": int(counts.measured("problems")),
            "late_deliveries": int(counts.measured("late_deliveries")),
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
