"""The departments of a scenario: sales, service, and how complaints keep customers.

Part of the scenario schema (``sim.scenario.schema`` holds the clock, the
market and the scenario that ties them together, and re-exports these;
marketing is in ``sim.scenario.marketing``, production and operations in
``sim.scenario.operations``). Each table is one department of MODEL.md with its
type, default and meaning.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict, field_validator, model_validator

from sim.distributions import Dist
from sim.limits import (
    MAX_DIALS_PER_BLOCK,
    MAX_MEETINGS,
    MAX_RECORD_WEIGHT,
)
from sim.scenario.fields import (
    CHOICE,
    STEPS,
    TEXTS,
    Duration,
    DurationDist,
    FieldProblem,
    Headcount,
    Money,
    Number,
    Share,
    Spec,
    Switch,
    Whole,
    check_permutation,
    check_steps,
    kind,
)

SALES_WORK = (
    "complaint",
    "reorder",
    "onboarding",
    "contact",
    "meeting",
    "collection",
    "expedite",
)
SERVICE_WORK = ("complaint", "reorder", "onboarding", "analysis")


# ---------------------------------------------------------------- sales


class SpeedToLead(Spec):
    """How a lead's chance to qualify falls with the wait before first contact."""

    curve: Literal["none", "half_life", "table"] = Field(
        "none",
        description="'none' (no decay), 'half_life' or 'table'.",
        json_schema_extra=kind(CHOICE),
    )
    half_life: Duration = Field(
        0.0, ge=0, description="For 'half_life': wait that halves the chance."
    )
    floor: Share = Field(0.0, description="For 'half_life': the chance never falls below.")
    points: tuple[tuple[Duration, Share], ...] = Field(
        (),
        description="For 'table': [wait, relative chance] pairs, waits increasing.",
        json_schema_extra=kind(STEPS),
    )
    interpolation: Literal["step", "linear"] = Field(
        "step",
        description="For 'table': 'step' (value of the last point passed) or 'linear'.",
        json_schema_extra=kind(CHOICE),
    )

    @model_validator(mode="after")
    def _curve_parameters(self) -> SpeedToLead:
        if self.curve == "half_life" and self.half_life <= 0:
            raise ValueError("curve 'half_life' needs half_life > 0")
        if self.curve == "table":
            check_steps(self.points, "curve 'table' needs points [wait, chance]")
        # a setting the chosen curve does not read would be silently ignored
        reads = {
            "none": (),
            "half_life": ("half_life", "floor"),
            "table": ("points", "interpolation"),
        }
        for name in ("half_life", "floor", "points", "interpolation"):
            default = type(self).model_fields[name].default
            written = name in self.model_fields_set and getattr(self, name) != default
            if written and name not in reads[self.curve]:
                users = [curve for curve, names in reads.items() if name in names]
                raise FieldProblem(
                    name,
                    f"{name} is read only with curve = '{users[0]}', and curve = "
                    f"'{self.curve}' would ignore it: remove it, or write the whole table "
                    f"anew, e.g. speed_to_lead = {{ curve = '{self.curve}' }}",
                )
        return self


class Prospecting(Spec):
    """Cold outreach by salespeople with nothing else to do."""

    enabled: Switch = Field(False, description="Idle salespeople prospect in blocks.")
    block: Duration = Field(1.0, gt=0, description="Length of one prospecting block.")
    dials_per_block: Whole = Field(
        12, ge=1, le=MAX_DIALS_PER_BLOCK, description="Calls made in a block."
    )
    hit_rate: Share = Field(0.01, description="Share of calls that become a meeting.")
    intent: Share = Field(0.15, description="Intent of a cold lead.")


class _CustomerWork(Spec):
    """Time a department spends on customers' requests (sales or service)."""

    complaint: DurationDist = Field(
        default_factory=lambda: Dist.fixed(1.0), description="Time per complaint handled."
    )
    reorder: DurationDist = Field(
        default_factory=lambda: Dist.fixed(0.5), description="Time per repeat order booked."
    )
    onboarding: DurationDist = Field(
        default_factory=lambda: Dist.fixed(0.0), description="Time per new customer set up."
    )


