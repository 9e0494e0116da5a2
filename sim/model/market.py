"""Demand: the birds. Bass diffusion per segment, sampled exactly by thinning.

MODEL.md, "Demand": a not-yet-customer of a segment becomes an inquiry (a
lead) with hazard ``p_organic + p_marketing(t) + q * A(t) / N``. Each term is
its own Poisson process with its own random streams (organic, referral, one per
marketing channel), so that adding marketing to a firm leaves its organic
inquiries where they were (common random numbers). Each is sampled exactly with
Lewis-Shedler thinning: candidates come at a rate that bounds the true rate
until the next week boundary (where marketing pressure may change), and each is
kept with probability true rate / bound. The organic bound is ``N * p``, the
same in every scenario of the segment, so its candidates are too. A segment of
``size = "unlimited"`` is a plain Poisson source at its fixed lead rate plus
marketing.

A prospect makes one inquiry: a lead that is lost or abandoned bought
elsewhere and leaves the pool (documented in the README).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Generator
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
        # marketing pressure per channel reaching this segment: for a finite segment a
        # hazard per prospect, for an unlimited one leads per hour (set weekly)
        self.channel_rates: dict[str, float] = {}

    def organic_bound(self) -> float:
        """Candidate rate of organic inquiries: ``N * p`` bounds ``pool * p`` for ever."""
        return self.spec.lead_rate if self.unlimited else self.size * self.p

    def organic_rate(self) -> float:
        """Current organic lead rate (per hour)."""
        return self.spec.lead_rate if self.unlimited else self.pool * self.p

    def referral_bound(self) -> float:
        """A bound on the word-of-mouth rate ``q * A / N * pool`` until the next boundary.

        Customers come only from leads already open or still to come from the
        pool, so with x prospects left ``A <= A_now + open + (pool_now - x)``;
        the rate is then at most the maximum over x in [0, pool] of a concave
        quadratic.
        """
        if self.pool <= 0:
            return 0.0
        ceiling = self.active + self.open_leads + self.pool
        x = min(self.pool, ceiling / 2.0)
        return self.q / self.size * x * (ceiling - x)

    def referral_rate(self) -> float:
        """Current word-of-mouth lead rate (per hour)."""
        return self.q * self.active / self.size * self.pool

    def channel_rate(self, channel: str) -> float:
        """Current lead rate from one marketing channel (per hour)."""
        rate = self.channel_rates.get(channel, 0.0)
        return rate if self.unlimited else rate * self.pool


def arrival_processes(firm: Firm, segment: SegmentState) -> list[Generator[Any, Any, None]]:
    """One inquiry process per source of demand that can ever be non-zero."""
    processes = []
    if segment.organic_bound() > 0:
        processes.append(
            _arrivals(
                firm,
                segment,
                ORGANIC,
                "",
                segment.organic_bound,
                segment.organic_rate,
                exact=segment.unlimited,
            )
        )
    if not segment.unlimited and segment.q > 0:
        processes.append(
            _arrivals(
                firm, segment, REFERRAL, "", segment.referral_bound, segment.referral_rate, False
            )
        )
    for channel in firm.marketing.channels_reaching(segment):
        rate = functools.partial(segment.channel_rate, channel)
        # within a week a channel's pressure is fixed and the pool only shrinks
        processes.append(
            _arrivals(firm, segment, MARKETING, channel, rate, rate, exact=segment.unlimited)
        )
    return processes


def _arrivals(
    firm: Firm,
    segment: SegmentState,
    source: str,
    channel: str,
    bound_of: Callable[[], float],
    rate_of: Callable[[], float],
    exact: bool,
) -> Generator[simpy.Event, Any, None]:
    """Exact (non-homogeneous) Poisson inquiries of one source, by thinning.

    ``bound_of`` is evaluated at the start of each week and must bound
    ``rate_of`` until the week ends; ``exact`` says the two are equal.
    """
    env = firm.env
    name = f"arrivals/{segment.name}/{channel or source}"
    gap = firm.streams.sampler(f"{name}/gap", Dist("exponential", (("mean", 1.0),)))
    accept = firm.streams.uniform(f"{name}/accept")
    week_hours = firm.week_hours
    marketing = firm.marketing
    new_lead = firm.new_lead
    timeout = env.timeout
    while True:
        if not segment.unlimited and segment.pool <= 0:
            return  # nobody left to inquire
        now = env.now
        marketing.apply_pressure(segment, now)
        boundary = (math.floor(now / week_hours) + 1) * week_hours
        bound = bound_of()
        if bound <= 0:
            yield timeout(boundary - now)
            continue
        while True:
            candidate = now + gap() / bound
            if candidate >= boundary:
                # memorylessness: discard the candidate and start afresh at the boundary
                yield timeout(boundary - now)
                break
            yield timeout(candidate - now)
            now = env.now
            if exact or accept() * bound < rate_of():
                new_lead(segment, source, channel)
