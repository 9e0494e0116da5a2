"""The live state of a market segment: its pool of prospects, customers and open leads.

MODEL.md, "Demand": a segment of size ``N`` has prospects who have not yet
inquired (the pool), active customers ``A(t)`` and leads still in the
pipeline. The rates of its sources of inquiries (organic, word of mouth, each
marketing channel) and the bounds that thinning needs are read from here.
"""

from __future__ import annotations

import math

from sim.scenario.schema import Segment


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

    @property
    def exhausted(self) -> bool:
        """Nobody is left to inquire."""
        return not self.unlimited and self.pool <= 0

    def organic_bound(self) -> float:
        """Candidate rate of organic inquiries: ``N * p`` bounds ``pool * p`` for ever."""
        return self.spec.lead_rate if self.unlimited else self.size * self.p

    def organic_rate(self) -> float:
        """Current organic lead rate (per hour)."""
        return self.spec.lead_rate if self.unlimited else self.pool * self.p

    def referral_bound(self) -> float:
        """A bound on the word-of-mouth rate ``q * A / N * pool`` for the whole run: ``q N / 4``.

        Customers come from the pool (and the initial base), so ``A + pool <= N``
        and ``A * pool <= N^2 / 4``. The bound is the same in every firm with the
        same segment, so word-of-mouth candidates come at the same times in all
        of them, and a candidate one firm's customers recommend is the same
        buyer another firm's customers would (common random numbers), at the
        price of a few more rejected candidates.
        """
        return self.q * self.size / 4.0

    def referral_rate(self) -> float:
        """Current word-of-mouth lead rate (per hour)."""
        return self.q * self.active / self.size * self.pool

    def channel_rate(self, channel: str) -> float:
        """Current lead rate from one marketing channel (per hour)."""
        rate = self.channel_rates.get(channel, 0.0)
        return rate if self.unlimited else rate * self.pool


__all__ = ["SegmentState"]
