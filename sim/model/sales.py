"""Sales: close fast and collect the money (and whatever else falls to it).

MODEL.md, "Sales": a lead's first contact (and qualification) takes a
duration; its chance to qualify falls with the wait before first contact (the
speed-to-lead curve); a qualified lead needs closing meetings and is won with
probability equal to its intent; a win books the order and collects the money.
A lead not contacted before its patience runs out buys elsewhere.

Where configured, an idle salesperson prospects in blocks: each block's calls
become meetings at the hit rate (cold leads, already contacted and qualified,
drawn from the segments' pools). Each order may cost sales expediting hours.

Wired by the firm: ``on_win(segment, lead_id)`` makes the customer (and
returns it), ``cold_lead(segment, intent)`` creates a cold lead in the market.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from sim.distributions import BLOCK, batched
from sim.model.context import RunContext
from sim.model.customers import Customer, Request
from sim.model.leads import ABANDONED, LOST, NO_DEAL, UNQUALIFIED, WON, Lead
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


def _unwired_win(segment: SegmentState, lead_id: int) -> Customer:
    raise RuntimeError("SalesWork.on_win is not wired: nobody keeps the customers won")


def _unwired_cold(segment: SegmentState, intent: float) -> Lead:
    raise RuntimeError("SalesWork.cold_lead is not wired: prospecting has no market")


class SalesWork:
    """The sales department's jobs: leads, closings, prospecting, expediting."""

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
        self.on_win: Callable[[SegmentState, int], Customer] = _unwired_win
        self.cold_lead: Callable[[SegmentState, float], Lead] = _unwired_cold
        streams = context.streams
        self._contact_time = streams.sampler("sales/first_contact_time", spec.first_contact)
        self._meeting_time = streams.sampler("sales/meeting_time", spec.meeting)
        self._collection_time = streams.sampler("sales/collection_time", spec.collection)
        self._qualify = streams.uniform("sales/qualify")
        self._win = streams.uniform("sales/win")
        self._deal_value = {
            segment.name: streams.sampler(f"deals/{segment.name}/value", segment.spec.deal_value)
            for segment in segments
        }
        self._chance = speed_to_lead(spec.speed_to_lead)
        self._meetings = spec.closing_meetings
        ledger = department.ledger
        self._selling = ledger.index("selling")
        self._prospecting = ledger.index("prospecting")
        self._expediting = ledger.index("expediting")
        department.handle("lead", self.take_lead, on_expire=self.abandon)
        department.handle("expedite", self.take_expedite)
        expediting = spec.expediting
        self._expedite_share = expediting.share if not expediting.time.is_zero else 0.0
        self._expedite_repeat = expediting.repeat_orders
        self._expedite_draw = streams.uniform("sales/expedite")
        self._expedite_time = streams.sampler("sales/expedite_time", expediting.time)
        prospecting = spec.prospecting
        if prospecting.enabled and department.staff > 0:
            rng = streams.generator("prospecting/hits")
            dials, hit_rate = prospecting.dials_per_block, prospecting.hit_rate
            self._hits: Iterator[int] = batched(lambda: rng.binomial(dials, hit_rate, BLOCK))
            self._cold_segment = streams.uniform("prospecting/segment")
            department.fallback = self.prospect

    # -- leads ------------------------------------------------------------------
    def take_lead(self, lead: Lead) -> Job:
        """First contact of a new lead, or the closing meetings of a qualified one."""
        if lead.qualified:
            return self._closing(lead)
        now = self.env.now
        wait = now - lead.created
        lead.contacted = now
        lead.waited = wait
        lead.deadline = math.inf  # contacted: it no longer walks away
        qualified = self._qualify() < self._chance(wait)
        lead.qualified = qualified
        duration = self._contact_time()
        if not qualified:
            return duration, self._selling, functools.partial(self._lose, lead, UNQUALIFIED)
        if self._meetings:
            return duration, self._selling, functools.partial(self.department.submit, "lead", lead)
        return self._decide(lead, duration)

    def _closing(self, lead: Lead) -> Job:
        duration = 0.0
        for _ in range(self._meetings):
            duration += self._meeting_time()
        return self._decide(lead, duration)

    def _decide(self, lead: Lead, duration: float) -> Job:
        if self._win() < lead.intent:
            duration += self._collection_time()
            return duration, self._selling, functools.partial(self._close_won, lead)
        return duration, self._selling, functools.partial(self._lose, lead, NO_DEAL)

    def _close_won(self, lead: Lead) -> None:
        now = self.env.now
        segment = lead.segment
        value = self._deal_value[segment.name]()
        lead.closed = now
        lead.outcome = WON
        lead.value = value
        segment.open_leads -= 1
        self._counts.add("revenue_new", now, value)
        customer = self.on_win(segment, lead.id)
        customer.revenue += value

    def _lose(self, lead: Lead, reason: str) -> None:
        lead.closed = self.env.now
        lead.outcome = LOST
        lead.lost_reason = reason
        lead.segment.open_leads -= 1

    def abandon(self, lead: Lead) -> None:
        """The lead's patience ran out before first contact: it bought elsewhere."""
        lead.outcome = ABANDONED
        lead.waited = lead.deadline - lead.created
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
            self.department.submit("lead", lead)  # booked meeting: closing (and collection)

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

    # -- expediting -----------------------------------------------------------------
    def maybe_expedite(self, customer: Customer, repeat: bool) -> None:
        """An order may need sales to chase production."""
        if self._expedite_share == 0 or (repeat and not self._expedite_repeat):
            return
        if self._expedite_draw() < self._expedite_share:
            self.department.submit("expedite", Request("expedite", customer, self.env.now, 0.0))

    def take_expedite(self, request: Request) -> Job:
        """Chase production for one order."""
        return self._expedite_time(), self._expediting, None

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
