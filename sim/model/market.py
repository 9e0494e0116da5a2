"""Demand: the birds. Bass diffusion per segment, sampled exactly by thinning.

MODEL.md, "Demand": a not-yet-customer of a segment becomes an inquiry (a
lead) with hazard ``p_organic + p_marketing(t) + q * A(t) / N``. The segment's
total lead rate is that hazard times the prospects left in its pool, which is
piecewise constant between events. Arrivals are sampled exactly with
Lewis-Shedler thinning: candidates come at a rate that bounds the true rate
until the next week boundary (where marketing pressure may change), and each
is kept with probability true rate / bound. A segment of ``size =
"unlimited"`` is a plain Poisson source at its fixed lead rate plus marketing.

A prospect makes one inquiry: a lead that is lost or abandoned bought
elsewhere and leaves the pool (documented in the README).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim.distributions import Dist
from sim.scenario.schema import Segment

if TYPE_CHECKING:
    from sim.model.firm import Firm

ORGANIC, REFERRAL, MARKETING, COLD = "organic", "referral", "marketing", "cold"
LEAD_SOURCES = (ORGANIC, REFERRAL, MARKETING, COLD)


class Lead:
    """One inquiry, from creation to its one final state."""

    __slots__ = (
        "channel",
        "closed",
        "contacted",
        "created",
        "deadline",
        "id",
        "intent",
        "lost_reason",
        "outcome",
        "qualified",
        "segment",
        "source",
        "value",
        "waited",
    )

    def __init__(
        self,
        lead_id: int,
        source: str,
        channel: str,
        segment: SegmentState,
        created: float,
        intent: float,
        deadline: float,
    ) -> None:
        self.id = lead_id
        self.source = source
        self.channel = channel
        self.segment = segment
        self.created = created
        self.intent = intent
        self.deadline = deadline  # when it buys elsewhere if still not contacted
        self.contacted = math.nan
        self.qualified = False
        self.closed = math.nan
        self.outcome = "open"
        self.lost_reason = ""
        self.value = math.nan
        self.waited = math.nan


class SegmentState:
    """The live state of one segment: its pool, its customers, its open leads."""

    def __init__(self, index: int, spec: Segment) -> None:
        self.index = index
        self.spec = spec
        self.name = spec.name
        self.unlimited = spec.size == "unlimited"
        self.size = math.inf if spec.size == "unlimited" else float(spec.size)
        # prospects who have not yet inquired (N minus customers minus past leads)
        self.pool = math.inf if self.unlimited else float(spec.size) - spec.initial_customers
        self.active = 0  # A(t): active customers
        self.open_leads = 0  # leads still in the pipeline (they may still become customers)
        self.p = spec.p_organic
        self.q = spec.q
        # marketing: (channel name, rate) per channel reaching this segment; for a finite
        # segment the rate is a hazard per prospect, for an unlimited one leads per hour
        self.channels: list[tuple[str, float]] = []
        self.marketing_hazard = 0.0  # the channels' rates added up

    def set_channels(self, channels: list[tuple[str, float]]) -> None:
        """Marketing's pressure on this segment, channel by channel."""
        self.channels = channels
        self.marketing_hazard = sum(rate for _, rate in channels)

    def lead_rate(self) -> float:
        """Current total lead rate (per hour)."""
        if self.unlimited:
            return self.spec.lead_rate + self.marketing_hazard
        return self.pool * (self.p + self.marketing_hazard + self.q * self.active / self.size)

    def rate_bound(self) -> float:
        """A bound on the lead rate until marketing pressure next changes.

        The pool only shrinks, and customers can only come from leads already
        open or still to come from the pool, so with x prospects left
        ``A <= A_now + open + (pool_now - x)``; the rate is then at most the
        maximum over x in [0, pool] of a concave quadratic.
        """
        if self.unlimited:
            return self.lead_rate()
        if self.pool <= 0:
            return 0.0
        base = self.p + self.marketing_hazard
        slope = self.q / self.size
        ceiling = self.active + self.open_leads + self.pool
        # f(x) = x * (base + slope * (ceiling - x))
        if slope == 0:
            return self.pool * base
        vertex = (base / slope + ceiling) / 2.0
        x = min(self.pool, vertex)
        return x * (base + slope * (ceiling - x))


def arrivals(firm: Firm, segment: SegmentState) -> Generator[simpy.Event, Any, None]:
    """The inquiry process of one segment (exact non-homogeneous Poisson arrivals)."""
    env = firm.env
    streams = firm.streams
    gap = streams.sampler(f"arrivals/{segment.name}/gap", Dist("exponential", (("mean", 1.0),)))
    accept = streams.uniform(f"arrivals/{segment.name}/accept")
    pick = streams.uniform(f"arrivals/{segment.name}/source")
    week_hours = firm.week_hours
    marketing = firm.marketing
    new_lead = firm.new_lead
    timeout = env.timeout
    # an unlimited segment's rate is constant within a week: every candidate is a lead
    exact = segment.unlimited
    while True:
        now = env.now
        marketing.apply_pressure(segment, now)
        boundary = (math.floor(now / week_hours) + 1) * week_hours
        bound = segment.rate_bound()  # valid until the boundary
        if bound <= 0:
            if not segment.unlimited and segment.pool <= 0:
                return  # nobody left to inquire
            yield timeout(boundary - now)
            continue
        single_source = exact and not segment.channels
        while True:
            candidate = now + gap() / bound
            if candidate >= boundary:
                # memorylessness: discard the candidate and start afresh at the boundary
                yield timeout(boundary - now)
                break
            yield timeout(candidate - now)
            now = env.now
            if exact:
                rate = bound
            else:
                rate = segment.lead_rate()
                if accept() * bound >= rate:
                    continue
            if single_source:
                new_lead(segment, ORGANIC, "")
            else:
                source, channel = _pick_source(segment, pick() * rate)
                new_lead(segment, source, channel)


def _pick_source(segment: SegmentState, point: float) -> tuple[str, str]:
    """Attribute an inquiry to the component of the hazard it came from."""
    if segment.unlimited:
        point -= segment.spec.lead_rate
        if point < 0:
            return ORGANIC, ""
        for name, rate in segment.channels:
            point -= rate
            if point < 0:
                return MARKETING, name
        return ORGANIC, ""
    pool = segment.pool
    point -= pool * segment.p
    if point < 0:
        return ORGANIC, ""
    for name, rate in segment.channels:
        point -= pool * rate
        if point < 0:
            return MARKETING, name
    return REFERRAL, ""
