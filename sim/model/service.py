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
"""

from __future__ import annotations

import functools
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim.distributions import Dist
from sim.model.customers import Request
from sim.model.work import Department, Job

if TYPE_CHECKING:
    from sim.model.firm import Firm


class RequestWork:
    """How one department handles customers' requests."""

    def __init__(
        self,
        firm: Firm,
        department: Department,
        durations: dict[str, Dist],
        satisfaction: float,
        categories: dict[str, str],
        keeps_records: bool,
    ) -> None:
        self.firm = firm
        self.department = department
        self.customers = firm.customers
        prefix = department.name
        streams = firm.streams
        self._time = {
            kind: streams.sampler(f"{prefix}/{kind}_time", dist) for kind, dist in durations.items()
        }
        self._satisfied = streams.uniform(f"{prefix}/satisfaction")
        self._satisfaction = satisfaction
        ledger = department.ledger
        self._category = {kind: ledger.index(category) for kind, category in categories.items()}
        self.keeps_records = keeps_records
        self.records = 0
        for kind in ("complaint", "reorder", "onboarding"):
            department.handle(kind, getattr(self, f"take_{kind}"))

    def take_complaint(self, request: Request) -> Job:
        """Work on a complaint; the customer's verdict comes when it is done."""
        satisfied = self._satisfied() < self._satisfaction
        return (
            self._time["complaint"](),
            self._category["complaint"],
            functools.partial(self._complaint_done, request, satisfied),
        )

    def _complaint_done(self, request: Request, satisfied: bool) -> None:
        self._record()
        self.customers.resolve_complaint(request, satisfied)

    def take_reorder(self, request: Request) -> Job:
        """Book a repeat order."""
        return (
            self._time["reorder"](),
            self._category["reorder"],
            functools.partial(self._reorder_done, request),
        )

    def _reorder_done(self, request: Request) -> None:
        self._record()
        assert request.customer is not None
        self.customers.book_repeat_order(request.customer, request.value)

    def take_onboarding(self, request: Request) -> Job:
        """Set a new customer up."""
        return (self._time["onboarding"](), self._category["onboarding"], self._record)

    def _record(self) -> None:
        if self.keeps_records:
            self.records += 1


class FeedbackLoop:
    """Periodic insight reports: service analysis time turned into marketing insight."""

    def __init__(self, firm: Firm, department: Department, requests: RequestWork) -> None:
        spec = firm.scenario.service.feedback
        self.env = firm.env
        self.spec = spec
        self.department = department
        self.requests = requests
        self.insight = firm.insight
        self._category = department.ledger.index("analysis")
        department.handle("analysis", self.take_analysis)

    def reviews(self) -> Generator[simpy.Event, Any, None]:
        """Every review period, hand the records gathered so far to an analysis job."""
        while True:
            yield self.env.timeout(self.spec.review_period)
            records = self.requests.records
            if records:
                self.requests.records = 0
                self.department.submit(
                    "analysis", Request("analysis", None, self.env.now, float(records))
                )

    def take_analysis(self, request: Request) -> Job:
        """Analyse a batch of records into one insight report."""
        records = request.value
        hours = self.spec.analysis_time + self.spec.time_per_record * records
        return (hours, self._category, functools.partial(self._report, records))

    def _report(self, records: float) -> None:
        gain = self.spec.learning_rate * records / (records + self.spec.half_saturation)
        self.insight.learn(self.env.now, gain)
