"""One replication of one firm: build, wire, run, collect (desmod's lifecycle).

Every department is built the same way and keeps its own records (ledger,
queue statistics), which ``sim.model.records.collect`` turns into tables once
the run is over. The model reads no files, prints nothing and plots nothing;
per-event work is plain Python on floats.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

import pandas as pd
import simpy

from sim.model.customers import Customers
from sim.model.ledger import MARKETING_CATEGORIES, SALES_CATEGORIES, SERVICE_CATEGORIES, Ledger
from sim.model.market import MARKETING, ORGANIC, REFERRAL, Lead, SegmentState, arrival_processes
from sim.model.marketing import InsightLevel, MarketingDepartment
from sim.model.records import TABLES, collect
from sim.model.sales import SalesWork
from sim.model.service import FeedbackLoop, RequestWork
from sim.model.work import Department
from sim.scenario import SALES_WORK, SERVICE_WORK, Scenario
from sim.streams import Streams

_WEEKLY_COUNTS = (
    "revenue_new",
    "revenue_repeat",
    "leads",
    "customers_won",
    "customers_churned",
    "complaints",
)


class Firm:
    """The state of one replication: clock, streams, departments, market, records."""

    def __init__(self, scenario: Scenario, seed: int, replication: int) -> None:
        self.scenario = scenario
        self.seed = seed
        self.replication = replication
        self.env = simpy.Environment()
        clock = scenario.clock
        self.week_hours = clock.week_hours
        # whole weeks (validated); snap away float noise such as 50 d of 44-hour weeks
        self.weeks = max(1, round(clock.horizon / clock.week_hours))
        self.horizon = self.weeks * clock.week_hours
        self.first_week = int(round(clock.warmup / clock.week_hours))
        self.streams = Streams(seed, replication)
        self.counts = {name: [0.0] * self.weeks for name in _WEEKLY_COUNTS}
        self._leads_per_week = self.counts["leads"]  # counted on the hot path
        self.active_at_week_end = [0] * self.weeks
        self.insight_at_week_end = [0.0] * self.weeks
        self.leads: list[Lead] = []

        # build
        self.segments = [SegmentState(i, spec) for i, spec in enumerate(scenario.market.segments)]
        marketing = scenario.marketing
        self.insight = InsightLevel(marketing.insight.initial, marketing.insight.fade)
        self.marketing = MarketingDepartment(
            marketing, self.segments, self.insight, self.week_hours
        )
        self._channel_intent = {channel.name: channel.intent for channel in marketing.channels}
        self.marketing_ledger = Ledger(
            MARKETING_CATEGORIES, marketing.staff, self.weeks, self.week_hours
        )
        sales = scenario.sales
        self.sales = Department(
            self.env,
            "sales",
            sales.staff,
            sales.priority,
            Ledger(SALES_CATEGORIES, sales.staff, self.weeks, self.week_hours),
        )
        service = scenario.service
        self.service = Department(
            self.env,
            "service",
            service.staff,
            service.priority,
            Ledger(SERVICE_CATEGORIES, service.staff, self.weeks, self.week_hours),
        )
        self.customers = Customers(self)
        self._patience = {
            segment.name: self.streams.sampler(f"patience/{segment.name}", segment.spec.patience)
            for segment in self.segments
            if segment.spec.patience is not None
        }

        # wire: who does customers' work
        self.selling = SalesWork(self)
        servicing = {"complaint": "servicing", "reorder": "servicing", "onboarding": "servicing"}
        self.sales_requests = RequestWork(
            self,
            self.sales,
            {
                "complaint": sales.complaint,
                "reorder": sales.reorder,
                "onboarding": sales.onboarding,
            },
            sales.complaint_satisfaction,
            servicing,
            keeps_records=False,
        )
        self.service_requests = RequestWork(
            self,
            self.service,
            {
                "complaint": service.complaint,
                "reorder": service.reorder,
                "onboarding": service.onboarding,
            },
            service.complaint_satisfaction,
            {"complaint": "complaints", "reorder": "reorders", "onboarding": "onboarding"},
            keeps_records=True,
        )
        self.feedback = FeedbackLoop(self, self.service, self.service_requests)
        if service.staff > 0:
            self.customers.route = self.service
        elif scenario.sales_handles_service:
            self.customers.route = self.sales

    @property
    def feedback_active(self) -> bool:
        """Service reports insight only if it exists, the loop is on, and marketing listens."""
        scenario = self.scenario
        return (
            scenario.service.staff > 0
            and scenario.service.feedback.enabled
            and scenario.marketing.staff > 0
        )

    # -- services the departments call --------------------------------------------
    def weekly_add(self, name: str, now: float, amount: float) -> None:
        """Add to a weekly count (the week containing ``now``)."""
        week = int(now // self.week_hours)
        if week >= self.weeks:
            week = self.weeks - 1
        self.counts[name][week] += amount

    def onboarding_needed(self, department: Department) -> bool:
        """Whether new customers take any of this department's time."""
        spec = self.scenario.service if department is self.service else self.scenario.sales
        return not spec.onboarding.is_zero

    def new_lead(
        self, segment: SegmentState, source: str, channel: str, contacted: bool = False
    ) -> Lead:
        """A prospect inquires (or a cold call books a meeting); hand it to sales."""
        now = self.env.now
        spec = segment.spec
        if source == MARKETING:
            intent = self.marketing.lead_intent(self._channel_intent[channel], now)
        elif source == ORGANIC:
            intent = spec.intent_organic
        elif source == REFERRAL:
            intent = spec.intent_referral
        else:
            intent = self.scenario.sales.prospecting.intent
        patience = self._patience.get(segment.name)
        deadline = now + patience() if patience is not None and not contacted else math.inf
        leads = self.leads
        lead = Lead(len(leads), source, channel, segment, now, intent, deadline)
        leads.append(lead)
        segment.pool -= 1
        segment.open_leads += 1
        week = int(now // self.week_hours)
        self._leads_per_week[week if week < self.weeks else self.weeks - 1] += 1
        if contacted:
            lead.contacted = now
            lead.waited = 0.0
        else:
            self.sales.submit("lead", lead)
        return lead

    # -- run ----------------------------------------------------------------------
    def run(self) -> None:
        """Start every process and run to the horizon."""
        env = self.env
        self.customers.add_initial()
        self.sales.start()
        self.service.start()
        for segment in self.segments:
            for process in arrival_processes(self, segment):
                env.process(process)
        if self.feedback_active:
            env.process(self.feedback.reviews())
        env.process(self._week_ends())
        env.run(until=self.horizon)
        self._snapshot(self.weeks - 1)
        self.sales.close(self.horizon)
        self.service.close(self.horizon)
        self.marketing.book(self.marketing_ledger)

    def _week_ends(self) -> Any:
        for week in range(self.weeks - 1):
            yield self.env.timeout(self.week_hours)
            self._snapshot(week)

    def _snapshot(self, week: int) -> None:
        self.active_at_week_end[week] = sum(segment.active for segment in self.segments)
        self.insight_at_week_end[week] = self.insight.at(self.env.now)

    def collect(self, keep: Collection[str] = TABLES) -> dict[str, pd.DataFrame]:
        """The finished replication's tables (see ``sim.model.records``)."""
        return collect(self, keep)

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
        pending += self.sales._idle + self.service._idle
        for event in pending:
            event.callbacks = None  # type: ignore[assignment]  # as SimPy does once processed
        hubs = [self.env, self.sales, self.service, self.customers, self.selling]
        hubs += [self.sales_requests, self.service_requests, self.feedback, self.marketing]
        for hub in hubs:
            hub.__dict__.clear()
        self.__dict__.clear()


def simulate(
    scenario: Scenario, seed: int, replication: int, keep: Collection[str] = TABLES
) -> dict[str, pd.DataFrame]:
    """Run one replication and return its tables."""
    firm = Firm(scenario, seed, replication)
    firm.run()
    tables = firm.collect(keep)
    firm.dismantle()
    return tables


__all__ = ["SALES_WORK", "SERVICE_WORK", "TABLES", "Firm", "simulate"]
