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

The market is also where every lead is born (inbound inquiries, and the cold
leads sales books by prospecting): it gives the lead its own row of uniforms
(``sim.model.draws``: candidate ``k`` of a source always gets row ``k``, so the
same inquiry is the same buyer in every scenario that has it), reads its
patience from that row, takes the prospect out of the pool and hands inbound
leads to whoever contacts them.

Streams are named by segment and source, channels in a namespace of their own
(``arrivals/<segment>/channel/<name>``), so no channel name can collide with
the organic or word-of-mouth streams.

A prospect makes one inquiry: a lead that is lost or abandoned bought
elsewhere and leaves the pool (documented in the README).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Generator
from typing import Any

import simpy

from sim.distributions import Dist
from sim.model.context import RunContext
from sim.model.draws import PATIENCE, LeadRows, quantile
from sim.model.leads import COLD, MARKETING, ORGANIC, REFERRAL, Lead
from sim.model.segments import SegmentState
from sim.scenario.schema import Market as MarketSpec
from sim.streams import name_part


def _no_marketing(segment: SegmentState, now: float) -> None:
    return None


class Market:
    """The segments of one replication and the leads they produce.

    Wired by the firm: ``on_inquiry`` receives every inbound lead (sales
    contacts it); ``channel_intent(channel, now)`` gives a marketing lead's
    intent; ``apply_pressure(segment, now)`` sets the channels' pressure for the
    week; ``channels_reaching(segment)`` names the channels that reach a segment.
    """

    def __init__(self, context: RunContext, spec: MarketSpec) -> None:
        self.context = context
        self.env = context.env
        self.segments = [SegmentState(i, segment) for i, segment in enumerate(spec.segments)]
        self.leads: list[Lead] = []
        self._patience = {
            segment.name: quantile(segment.spec.patience)
            for segment in self.segments
            if segment.spec.patience is not None
        }
        self._cold_rows: dict[str, LeadRows] = {}
        # each source's name in the streams, made once (``source_path``)
        self._origins: dict[tuple[str, str, str], str] = {}
        self._counts = context.counts
        self.on_inquiry: Callable[[Lead], None] = _unwired
        self.channel_intent: Callable[[str, float], float] = _unwired_intent
        self.apply_pressure: Callable[[SegmentState, float], None] = _no_marketing
        self.channels_reaching: Callable[[SegmentState], list[str]] = lambda segment: []

    # -- leads ----------------------------------------------------------------
    def rows(self, segment: SegmentState, source: str, channel: str = "") -> LeadRows:
        """The rows of uniforms of one source's candidates (claimed once per source)."""
        name = f"leads/{source_path(segment, source, channel)}"
        return LeadRows(self.context.streams.generator(name))

    def inquire(
        self,
        segment: SegmentState,
        source: str,
        channel: str,
        draws: list[float],
        index: int,
    ) -> Lead:
        """Candidate ``index`` of a source inquires: a new inbound lead, handed on."""
        spec = segment.spec
        if source == MARKETING:
            intent = self.channel_intent(channel, self.env.now)
        elif source == ORGANIC:
            intent = spec.intent_organic
        else:
            intent = spec.intent_referral
        lead = self._create(segment, source, channel, intent, draws, index, contacted=False)
        self.on_inquiry(lead)
        return lead

    def cold_lead(self, segment: SegmentState, intent: float) -> Lead:
        """A cold call booked a meeting: a lead already contacted (the caller closes it)."""
        rows = self._cold_rows.get(segment.name)
        if rows is None:
            rows = self._cold_rows[segment.name] = self.rows(segment, COLD)
        index = rows.taken
        return self._create(segment, COLD, "", intent, rows.next(), index, contacted=True)

    def _create(
        self,
        segment: SegmentState,
        source: str,
        channel: str,
        intent: float,
        draws: list[float],
        index: int,
        contacted: bool,
    ) -> Lead:
        now = self.env.now
        patience = self._patience.get(segment.name)
        deadline = (
            now + patience(draws[PATIENCE]) if patience is not None and not contacted else math.inf
        )
        leads = self.leads
        key = (segment.name, source, channel)
        origin = self._origins.get(key)
        if origin is None:
            origin = self._origins[key] = source_path(segment, source, channel)
        lead = Lead(
            len(leads), source, channel, segment, now, intent, deadline, draws, origin, index
        )
        leads.append(lead)
        segment.pool -= 1
        segment.open_leads += 1
        self._counts.add("leads", now)
        if contacted:
            lead.contacted = now
            lead.waited = 0.0
        return lead

    # -- arrivals ---------------------------------------------------------------
    def start(self) -> None:
        """Start one inquiry process per source of demand that can ever be non-zero."""
        for segment in self.segments:
            for process in self._arrival_processes(segment):
                self.env.process(process)

    def _arrival_processes(self, segment: SegmentState) -> list[Generator[Any, Any, None]]:
        processes = []
        if segment.organic_bound() > 0:
            processes.append(
                self._arrivals(
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
                self._arrivals(
                    segment, REFERRAL, "", segment.referral_bound, segment.referral_rate, False
                )
            )
        for channel in self.channels_reaching(segment):
            rate = functools.partial(segment.channel_rate, channel)
            # within a week a channel's pressure is fixed and the pool only shrinks
            processes.append(
                self._arrivals(segment, MARKETING, channel, rate, rate, exact=segment.unlimited)
            )
        return processes

    def _arrivals(
        self,
        segment: SegmentState,
        source: str,
        channel: str,
        bound_of: Callable[[], float],
        rate_of: Callable[[], float],
        exact: bool,
    ) -> Generator[simpy.Event, Any, None]:
        """Exact (non-homogeneous) Poisson inquiries of one source, by thinning.

        ``bound_of`` is evaluated at the start of each week and must bound
        ``rate_of`` until the week ends; ``exact`` says the two are equal. The
        process ends the moment the pool is empty: no candidate can be accepted
        any more, and a bound that was huge (very cheap leads) must not keep
        proposing them.
        """
        env = self.env
        name = f"arrivals/{source_path(segment, source, channel)}"
        streams = self.context.streams
        gap = streams.sampler(f"{name}/gap", Dist("exponential", (("mean", 1.0),)))
        accept = streams.uniform(f"{name}/accept")
        rows = self.rows(segment, source, channel)
        next_boundary = self.context.calendar.next_boundary
        apply_pressure = self.apply_pressure
        inquire = self.inquire
        timeout = env.timeout
        while True:
            if segment.exhausted:
                return
            now = env.now
            apply_pressure(segment, now)
            boundary = next_boundary(now)
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
                if segment.exhausted:  # emptied meanwhile, by this source or another
                    return
                now = env.now
                # every candidate takes its row, kept or not, so candidate k is the same
                # buyer in every firm that shares the source
                index = rows.taken
                draws = rows.next()
                if exact or accept() * bound < rate_of():
                    inquire(segment, source, channel, draws, index)


def source_path(segment: SegmentState, source: str, channel: str = "") -> str:
    """A source's name in the streams: channels apart, and the names escaped
    (``sim.streams.name_part``), so no segment or channel name can collide."""
    if source == MARKETING:
        return f"{name_part(segment.name)}/channel/{name_part(channel)}"
    return f"{name_part(segment.name)}/{source}"


def _unwired(lead: Lead) -> None:
    raise RuntimeError("Market.on_inquiry is not wired: nobody receives the leads")


def _unwired_intent(channel: str, now: float) -> float:
    raise RuntimeError(f"Market.channel_intent is not wired: no intent for channel {channel!r}")


__all__ = ["Market", "source_path"]
