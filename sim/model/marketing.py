"""Marketing: grain and glue. Budget becomes pressure on segments; insight improves it.

MODEL.md, "Marketing": each channel's share of the budget buys leads at a cost
per lead. For a finite segment the spend becomes a hazard per prospect,
``p_marketing = leads per hour at a full pool / N``, so that returns diminish
as the pool empties. Marketers run only so much budget: spend beyond
``staff * capacity_per_head`` earns ``overflow_efficiency`` per unit.

Insight (a level in [0, 1], raised by service's reports and fading at
``fade``) acts through ``effect(insight) = 1 - (1 - insight)^2``, which has
diminishing returns: it lowers the cost per lead, moves marketing leads'
intent towards 1, and lowers problems per order (product fit).
"""

from __future__ import annotations

import math

from sim.model.ledger import MARKETING_CATEGORIES, Ledger
from sim.model.market import SegmentState
from sim.scenario.schema import Marketing as MarketingSpec


def insight_effect(insight: float) -> float:
    """Diminishing-returns transform of the insight level (0 -> 0, 1 -> 1, concave)."""
    return 1.0 - (1.0 - insight) ** 2


class InsightLevel:
    """The insight level: raised by reports, fading exponentially between them."""

    def __init__(self, initial: float, fade_per_hour: float) -> None:
        self._level = initial
        self._since = 0.0
        self.fade = fade_per_hour
        self.reports = 0

    def at(self, now: float) -> float:
        """The level at time ``now`` (after fading since the last report)."""
        if self.fade == 0:
            return self._level
        return self._level * math.exp(-self.fade * (now - self._since))

    def learn(self, now: float, gain: float) -> None:
        """Close a share ``gain`` of the gap to full insight."""
        level = self.at(now)
        self._level = level + (1.0 - level) * gain
        self._since = now
        self.reports += 1


class MarketingDepartment:
    """Turns the budget and the current insight into pressure on each segment."""

    def __init__(
        self,
        spec: MarketingSpec,
        segments: list[SegmentState],
        insight: InsightLevel,
        week_hours: float,
    ) -> None:
        self.spec = spec
        self.insight = insight
        self.week_hours = week_hours
        self._applied_week: dict[int, int] = {}
        capacity = spec.staff * spec.capacity_per_head
        budget = spec.budget_per_week
        self.effective_budget = min(budget, capacity) + spec.overflow_efficiency * max(
            0.0, budget - capacity
        )
        # each channel's share of each segment it reaches
        self._reach: list[list[tuple[SegmentState, float]]] = []
        by_name = {segment.name: segment for segment in segments}
        for channel in spec.channels:
            reached = [by_name[name] for name in channel.segments] or list(segments)
            if any(segment.unlimited for segment in reached):
                weights = [1.0] * len(reached)
            else:
                weights = [segment.size for segment in reached]
            total = sum(weights)
            self._reach.append(
                [
                    (segment, weight / total)
                    for segment, weight in zip(reached, weights, strict=True)
                ]
            )

    def apply_pressure(self, segment: SegmentState, now: float) -> None:
        """Set the segment's channel pressures for the week containing ``now``."""
        week = int(now // self.week_hours)
        if self._applied_week.get(segment.index) == week:
            return
        self._applied_week[segment.index] = week
        if not self.spec.channels:
            return
        effect = insight_effect(self.insight.at(week * self.week_hours))
        cost_factor = 1.0 - self.spec.insight.cost_strength * effect
        pressures = []
        for channel, reach in zip(self.spec.channels, self._reach, strict=True):
            for reached, share in reach:
                if reached is not segment:
                    continue
                spend_per_hour = self.effective_budget * channel.budget_share / self.week_hours
                leads_per_hour = spend_per_hour * share / (channel.cost_per_lead * cost_factor)
                rate = leads_per_hour if segment.unlimited else leads_per_hour / segment.size
                pressures.append((channel.name, rate))
        segment.channel_rates = dict(pressures)

    def channels_reaching(self, segment: SegmentState) -> list[str]:
        """Names of the channels that reach a segment."""
        return [
            channel.name
            for channel, reach in zip(self.spec.channels, self._reach, strict=True)
            if any(reached is segment for reached, _ in reach)
        ]

    def lead_intent(self, channel_intent: float, now: float) -> float:
        """A marketing lead's intent: better targeting moves it towards 1."""
        effect = insight_effect(self.insight.at(now))
        return channel_intent + (1.0 - channel_intent) * self.spec.insight.intent_strength * effect

    def fit_factor(self, now: float) -> float:
        """Multiplier on problems per order from product fit."""
        return 1.0 - self.spec.insight.fit_strength * insight_effect(self.insight.at(now))

    def time_use(self) -> dict[str, float]:
        """Shares of marketers' hours: research, running campaigns, idle."""
        spec = self.spec
        if spec.staff == 0:
            return {}
        research = spec.research_share
        load = min(1.0, spec.budget_per_week / (spec.staff * spec.capacity_per_head))
        campaigns = (1.0 - research) * load
        return {"research": research, "campaigns": campaigns, "idle": 1.0 - research - campaigns}

    def book(self, ledger: Ledger) -> None:
        """Book the marketers' hours for every week."""
        assert ledger.categories == MARKETING_CATEGORIES
        ledger.book_shares(self.time_use())
