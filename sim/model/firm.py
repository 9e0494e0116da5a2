"""One replication of one firm: build, wire, run, collect (desmod's lifecycle).

Every department is built the same way, from a :class:`RunContext` (clock,
calendar, streams, weekly counts) and its part of the scenario; the firm then
wires them once, handing each the few callables it needs from its neighbours
(``sales.on_win = customers.win``, ``customers.fit_factor =
marketing.fit_factor``, ...), so no department knows the firm or reaches into
another. When the run is over each department reports its own figures and
rows, and ``sim.model.records`` merges them into tables. The model reads no
files, prints nothing and plots nothing; per-event work is plain Python on
floats.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pandas as pd
import simpy

from sim.model.context import Calendar, RunContext
from sim.model.customers import Customers
from sim.model.leads import lead_columns, lead_summary
from sim.model.ledger import OPERATIONS_CATEGORIES, SALES_CATEGORIES, SERVICE_CATEGORIES, Ledger
from sim.model.market import Market
from sim.model.marketing import MarketingDepartment
from sim.model.production import Chasing
from sim.model.records import Reports, money, tables
from sim.model.sales import SalesWork
from sim.model.service import FeedbackLoop, RequestWork
from sim.model.work import Department
from sim.results import TABLES
from sim.scenario import Scenario
from sim.streams import Streams, replication_seed

# the ledger category each kind of customers' request is booked to, in each department
SALES_REQUESTS = {"complaint": "servicing", "reorder": "servicing", "onboarding": "servicing"}
SERVICE_REQUESTS = {"complaint": "complaints", "reorder": "reorders", "onboarding": "onboarding"}


class Firm:
    """The departments of one replication, wired together, and its run."""

    def __init__(self, scenario: Scenario, seed: int, replication: int) -> None:
        self.scenario = scenario
        self.seed = seed
        self.replication = replication
        clock = scenario.clock
        self.calendar = Calendar(clock.week_hours, clock.horizon, clock.warmup)
        self.env = simpy.Environment()
        self.context = RunContext(self.env, Streams(seed, replication), self.calendar)
        self._build()
        self._wire()

    # -- build: every department from the context and its own settings --------------
    def _build(self) -> None:
        scenario, context, calendar = self.scenario, self.context, self.calendar
        self.market = Market(context, scenario.market)
        self.marketing = MarketingDepartment(scenario.marketing, self.market.segments, calendar)
        sales, service, operations = scenario.sales, scenario.service, scenario.operations
        chased_by = scenario.production.chased_by
        # a department queues only the work it does: expediting only where sales chases
        sales_work = tuple(
            work for work in sales.priority if work != "expedite" or chased_by == "sales"
        )
        self.sales = Department(
            self.env,
            "sales",
            sales.staff,
            sales_work,
            Ledger(SALES_CATEGORIES, sales.staff, calendar),
        )
        self.service = Department(
            self.env,
            "service",
            service.staff,
            service.priority,
            Ledger(SERVICE_CATEGORIES, service.staff, calendar),
        )
        self.operations = Department(
            self.env,
            "operations",
            operations.staff,
            ("expedite",) if chased_by == "operations" else (),
            Ledger(OPERATIONS_CATEGORIES, operations.staff, calendar),
        )
        chasers = {"sales": self.sales, "operations": self.operations}.get(chased_by)
        self.chasing = Chasing(context, scenario.production, chasers)
        self.customers = Customers(
            context, self.market.segments, scenario.retention, scenario.production
        )
        self.selling = SalesWork(context, sales, self.sales, self.market.segments)
        # sales keeps no feedback records (MODEL.md): only service's requests teach marketing
        weights = service.feedback.weights.model_dump()
        self.sales_requests = RequestWork(context, self.sales, sales, SALES_REQUESTS, None)
        self.service_requests = RequestWork(
            context, self.service, service, SERVICE_REQUESTS, weights
        )
        self.feedback = FeedbackLoop(
            context, service.feedback, self.service, self.service_requests, self.insight
        )

    # -- wire: the callables each department needs from its neighbours --------------
    def _wire(self) -> None:
        market, marketing, customers, selling = (
            self.market,
            self.marketing,
            self.customers,
            self.selling,
        )
        market.on_inquiry = lambda lead: self.sales.submit("contact", lead)
        market.channel_intent = marketing.lead_intent
        market.apply_pressure = marketing.apply_pressure
        market.channels_reaching = marketing.channels_reaching
        selling.on_win = customers.win
        selling.cold_lead = market.cold_lead
        customers.fit_factor = marketing.fit_factor
        customers.on_order = self.chasing.order_placed
        for requests in (self.sales_requests, self.service_requests):
            requests.on_complaint_done = customers.resolve_complaint
            requests.on_reorder_done = customers.book_repeat_order
        # who handles customers' requests, decided here once (see Scenario.request_handler)
        handler = self.scenario.request_handler
        route = {"service": self.service, "sales": self.sales}.get(handler or "")
        customers.route = route
        if handler is not None:
            customers.onboarding = not getattr(self.scenario, handler).onboarding.is_zero

    @property
    def insight(self) -> Any:
        """The insight level marketing acts on and service's reports raise."""
        return self.marketing.insight

    @property
    def segments(self) -> list[Any]:
        """The market's segments (live state)."""
        return self.market.segments

    @property
    def leads(self) -> list[Any]:
        """Every lead so far."""
        return self.market.leads

    @property
    def feedback_active(self) -> bool:
        """Service reports insight only if it exists, the loop is on, and marketing listens."""
        scenario = self.scenario
        return (
            scenario.service.staff > 0
            and scenario.service.feedback.enabled
            and scenario.marketing.staff > 0
        )

    # -- run ----------------------------------------------------------------------
    def run(self) -> None:
        """Start every process and run to the horizon."""
        env = self.env
        self.customers.add_initial()
        self.sales.start()
        self.service.start()
        self.operations.start()
        self.market.start()
        if self.feedback_active:
            env.process(self.feedback.reviews())
        env.process(self._week_ends())
        horizon = self.calendar.horizon
        env.run(until=horizon)
        self._snapshot(self.calendar.weeks - 1)
        for department in (self.sales, self.service, self.operations):
            department.close(horizon)
        self.marketing.close()

    def _week_ends(self) -> Any:
        calendar = self.calendar
        for week in range(calendar.weeks - 1):
            yield self.env.timeout(calendar.start(week + 1) - self.env.now)
            self._snapshot(week)

    def _snapshot(self, week: int) -> None:
        self.customers.snapshot(week)
        self.marketing.snapshot(week, self.env.now)

    # -- collect -------------------------------------------------------------------
    def reports(self, keep: Collection[str]) -> Reports:
        """What every department reports, in the order of the tables' columns."""
        calendar = self.calendar
        first = calendar.first_week
        leads = lead_columns(self.market.leads, calendar.measured_from)
        departments = (
            ("sales", self.sales.ledger),
            ("service", self.service.ledger),
            ("marketing", self.marketing.ledger),
            ("operations", self.operations.ledger),
        )
        return Reports(
            identity={
                "scenario": self.scenario.name,
                "replication": self.replication,
                "seed": replication_seed(self.seed, self.replication),
                "weeks": calendar.measured_weeks,
            },
            summary=[
                money(self.scenario, self.context.counts, calendar.measured_weeks),
                self.selling.summary(first),
                lead_summary(leads, calendar.horizon),
                self.customers.summary(),
                self.marketing.summary(first, calendar.horizon),
                {f"utilisation_{name}": ledger.utilisation(first) for name, ledger in departments},
            ],
            weekly=[
                self.context.counts.per_week,
                {"customers_active": self.customers.active_at_week_end},
                {"insight": self.marketing.insight_at_week_end},
                self.selling.weekly_columns(),
            ]
            if "weekly" in keep
            else [],
            leads=leads,
            customers=self.customers.columns() if "customers" in keep else {},
            queues=[
                row
                for department in (self.sales, self.service, self.operations)
                for row in department.queue_rows(calendar.horizon)
            ],
        )

    def collect(self, keep: Collection[str] = TABLES) -> dict[str, pd.DataFrame]:
        """The finished replication's tables (see ``sim.model.records``)."""
        return tables(self.reports(keep), self.calendar, keep)

    def dismantle(self) -> None:
        """Break the reference cycles of a finished replication.

        Departments, SimPy processes and their pending events point at one
        another; left alone, each replication's objects wait for Python's
        slowest garbage collection, and memory grows with the number of
        replications run between two collections. Clearing the hubs frees a
        replication by reference counting the moment its tables are made.
        """
        # a waiting process and the event it waits for point at each other
        pending = [entry[-1] for entry in self.env._queue]  # SimPy's (time, priority, id, event)
        pending += self.sales._idle + self.service._idle + self.operations._idle
        for event in pending:
            event.callbacks = None  # type: ignore[assignment]  # as SimPy does once processed
        hubs = [self.env, self.sales, self.service, self.operations, self.customers]
        hubs += [self.selling, self.market, self.chasing, self.marketing]
        hubs += [self.sales_requests, self.service_requests, self.feedback]
        for hub in hubs:
            hub.__dict__.clear()
        self.__dict__.clear()


def simulate(
    scenario: Scenario, seed: int, replication: int, keep: Collection[str] = TABLES
) -> dict[str, pd.DataFrame]:
    """Run one replication and return its tables."""
    firm = Firm(scenario, seed, replication)
    firm.run()
    made = firm.collect(keep)
    firm.dismantle()
    return made


__all__ = ["TABLES", "Firm", "simulate"]