class Sales(_CustomerWork):
    """Close and collect: salespeople pulling prioritised work."""

    staff: Headcount = Field(description="Salespeople.")
    cost_per_head: Money = Field(0.0, description="Weekly cost of one salesperson.")
    priority: tuple[str, ...] = Field(
        SALES_WORK,
        description=f"Order in which work is taken: a permutation of {SALES_WORK}.",
        json_schema_extra=kind(TEXTS),
    )
    first_contact: DurationDist = Field(description="First contact and qualification of a lead.")
    closing_meetings: Whole = Field(
        1, ge=0, le=MAX_MEETINGS, description="Meetings a qualified lead needs before it decides."
    )
    meeting: DurationDist = Field(
        default_factory=lambda: Dist.fixed(0.0), description="Length of one closing meeting."
    )
    meeting_lead_time: DurationDist = Field(
        default_factory=lambda: Dist.fixed(0.0),
        description="How far ahead a closing meeting is booked (an appointment, e.g. '2 d').",
    )
    stall: Share = Field(
        0.0,
        description="Chance a closing meeting ends without progress, so another is booked.",
    )
    max_meetings: Whole = Field(
        MAX_MEETINGS,
        ge=1,
        le=MAX_MEETINGS,
        description="Meetings after which a lead that has not decided is lost to 'no decision'.",
    )
    collection: DurationDist = Field(
        default_factory=lambda: Dist.fixed(0.0), description="Booking the order and collecting."
    )
    speed_to_lead: SpeedToLead = Field(
        default_factory=dict,
        validate_default=True,
        description="Decay of qualification with waiting.",
    )
    handles_service: Annotated[bool, Strict()] | Literal["auto"] = Field(
        "auto",
        description="Sales takes complaints, re-orders and onboarding ('auto': when no "
        "service); while service has staff, service takes them whatever this says.",
        json_schema_extra=kind("true, false or 'auto'"),
    )
    complaint_satisfaction: Share = Field(
        0.5, description="Chance a complaint sales handles leaves the customer satisfied."
    )
    prospecting: Prospecting = Field(
        default_factory=dict, validate_default=True, description="Cold outreach."
    )

    @field_validator("priority")
    @classmethod
    def _priority_is_permutation(cls, priority: tuple[str, ...]) -> tuple[str, ...]:
        return check_permutation(priority, SALES_WORK)

    @model_validator(mode="after")
    def _meetings_fit(self) -> Sales:
        if self.max_meetings < self.closing_meetings:
            raise FieldProblem(
                "max_meetings",
                f"max_meetings ({self.max_meetings}) must be at least closing_meetings "
                f"({self.closing_meetings})",
            )
        return self


# ---------------------------------------------------------------- service


class RecordWeights(Spec):
    """How much one handled request of each kind tells marketing (one record = 1)."""

    complaint: Number = Field(1.0, ge=0, le=MAX_RECORD_WEIGHT, description="A complaint.")
    reorder: Number = Field(1.0, ge=0, le=MAX_RECORD_WEIGHT, description="A re-order booking.")
    onboarding: Number = Field(
        1.0, ge=0, le=MAX_RECORD_WEIGHT, description="A new customer set up."
    )


class Feedback(Spec):
    """Service turning customers' words into insight for marketing."""

    enabled: Switch = Field(True, description="The feedback loop is on.")
    review_period: Duration = Field(
        "4 w",  # validated, hence converted to hours with the scenario's week_hours
        validate_default=True,
        gt=0,
        description="Time between insight reports.",
    )
    analysis_time: Duration = Field(4.0, ge=0, description="Fixed service time per report.")
    time_per_record: Duration = Field(
        1.0 / 12.0, ge=0, description="Service time per feedback record analysed."
    )
    learning_rate: Share = Field(
        0.3, description="Share of the gap to full insight one rich report closes."
    )
    half_saturation: Number = Field(
        40.0, gt=0, description="Records in a report that give half the learning rate."
    )
    weights: RecordWeights = Field(
        default_factory=dict,
        validate_default=True,
        description="What one record of each kind counts for in a report.",
    )
    delay: Duration = Field(
        0.0,
        ge=0,
        description="Time from a report until marketing's changes (targeting, product) act.",
    )


class Service(_CustomerWork):
    """Keep customers: complaints, re-orders, onboarding, and feedback to marketing."""

    staff: Headcount = Field(0, description="Service agents.")
    cost_per_head: Money = Field(0.0, description="Weekly cost of one agent.")
    priority: tuple[str, ...] = Field(
        SERVICE_WORK,
        description=f"Order in which work is taken: a permutation of {SERVICE_WORK}.",
        json_schema_extra=kind(TEXTS),
    )
    complaint_satisfaction: Share = Field(
        0.85, description="Chance a complaint service handles leaves the customer satisfied."
    )
    feedback: Feedback = Field(
        default_factory=dict, validate_default=True, description="The feedback loop."
    )

    @field_validator("priority")
    @classmethod
    def _priority_is_permutation(cls, priority: tuple[str, ...]) -> tuple[str, ...]:
        return check_permutation(priority, SERVICE_WORK)


class Retention(Spec):
    """Share of customers still loyal after a problem (TARP), by how it was handled."""

    silent: Share = Field(0.09, description="Did not complain.")
    unsatisfied: Share = Field(0.19, description="Complained, not satisfied.")
    satisfied: tuple[tuple[Duration, Share], ...] = Field(
        (("0 h", 0.82), ("1 d", 0.54)),  # validated, hence converted into hours
        validate_default=True,
        description="Complained and satisfied: [resolved after, loyal share] steps.",
        json_schema_extra=kind(STEPS),
    )
    unresolved_after: Duration = Field(
        "1 w",  # validated, hence converted to hours with the scenario's week_hours
        validate_default=True,
        gt=0,
        description="A complaint open this long counts as unsatisfied.",
    )

    @field_validator("satisfied")
    @classmethod
    def _steps(cls, steps: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
        check_steps(steps, "needs steps [resolved after, loyal share], e.g. [['0 h', 0.82]]")
        return steps
