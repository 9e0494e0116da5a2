"""One replication of one firm: build, wire, run, collect (desmod's lifecycle).

Every department is built the same way and hands its results to ``collect``;
the model reads no files, prints nothing and plots nothing. Per-event work is
plain Python on floats; tables are built once, at the end.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd
import simpy

from sim.model.customers import Customers
from sim.model.ledger import MARKETING_CATEGORIES, SALES_CATEGORIES, SERVICE_CATEGORIES, Ledger
from sim.model.market import COLD, LEAD_SOURCES, MARKETING, ORGANIC, REFERRAL, Lead, SegmentState
from sim.model.market import arrivals as segment_arrivals
from sim.model.marketing import InsightLevel, MarketingDepartment
from sim.model.sales import SalesWork
from sim.model.service import FeedbackLoop, RequestWork
from sim.model.work import Department
from sim.scenario import SALES_WORK, SERVICE_WORK, Scenario
from sim.streams import Streams, replication_seed

TABLES = ("summary", "weekly", "leads", "customers", "queues")
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
        self.horizon = clock.horizon
        self.weeks = max(1, math.ceil(clock.horizon / clock.week_hours - 1e-9))
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
            env.process(segment_arrivals(self, segment))
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

    # -- collect ------------------------------------------------------------------
    def collect(self, keep: Collection[str]) -> dict[str, pd.DataFrame]:
        """The replication's tables (only those in ``keep``; summary is always made)."""
        leads = self._lead_columns()
        tables = {"summary": pd.DataFrame([self._summary(leads)])}
        if "weekly" in keep:
            tables["weekly"] = self._weekly()
        if "leads" in keep:
            tables["leads"] = self._tag(pd.DataFrame(leads))
        if "customers" in keep:
            tables["customers"] = self._customers()
        if "queues" in keep:
            tables["queues"] = self._queues()
        return tables

    def _tag(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame.insert(0, "scenario", self.scenario.name)
        frame.insert(1, "replication", self.replication)
        return frame

    def _lead_columns(self) -> dict[str, np.ndarray]:
        leads = self.leads
        return {
            "lead_id": np.fromiter((lead.id for lead in leads), np.int64, len(leads)),
            "source": np.array([lead.source for lead in leads], dtype=object),
            "channel": np.array([lead.channel for lead in leads], dtype=object),
            "segment": np.array([lead.segment.name for lead in leads], dtype=object),
            "created_h": np.fromiter((lead.created for lead in leads), float, len(leads)),
            "contacted_h": np.fromiter((lead.contacted for lead in leads), float, len(leads)),
            "qualified": np.fromiter((lead.qualified for lead in leads), bool, len(leads)),
            "closed_h": np.fromiter((lead.closed for lead in leads), float, len(leads)),
            "outcome": np.array([lead.outcome for lead in leads], dtype=object),
            "lost_reason": np.array([lead.lost_reason for lead in leads], dtype=object),
            "value": np.fromiter((lead.value for lead in leads), float, len(leads)),
            "intent": np.fromiter((lead.intent for lead in leads), float, len(leads)),
            "wait_h": np.fromiter((lead.waited for lead in leads), float, len(leads)),
        }

    def _summary(self, leads: dict[str, np.ndarray]) -> dict[str, Any]:
        scenario = self.scenario
        first = self.first_week
        weeks = self.weeks - first
        measured_from = first * self.week_hours
        counts = {name: float(sum(values[first:])) for name, values in self.counts.items()}
        revenue = counts["revenue_new"] + counts["revenue_repeat"]
        gross = revenue * scenario.money.gross_margin
        staff_cost = weeks * (
            scenario.sales.staff * scenario.sales.cost_per_head
            + scenario.service.staff * scenario.service.cost_per_head
            + scenario.marketing.staff * scenario.marketing.cost_per_head
        )
        spend = weeks * scenario.marketing.budget_per_week
        sales_hours = self.sales.ledger.totals(first)
        paid = sum(sales_hours.values())
        row: dict[str, Any] = {
            "scenario": scenario.name,
            "replication": self.replication,
            "seed": replication_seed(self.seed, self.replication),
            "weeks": weeks,
            "revenue": revenue,
            "revenue_new": counts["revenue_new"],
            "revenue_repeat": counts["revenue_repeat"],
            "gross_profit": gross,
            "staff_cost": staff_cost,
            "marketing_spend": spend,
            "profit": gross - staff_cost - spend,
            "wasted_sales_capacity": 1.0 - sales_hours["selling"] / paid if paid else math.nan,
        }
        for category in SALES_CATEGORIES:
            row[f"sales_share_{category}"] = sales_hours[category] / paid if paid else math.nan
        row["sales_hours_paid"] = paid

        measured = leads["created_h"] >= measured_from
        outcome = leads["outcome"][measured]
        source = leads["source"][measured]
        contacted = ~np.isnan(leads["contacted_h"][measured])
        row["leads"] = int(measured.sum())
        for name in LEAD_SOURCES:
            row[f"leads_{name}"] = int((source == name).sum())
        row["leads_contacted"] = int(contacted.sum())
        row["leads_qualified"] = int(leads["qualified"][measured].sum())
        for state in ("won", "lost", "abandoned", "open"):
            row[f"leads_{state}"] = int((outcome == state).sum())
        row["leads_never_contacted"] = int(((outcome == "open") & ~contacted).sum())
        inbound_waits = leads["wait_h"][measured][contacted & (source != COLD)]
        has_waits = inbound_waits.size > 0
        row["mean_wait_to_contact_h"] = float(inbound_waits.mean()) if has_waits else math.nan
        for pct in (50, 90):
            row[f"p{pct}_wait_to_contact_h"] = (
                float(np.percentile(inbound_waits, pct)) if has_waits else math.nan
            )
        row["conversion_rate"] = row["leads_won"] / row["leads"] if row["leads"] else math.nan

        row["customers_won"] = int(counts["customers_won"])
        row["customers_active"] = int(self.active_at_week_end[-1])
        row["customers_churned"] = int(counts["customers_churned"])
        row["complaints"] = int(counts["complaints"])
        resolved_at = np.asarray(self.customers.resolved_at)
        resolution = np.asarray(self.customers.resolution_h)[resolved_at >= measured_from]
        row["complaints_resolved"] = int(resolution.size)
        row["mean_complaint_resolution_h"] = (
            float(resolution.mean()) if resolution.size else math.nan
        )
        row["insight_end"] = self.insight.at(self.horizon)
        row["insight_reports"] = self.insight.reports
        for name, ledger in (
            ("sales", self.sales.ledger),
            ("service", self.service.ledger),
            ("marketing", self.marketing_ledger),
        ):
            hours = ledger.totals(first)
            total = sum(hours.values())
            row[f"utilisation_{name}"] = 1.0 - hours["idle"] / total if total else math.nan
        return row

    def _weekly(self) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "week": np.arange(self.weeks),
                "in_warmup": np.arange(self.weeks) < self.first_week,
                **{name: np.asarray(values) for name, values in self.counts.items()},
                "customers_active": np.asarray(self.active_at_week_end),
                "insight": np.asarray(self.insight_at_week_end),
            }
        )
        frame.insert(2, "revenue", frame["revenue_new"] + frame["revenue_repeat"])
        hours = np.asarray(self.sales.ledger.weekly()).reshape(self.weeks, len(SALES_CATEGORIES))
        paid = hours.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            for column, category in enumerate(SALES_CATEGORIES):
                frame[f"sales_share_{category}"] = np.where(
                    paid > 0, hours[:, column] / np.where(paid > 0, paid, 1.0), np.nan
                )
        return self._tag(frame)

    def _customers(self) -> pd.DataFrame:
        customers = self.customers.all
        return self._tag(
            pd.DataFrame(
                {
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
            )
        )

    def _queues(self) -> pd.DataFrame:
        rows = []
        for department in (self.sales, self.service):
            for work, stats in department.stats.items():
                left = stats.taken + stats.expired
                rows.append(
                    {
                        "department": department.name,
                        "work": work,
                        "arrivals": stats.arrivals,
                        "taken": stats.taken,
                        "expired": stats.expired,
                        "waiting_at_end": stats.arrivals - left,
                        "mean_length": stats.area / self.horizon,
                        "total_wait_h": stats.waited,
                        "horizon_h": self.horizon,
                    }
                )
        return self._tag(pd.DataFrame(rows))


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
