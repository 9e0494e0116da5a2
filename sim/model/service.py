"""Service: keep customers, and feed what they say back to marketing.

MODEL.md, "Service": agents handle complaints, re-orders and onboarding. How a
complaint is handled (satisfied or not, how fast) sets the chance the customer
stays (``Customers.resolve_complaint``). Every request service handles leaves a
feedback record; every review period service spends analysis hours turning the
records into an insight report for marketing. Sales keeps no records, so a
firm without service learns nothing; and a firm without marketers has nobody
to act on the reports, so it writes none.

The same request work runs in sales where sales handles customers' requests,
with sales' own durations and satisfaction, booked as "servicing".

Wired by the firm: ``on_complaint_done(request, satisfied)`` and
``on_reorder_done(customer, value)`` tell the customers what was done.
"""

from __future__ import annotations

import functools
import math
import typing
from collections.abc import Callable, Generator
from typing import Any

import simpy

from sim.model.context import RunContext
from sim.model.customers import Customer, Request
from sim.model.draws import COMPLAINT_TIME, HANDLING_TIME, SATISFIED, quantile
from sim.model.marketing import InsightLevel
from sim.model.work import Department, Job
from sim.scenario.schema import Feedback, Sales, Service

# the kinds of customers' requests, handled by service or, without one, by sales
REQUESTS = ("complaint", "reorder", "onboarding")


def _unwired(*args: object) -> None:
    raise RuntimeError("RequestWork is not wired to the customers")


class RequestWork:
    """How one department handles customers' requests.

    How long a request takes and whether a complaint leaves the customer
    satisfied are read from the order's own uniforms (``sim.model.draws``), so
    the same complaint meets sales' and service's times and satisfaction rates
    with the same luck. A department
    that keeps feedback records (service) counts each handled request, and its
    weight (``weights``: what it tells marketing).
    """

    def __init__(
        self,
        context: RunContext,
        department: Department,
        spec: Sales | Service,
        categories: dict[str, str],
        weights: dict[str, float] | None,
    ) -> None:
        self.department = department
        self.on_complaint_done: Callable[[Request, bool], None] = _unwired
        self.on_reorder_done: Callable[[Customer, float, int], None] = _unwired
        # how long a request takes is read from its order's own uniforms, like its outcome
        self._time = {kind: quantile(getattr(spec, kind)) for kind in REQUESTS}
        self._satisfaction = spec.complaint_satisfaction
        ledger = department.ledger
        self._category = {kind: ledger.index(category) for kind, category in categories.items()}
        self.weights = weights  # None: keeps no records
        self.records = 0
        self.weight = 0.0
        for kind in REQUESTS:
            department.handle(kind, getattr(self, f"take_{kind}"))

    def take_complaint(self, request: Request) -> Job:
        """Work on a complaint; the customer's verdict comes when it is done."""
        satisfied = request.draws[SATISFIED] < self._satisfaction
        return (
            self._time["complaint"](request.draws[COMPLAINT_TIME]),
            self._category["complaint"],
            functools.partial(self._complaint_done, request, satisfied),
        )

    def _complaint_done(self, request: Request, satisfied: bool) -> None:
        self._record("complaint")
        self.on_complaint_done(request, satisfied)

    def take_reorder(self, request: Request) -> Job:
        """Book a repeat order."""
        return (
            self._time["reorder"](request.draws[HANDLING_TIME]),
            self._category["reorder"],
            functools.partial(self._reorder_done, request),
        )

    def _reorder_done(self, request: Request) -> None:
        self._record("reorder")
        self.on_reorder_done(request.customer, request.value, request.order)

    def take_onboarding(self, request: Request) -> Job:
        """Set a new customer up."""
        return (
            self._time["onboarding"](request.draws[HANDLING_TIME]),
            self._category["onboarding"],
            functools.partial(self._record, "onboarding"),
        )

    def _record(self, kind: str) -> None:
        if self.weights is not None:
            self.records += 1
            self.weight += self.weights[kind]


class AnalysisJob:
    """A batch of feedback records (and their weight) waiting for service to analyse it."""

    __slots__ = ("created", "records", "weight")
    deadline = math.inf  # an analysis never expires in the queue

    def __init__(self, records: int, weight: float, created: float) -> None:
        self.records = records
        self.weight = weight
        self.created = created


class FeedbackLoop:
    """Periodic insight reports: service analysis time turned into marketing insight.

    Analysis takes time per record; what a report teaches grows with the
    records' weight (a complaint may tell more than a re-order booking), with
    diminishing returns, and acts ``delay`` after the report (a change to
    targeting or product takes time).
    """

    def __init__(
        self,
        context: RunContext,
        spec: Feedback,
        department: Department,
        requests: RequestWork,
        insight: InsightLevel,
    ) -> None:
        self.env = context.env
        self.spec = spec
        self.department = department
        self.requests = requests
        self.insight = insight
        self._category = department.ledger.index("analysis")
        department.handle("analysis", self.take_analysis)

    def reviews(self) -> Generator[simpy.Event, Any, None]:
        """Every review period, hand the records gathered so far to an analysis job."""
        while True:
            yield self.env.timeout(self.spec.review_period)
            requests = self.requests
            if requests.records:
                job = AnalysisJob(requests.records, requests.weight, self.env.now)
                requests.records, requests.weight = 0, 0.0
                self.department.submit("analysis", job)

    def take_analysis(self, job: AnalysisJob) -> Job:
        """Analyse a batch of records into one insight report."""
        hours = self.spec.analysis_time + self.spec.time_per_record * job.records
        return (hours, self._category, functools.partial(self._report, job.weight))

    def _report(self, weight: float) -> None:
        gain = self.spec.learning_rate * weight / (weight + self.spec.half_saturation)
        if self.spec.delay > 0:
            acts = self.env.timeout(self.spec.delay, gain)
            acts.callbacks.append(self._act)
        else:
            self.insight.learn(self.env.now, gain)

    def _act(self, event: simpy.Event) -> None:
        self.insight.learn(self.env.now, typing.cast(float, event.value))
