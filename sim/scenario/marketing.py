"""The marketing department of a scenario: budget, channels and what insight changes.

Part of the scenario schema (re-exported by ``sim.scenario.schema``). MODEL.md,
"Marketing": channels turn the budget into qualified leads, with diminishing
returns and carry-over; insight from service's reports makes leads cheaper,
more willing to buy and the product a better fit.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from sim.limits import MAX_CARRYOVER, MAX_COST_STRENGTH, MAX_MONEY, MIN_COST_PER_LEAD
from sim.scenario.fields import (
    MONEY,
    SHARE,
    TEXTS,
    Headcount,
    Money,
    Name,
    Number,
    Rate,
    Share,
    Spec,
    kind,
    unique_names,
)


class Channel(Spec):
    """A marketing channel: where part of the budget goes and what leads it buys."""

    name: Name = Field(description="Channel name.")
    budget_share: Share = Field(description="Share of the marketing budget.")
    cost_per_lead: Number = Field(
        ge=MIN_COST_PER_LEAD,
        le=MAX_MONEY,
        description="Money per lead at zero insight.",
        json_schema_extra=kind(MONEY),
    )
    intent: Share = Field(0.5, description="Intent of this channel's leads at zero insight.")
    segments: tuple[str, ...] = Field(
        (),
        description="Segments it reaches (empty: all), split by their size.",
        json_schema_extra=kind(TEXTS),
    )
    half_saturation: Number | None = Field(
        None,
        gt=0,
        le=MAX_MONEY,
        description="Weekly spend at which the channel buys half the most leads it ever can "
        "(diminishing returns: leads = spend / cost x h / (spend + h)); none: every unit "
        "of spend buys the same.",
        json_schema_extra=kind("money, or none"),
    )
    carryover: Number = Field(
        0.0,
        ge=0,
        le=MAX_CARRYOVER,
        description="Share of a week's advertising effect carried into the next (adstock): "
        "the effect builds up over the first weeks and lingers after a cut.",
        json_schema_extra=kind(SHARE),
    )

    @field_validator("segments")
    @classmethod
    def _segments_once(cls, segments: tuple[str, ...]) -> tuple[str, ...]:
        repeated = sorted({name for name in segments if segments.count(name) > 1})
        if repeated:
            raise ValueError(
                f"list each segment once; repeated: {', '.join(repeated)} (a repeated "
                "segment would split the channel's leads as if it were two)"
            )
        return segments


class Insight(Spec):
    """How service feedback improves marketing (levels in [0, 1])."""

    initial: Share = Field(0.0, description="Insight at time 0.")
    intent_strength: Share = Field(
        0.5, description="At insight 1, lead intent moves this share of the way to 1."
    )
    fit_strength: Share = Field(
        0.5, description="At insight 1, problems per order fall by this share (product fit)."
    )
    cost_strength: Number = Field(  # not Share: its bounds would override these
        0.3,
        ge=0,
        le=MAX_COST_STRENGTH,
        json_schema_extra=kind(SHARE),
        description="At insight 1, cost per lead falls by this share (below 1: a lead "
        "is never free).",
    )
    fade: Rate = Field(0.0, ge=0, description="Rate at which insight fades if not renewed.")


class Marketing(Spec):
    """Grain and glue: campaigns that turn budget into qualified leads."""

    staff: Headcount = Field(0, description="Marketers.")
    cost_per_head: Money = Field(0.0, description="Weekly cost of one marketer.")
    budget_per_week: Money = Field(0.0, description="Campaign spend per week.")
    capacity_per_head: Number = Field(
        2500.0,
        gt=0,
        le=MAX_MONEY,
        description="Budget per week one marketer can run at full effect.",
        json_schema_extra=kind(MONEY),
    )
    overflow_efficiency: Share = Field(
        0.3, description="Effect of each unit of budget beyond the staff's capacity."
    )
    research_share: Share = Field(
        0.2, description="Share of marketers' hours spent on research and targeting."
    )
    channels: tuple[Channel, ...] = Field((), description="Where the budget goes.")
    insight: Insight = Field(
        default_factory=dict, validate_default=True, description="Feedback effects."
    )

    @field_validator("channels")
    @classmethod
    def _unique_channel_names(cls, channels: tuple[Channel, ...]) -> tuple[Channel, ...]:
        unique_names(channels, "channel")
        return channels

    @model_validator(mode="after")
    def _budget_has_channels(self) -> Marketing:
        if self.budget_per_week > 0 and not self.channels:
            raise ValueError("a budget_per_week needs at least one channel")
        if self.channels:
            total = sum(channel.budget_share for channel in self.channels)
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"channels' budget_share must add up to 1, got {total:g}")
        return self


__all__ = ["Channel", "Insight", "Marketing"]
