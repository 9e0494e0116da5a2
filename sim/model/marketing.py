"""Marketing: grain and glue. Budget becomes pressure on segments; insight improves it.

MODEL.md, "Marketing": each channel's share of the budget buys leads at a cost
per lead. For a finite segment the spend becomes a hazard per prospect,
``p_marketing = leads per hour at a full pool / N``, so that returns diminish
as the pool empties. Marketers run only so much budget: spend beyond
``staff * capacity_per_head`` earns ``overflow_efficiency`` per unit.

Within a channel, leads respond to spend with diminishing returns and carry
over from week to week (marketing-mix practice): the week's effective spend
``s`` first builds an adstock ``A_w = (1 - c) s + c A_{w-1}`` (``c`` the
channel's ``carryover``; with a steady budget ``A_w = s (1 - c^(w+1))``, so the
effect builds up over the first weeks), and the adstock buys
``A / cost x h / (A + h)`` leads a week (``h`` the ``half_saturation`` spend:
half the most the channel can ever bring). Without a half-saturation and
carry-over, every unit of spend buys ``1 / cost`` leads, as a plain rate.

Insight (a level in [0, 1], raised by service's reports and fading at
``fade``) acts through ``effect(insight) = 1 - (1 - insight)^2``, which has
diminishing returns: it lowers the cost per lead, moves marketing leads'
intent towards 1, and lowers problems per order (product fit).
"""

from __future__ import annotations

import math

from sim.model.context import Calendar
from sim.model.ledger import MARKETING_CATEGORIES, Ledger
from sim.model.segments import SegmentState
from sim.scenario.schema import Channel
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
    """Turns the budget and the current insight into pressure on each segment.

    It owns the insight level (raised by service's reports) and the marketers'
    ledger, whose hours follow from the settings (:meth:`time_use`).
    """

    def __init__(
        self, spec: MarketingSpec, segments: list[SegmentState], calendar: Calendar
    ) -> None:
        self.spec = spec
        self.insight = InsightLevel(spec.insight.initial, spec.insight.fade)
        self.calendar = calendar
        self.ledger = Ledger(MARKETING_CATEGORIES, spec.staff, calendar)
        self._channel_intent = {channel.name: channel.intent for channel in spec.channels}
        self._applied_week: dict[int, int] = {}
        self.insight_at_week_end = [0.0] * calendar.weeks
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
        week = self.calendar.week_of(now)
        if self._applied_week.get(segment.index) == week:
            return
        self._applied_week[segment.index] = week
        if not self.spec.channels:
            return
        effect = insight_effect(self.insight.at(self.calendar.start(week)))
        cost_factor = 1.0 - self.spec.insight.cost_strength * effect
        pressures = []
        for channel, reach in zip(self.spec.channels, self._reach, strict=True):
            for reached, share in reach:
                if reached is not segment:
                    continue
                spend_per_hour = self.response(channel, week) / self.calendar.week_hours
                leads_per_hour = spend_per_hour * share / (channel.cost_per_lead * cost_factor)
                rate = leads_per_hour if segment.unlimited else leads_per_hour / segment.size
                pressures.append((channel.name, rate))
        segment.channel_rates = dict(pressures)

    def response(self, channel: Channel, week: int) -> float:
        """The spend a channel's leads of week ``week`` answer to, after carry-over and
        saturation (the plain spend when the channel has neither)."""
        spend = self.effective_budget * channel.budget_share
        if channel.carryover:
            spend *= 1.0 - channel.carryover ** (week + 1)
        if channel.half_saturation is not None:
            spend *= channel.half_saturation / (spend + channel.half_saturation)
        return spend

    def channels_reaching(self, segment: SegmentState) -> list[str]:
        """Names of the channels that reach a segment."""
        return [
            channel.name
            for channel, reach in zip(self.spec.channels, self._reach, strict=True)
            if any(reached is segment for reached, _ in reach)
        ]

    def lead_intent(self, channel: str, now: float) -> float:
        """A marketing lead's intent: the channel's, moved towards 1 by better targeting."""
        intent = self._channel_intent[channel]
        effect = insight_effect(self.insight.at(now))
        return intent + (1.0 - intent) * self.spec.insight.intent_strength * effect

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

    def close(self) -> None:
        """Book the marketers' hours for every week (at the end of the run)."""
        self.ledger.book_shares(self.time_use())

    def snapshot(self, week: int, now: float) -> None:
        """Record the insight level at the end of ``week``."""
        self.insight_at_week_end[week] = self.insight.at(now)

    def summary(self, first_week: int, horizon: float) -> dict[str, float]:
        """The summary's insight figures."""
        return {"insight_end": self.insight.at(horizon), "insight_reports": self.insight.reports}
