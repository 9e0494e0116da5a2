"""Sales: close fast and collect the money (and whatever else falls to it).

MODEL.md, "Sales": first contact, closing meetings and collection are separate
kinds of work, each taken in the department's priority order (by default
first contact before closing work, as teams that chase speed to lead do).

- **First contact** (and qualification) takes a duration; the lead's chance to
  qualify falls with its wait before first contact (the speed-to-lead curve).
  A lead not contacted before its patience runs out buys elsewhere.
- **Closing meetings are appointments**: a qualified lead books its next
  meeting a lead time ahead (working time); when it is due it joins the queue,
  so a salesperson holds several deals in flight and first contacts fit
  between meetings. A meeting may stall (no progress: another is booked);
  after ``closing_meetings`` meetings that moved it on, the lead decides and is
  won with probability equal to its intent; after ``max_meetings`` without a
  decision it is lost to "no decision".
- **Collection**: a won deal is booked and the money collected (a job of its
  own); then the customer exists.

Every chance and every duration of work on a lead is read from the lead's own
uniforms (``sim.model.draws``), so the same inquiry qualifies, stalls, decides
and takes as long to contact, meet and collect in every firm that meets it
alike. Where configured, an idle salesperson prospects in blocks: each
block's calls become meetings at the hit rate (cold leads, already contacted
and qualified, drawn from the segments' pools).

Wired by the firm: ``on_win(lead)`` makes the customer (and returns it),
``cold_lead(segment, intent)`` creates a cold lead in the market.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import simpy

from sim.distributions import BLOCK, batched
from sim.model.context import RunContext
from sim.model.customers import Customer
from sim.model.draws import (
    COLLECTION_TIME,
    CONTACT_TIME,
    DEAL_VALUE,
    MEETING_SLOTS,
    MEETINGS,
    QUALIFY,
    WIN,
    quantile,
)
from sim.model.leads import ABANDONED, LOST, NO_DEAL, NO_DECISION, UNQUALIFIED, WON, Lead
from sim.model.ledger import SALES_CATEGORIES
from sim.model.segments import SegmentState
from sim.model.work import Department, Job
from sim.scenario.schema import Sales, SpeedToLead


def speed_to_lead(curve: SpeedToLead) -> Callable[[float], float]:
    """The relative chance to qualify after waiting ``w`` working hours."""
    if curve.curve == "none":
        return lambda wait: 1.0
    if curve.curve == "half_life":
        half_life, floor = curve.half_life, curve.floor
        return lambda wait: floor + (1.0 - floor) * 0.5 ** (wait / half_life)
    waits = [wait for wait, _ in curve.points]
    chances = [chance for _, chance in curve.points]
    if curve.interpolation == "step":
        return lambda wait: chances[bisect.bisect_right(waits, wait) - 1]
    return lambda wait: float(np.interp(wait, waits, chances))


def _unwired_win(lead: Lead) -> Customer:
    raise RuntimeError("SalesWork.on_win is not wired: nobody keeps the customers won")


def _unwired_cold(segment: SegmentState, intent: float) -> Lead:
    raise RuntimeError("SalesWork.cold_lead is not wired: prospecting has no market")


class SalesWork:
    """The sales department's own jobs: first contact, closing meetings, collection,
    and cold prospecting when idle."""

    def __init__(
        self,
        context: RunContext,
        spec: Sales,
        department: Department,
        segments: list[SegmentState],
    ) -> None:
        self.env = context.env
        self._counts = context.counts
        self.spec = spec
        self.department = department
        self.segments = segments
        self.on_win: Callable[[Lead], Customer] = _unwired_win
        self.cold_lead: Callable[[SegmentState, float], Lead] = _unwired_cold
        streams = context.streams
        self._contact_time = quantile(spec.first_contact)
        self._meeting_time = quantile(spec.meeting)
        self._collection_time = quantile(spec.collection)
        # meetings beyond the lead's own row draw from here (rare: see sim.model.draws)
        self._late_meetings = streams.uniform("sales/meetings_beyond_the_row")
        self._lead_time = quantile(spec.meeting_lead_time)
        self._deal_value = {segment.name: quantile(segment.spec.deal_value) for segment in segments}
        self._chance = speed_to_lead(spec.speed_to_lead)
        self._collects = not spec.collection.is_zero
        ledger = department.ledger
        self._selling = ledger.index("selling")
        self._prospecting = ledger.index("prospecting")
        department.handle("contact", self.take_contact, on_expire=self.abandon)
        department.handle("meeting", self.take_meeting)
        department.handle("collection", self.take_collection)
        prospecting = spec.prospecting
        if prospecting.enabled and department.staff > 0:
            rng = streams.generator("prospecting/hits")
            dials, hit_rate = prospecting.dials_per_block, prospecting.hit_rate
            self._hits: Iterator[int] = batched(lambda: rng.binomial(dials, hit_rate, BLOCK))
            self._cold_segment = streams.uniform("prospecting/segment")
            department.fallback = self.prospect

    # -- first contact ------------------------------------------------------------
    def take_contact(self, lead: Lead) -> Job:
        """First contact and qualification of a new lead."""
        now = self.env.now
        wait = now - lead.created
        lead.contacted = now
        lead.waited = wait
        lead.deadline = math.inf  # contacted: it no longer walks away
        qualified = lead.draws[QUALIFY] < self._chance(wait)
        lead.qualified = qualified
        duration = self._contact_time(lead.draws[CONTACT_TIME])
        if not qualified:
            return duration, self._selling, functools.partial(self._lose, lead, UNQUALIFIED)
        return duration, self._selling, functools.partial(self.start_closing, lead)

    def abandon(self, lead: Lead) -> None:
        """The lead's patience ran out before first contact: it bought elsewhere."""
        lead.outcome = ABANDONED
        lead.waited = lead.deadline - lead.created
        lead.segment.open_leads -= 1

    # -- closing ---------------------------------------------------------------------
    def start_closing(self, lead: Lead) -> None:
        """A qualified lead: book its first meeting (or decide, if it needs none)."""
        if self.spec.closing_meetings == 0:
            self._decide(lead)
        else:
            self._book_meeting(lead)

    def _meeting_draws(self, lead: Lead) -> tuple[float, float, float]:
        """The lead's uniforms for its next meeting: booking lead time, stall, length."""
        held = lead.meetings
        if held < MEETING_SLOTS:
            column = MEETINGS + 3 * held
            draws = lead.draws
            return draws[column], draws[column + 1], draws[column + 2]
        return self._late_meetings(), self._late_meetings(), self._late_meetings()

    def _book_meeting(self, lead: Lead) -> None:
        lead_time = self._lead_time(self._meeting_draws(lead)[0])
        if lead_time <= 0:
            self.department.submit("meeting", lead)
            return
        due = self.env.timeout(lead_time, lead)
        due.callbacks.append(self._meeting_due)

    def _meeting_due(self, event: simpy.Event) -> None:
        self.department.submit("meeting", event.value)

    def take_meeting(self, lead: Lead) -> Job:
        """One closing meeting, as booked."""
        length = self._meeting_time(self._meeting_draws(lead)[2])
        return length, self._selling, functools.partial(self._after_meeting, lead)

    def _after_meeting(self, lead: Lead) -> None:
        stalled = self._meeting_draws(lead)[1] < self.spec.stall
        lead.meetings += 1
        if not stalled:
            lead.progress += 1
        if lead.progress >= self.spec.closing_meetings:
            self._decide(lead)
        elif lead.meetings >= self.spec.max_meetings:
            self._lose(lead, NO_DECISION)
        else:
            self._book_meeting(lead)

    def _decide(self, lead: Lead) -> None:
        if lead.draws[WIN] >= lead.intent:
            self._lose(lead, NO_DEAL)
        elif self._collects:
            self.department.submit("collection", lead)
        else:
            self._close_won(lead)

    def take_collection(self, lead: Lead) -> Job:
        """Book the won order and collect the money."""
        duration = self._collection_time(lead.draws[COLLECTION_TIME])
        return duration, self._selling, functools.partial(self._close_won, lead)

    def _close_won(self, lead: Lead) -> None:
        now = self.env.now
        segment = lead.segment
        value = self._deal_value[segment.name](lead.draws[DEAL_VALUE])
        lead.closed = now
        lead.outcome = WON
        lead.value = value
        segment.open_leads -= 1
        self._counts.add("revenue_new", now, value)
        customer = self.on_win(lead)
        customer.revenue += value

    def _lose(self, lead: Lead, reason: str) -> None:
        lead.closed = self.env.now
        lead.outcome = LOST
        lead.lost_reason = reason
        lead.segment.open_leads -= 1

    # -- cold prospecting -----------------------------------------------------------
    def prospect(self) -> Job:
        """One block of cold calls by an otherwise idle salesperson."""
        return self.spec.prospecting.block, self._prospecting, self._cold_hits

    def _cold_hits(self) -> None:
        hits = next(self._hits)
        intent = self.spec.prospecting.intent
        for _ in range(hits):
            segment = self._pick_segment()
            if segment is None:
                return
            lead = self.cold_lead(segment, intent)
            lead.qualified = True
            self.start_closing(lead)  # a booked meeting: closing (and collection)

    def _pick_segment(self) -> SegmentState | None:
        segments = self.segments
        finite = [segment for segment in segments if not segment.unlimited]
        pools = [segment.pool for segment in finite]
        unlimited = [segment for segment in segments if segment.unlimited]
        if unlimited:  # an unlimited pool is never exhausted: split calls evenly
            return unlimited[int(self._cold_segment() * len(unlimited))]
        total = sum(pools)
        if total <= 0:
            return None
        point = self._cold_segment() * total
        for segment, pool in zip(finite, pools, strict=True):
            point -= pool
            if point < 0:
                return segment
        return finite[-1]

    # -- records ----------------------------------------------------------------
    def summary(self, first_week: int) -> dict[str, Any]:
        """Where the paid sales hours went after the warm-up (MODEL.md's five categories)."""
        hours = self.department.ledger.totals(first_week)
        paid = sum(hours.values())
        row: dict[str, Any] = {
            "wasted_sales_capacity": 1.0 - hours["selling"] / paid if paid else math.nan
        }
        for category in SALES_CATEGORIES:
            row[f"sales_share_{category}"] = hours[category] / paid if paid else math.nan
        row["sales_hours_paid"] = paid
        return row

    def weekly_columns(self) -> dict[str, np.ndarray]:
        """Each week's share of paid sales hours by category (NaN: no salespeople)."""
        ledger = self.department.ledger
        hours = np.asarray(ledger.weekly()).reshape(ledger.weeks, len(SALES_CATEGORIES))
        paid = hours.sum(axis=1)
        columns = {}
        with np.errstate(invalid="ignore", divide="ignore"):
            for column, category in enumerate(SALES_CATEGORIES):
                columns[f"sales_share_{category}"] = np.where(
                    paid > 0, hours[:, column] / np.where(paid > 0, paid, 1.0), np.nan
                )
        return columns
