"""The scenario schema: the validated, frozen description of one firm and its market.

Every field of a scenario file, with its type, default and meaning (MODEL.md
is the design behind each). Durations are converted to working hours and rates
to "per working hour" while validating, so the model never sees a unit. Reading
files, ``extends``, overrides and error messages are in ``sim.scenario.files``.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import itertools
import json
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.distributions import Dist, Quantity, parse_dist
from sim.units import DEFAULT_WEEK_HOURS, UnitError, parse_duration, parse_rate

SALES_WORK = ("complaint", "reorder", "onboarding", "lead", "expedite")
SERVICE_WORK = ("complaint", "reorder", "onboarding", "analysis")


# ---------------------------------------------------------------- field types


def _week_hours(info: ValidationInfo) -> float:
    context = info.context or {}
    return float(context.get("week_hours", DEFAULT_WEEK_HOURS))


def _duration(value: object, info: ValidationInfo) -> float:
    try:
        return parse_duration(value, _week_hours(info))
    except UnitError as exc:
        raise ValueError(str(exc)) from None


def _rate(value: object, info: ValidationInfo) -> float:
    try:
        return parse_rate(value, _week_hours(info))
    except UnitError as exc:
        raise ValueError(str(exc)) from None


def _dist(quantity: Quantity) -> Any:
    def validate(value: object, info: ValidationInfo) -> Dist:
        if isinstance(value, Dist):
            return value
        return parse_dist(value, quantity, _week_hours(info))

    # named so that the generated reference can say what it takes
    validate.__name__ = validate.__qualname__ = f"dist_{quantity}"
    return BeforeValidator(validate)


Duration = Annotated[float, BeforeValidator(_duration)]
Rate = Annotated[float, BeforeValidator(_rate)]
DurationDist = Annotated[Dist, _dist("duration")]
MoneyDist = Annotated[Dist, _dist("money")]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Money = Annotated[float, Field(ge=0.0)]
Headcount = Annotated[int, Field(ge=0, le=10_000)]


# Tables left out of a file default to ``{}`` and are validated like written ones
# (``validate_default``), so their durations read the scenario's own week_hours.
class _Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, allow_inf_nan=False
    )

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_not_booleans(cls, value: Any, info: ValidationInfo) -> Any:
        # TOML's true/false would otherwise pass as 1/0 for a number
        if isinstance(value, bool) and info.field_name is not None:
            annotation = cls.model_fields[info.field_name].annotation
            numeric = {int, float} & {annotation, *typing.get_args(annotation)}
            if numeric and bool not in typing.get_args(annotation):
                raise ValueError(f"expected a number, got {str(value).lower()}")
        return value


# ---------------------------------------------------------------- the schema


class Clock(_Spec):
    """Working time and the simulated horizon."""

    week_hours: float = Field(40.0, gt=0, le=168, description="Paid working hours in a week.")
    horizon: Duration = Field(
        "104 w",  # validated, hence converted to hours with the scenario's week_hours
        validate_default=True,
        gt=0,
        description="How long to simulate (a duration, e.g. '104 w').",
    )
    warmup: Duration = Field(
        0.0, ge=0, description="Leading period left out of every figure (e.g. '8 w')."
    )

    @model_validator(mode="after")
    def _whole_weeks(self) -> Clock:
        # figures are binned by week, so the horizon and the warm-up are whole weeks
        for name, hours in (("horizon", self.horizon), ("warmup", self.warmup)):
            weeks = hours / self.week_hours
            if abs(weeks - round(weeks)) > 1e-9:
                raise ValueError(
                    f"{name} must be a whole number of weeks (e.g. '104 w'), got {weeks:g} weeks"
                )
        if self.warmup >= self.horizon:
            raise ValueError("warmup must be shorter than horizon")
        return self


class MoneySettings(_Spec):
    """Currency and margin."""

    currency: str = Field("EUR", description="Label of the scenario's one currency unit.")
    gross_margin: Probability = Field(
        0.4, description="Share of revenue left after the cost of goods."
    )


class Segment(_Spec):
    """One market segment: its buyers, how they find the firm and how they behave as customers."""

    name: str = Field(description="Segment name, unique within the scenario.")
    size: int | Literal["unlimited"] = Field(
        description="Potential buyers N, or 'unlimited' for a plain Poisson lead source."
    )
    lead_rate: Rate = Field(
        0.0, ge=0, description="Fixed lead rate of an 'unlimited' segment (per week)."
    )
    p_organic: Rate = Field(
        0.0, ge=0, description="Bass innovation rate p: spontaneous inquiries per prospect."
    )
    q: Rate = Field(0.0, ge=0, description="Bass imitation rate q: word of mouth from customers.")
    initial_customers: int = Field(0, ge=0, description="Active customers at time 0.")
    intent_organic: Probability = Field(
        0.3, description="Intent of organic inquiries: chance to buy if contacted at once."
    )
    intent_referral: Probability = Field(0.4, description="Intent of word-of-mouth inquiries.")
    deal_value: MoneyDist = Field(description="Value of a first deal (money).")
    patience: DurationDist | None = Field(
        None, description="How long a lead waits for first contact before buying elsewhere."
    )
    reorder_rate: Rate = Field(0.0, ge=0, description="Repeat orders per active customer.")
    reorder_value: MoneyDist = Field(
        default_factory=lambda: Dist.fixed(0.0), description="Value of a repeat order (money)."
    )
    problem_probability: Probability = Field(
        0.0, description="Chance that an order (first or repeat) goes wrong for the customer."
    )
    complaint_share: Probability = Field(
        0.5, description="Share of problems the customer complains about (the rest stay silent)."
    )
    churn_rate: Rate = Field(
        0.0, ge=0, description="Base hazard of a customer leaving, problems aside."
    )

    @model_validator(mode="after")
    def _pool_kind(self) -> Segment:
        if self.size == "unlimited":
            if self.p_organic or self.q:
                raise ValueError(
                    "an 'unlimited' segment takes lead_rate, not p_organic or q "
                    "(the Bass hazard needs a finite size)"
                )
        else:
            if self.size < 1:
                raise ValueError("size must be at least 1 (or 'unlimited')")
            if self.lead_rate:
                raise ValueError("lead_rate is for size = 'unlimited'; use p_organic and q")
            if self.initial_customers > self.size:
                raise ValueError("initial_customers cannot exceed size")
        return self


class Market(_Spec):
    """The birds: one or more segments."""

    segments: tuple[Segment, ...] = Field(min_length=1, description="The market's segments.")

    @field_validator("segments")
    @classmethod
    def _unique_names(cls, segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
        names = [segment.name for segment in segments]
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            raise ValueError(f"segment names must be unique; repeated: {', '.join(duplicated)}")
        return segments


class Channel(_Spec):
    """A marketing channel: where part of the budget goes and what leads it buys."""

    name: str = Field(description="Channel name.")
    budget_share: Probability = Field(description="Share of the marketing budget.")
    cost_per_lead: float = Field(gt=0, description="Money per lead at zero insight.")
    intent: Probability = Field(0.5, description="Intent of this channel's leads at zero insight.")
    segments: tuple[str, ...] = Field(
        (), description="Segments it reaches (empty: all), split by their size."
    )


class Insight(_Spec):
    """How service feedback improves marketing (levels in [0, 1])."""

    initial: Probability = Field(0.0, description="Insight at time 0.")
    intent_strength: Probability = Field(
        0.5, description="At insight 1, lead intent moves this share of the way to 1."
    )
    fit_strength: Probability = Field(
        0.5, description="At insight 1, problems per order fall by this share (product fit)."
    )
    cost_strength: Probability = Field(
        0.3, description="At insight 1, cost per lead falls by this share."
    )
    fade: Rate = Field(0.0, ge=0, description="Rate at which insight fades if not renewed.")


class Marketing(_Spec):
    """Grain and glue: campaigns that turn budget into qualified leads."""

    staff: Headcount = Field(0, description="Marketers.")
    cost_per_head: Money = Field(0.0, description="Weekly cost of one marketer.")
    budget_per_week: Money = Field(0.0, description="Campaign spend per week.")
    capacity_per_head: float = Field(
        2500.0, gt=0, description="Budget per week one marketer can run at full effect."
    )
    overflow_efficiency: Probability = Field(
        0.3, description="Effect of each unit of budget beyond the staff's capacity."
    )
    research_share: Probability = Field(
        0.2, description="Share of marketers' hours spent on research and targeting."
    )
    channels: tuple[Channel, ...] = Field((), description="Where the budget goes.")
    insight: Insight = Field(
        default_factory=dict, validate_default=True, description="Feedback effects."
    )

    @field_validator("channels")
    @classmethod
    def _unique_channel_names(cls, channels: tuple[Channel, ...]) -> tuple[Channel, ...]:
        names = [channel.name for channel in channels]
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            raise ValueError(f"channel names must be unique; repeated: {', '.join(duplicated)}")
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


class SpeedToLead(_Spec):
    """How a lead's chance to qualify falls with the wait before first contact."""

    curve: Literal["none", "half_life", "table"] = Field(
        "none", description="'none' (no decay), 'half_life' or 'table'."
    )
    half_life: Duration = Field(
        0.0, ge=0, description="For 'half_life': wait that halves the chance."
    )
    floor: Probability = Field(0.0, description="For 'half_life': the chance never falls below.")
    points: tuple[tuple[Duration, Probability], ...] = Field(
        (), description="For 'table': [wait, relative chance] pairs, waits increasing."
    )
    interpolation: Literal["step", "linear"] = Field(
        "step", description="For 'table': 'step' (value of the last point passed) or 'linear'."
    )

    @model_validator(mode="after")
    def _curve_parameters(self) -> SpeedToLead:
        if self.curve == "half_life" and self.half_life <= 0:
            raise ValueError("curve 'half_life' needs half_life > 0")
        if self.curve == "table":
            _check_steps(self.points, "curve 'table' needs points [wait, chance]")
        return self


class Prospecting(_Spec):
    """Cold outreach by salespeople with nothing else to do."""

    enabled: bool = Field(False, description="Idle salespeople prospect in blocks.")
    block: Duration = Field(1.0, gt=0, description="Length of one prospecting block.")
    dials_per_block: int = Field(12, ge=1, description="Calls made in a block.")
    hit_rate: Probability = Field(0.01, description="Share of calls that become a meeting.")
    intent: Probability = Field(0.15, description="Intent of a cold lead.")


class Expediting(_Spec):
    """Sales hours spent chasing production and delivery of orders."""

    share: Probability = Field(0.0, description="Share of orders that need chasing.")
    time: DurationDist = Field(
        default_factory=lambda: Dist.fixed(0.0), description="Sales time per chased order."
    )
    repeat_orders: bool = Field(True, description="Repeat orders need chasing too.")


class _CustomerWork(_Spec):
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
        SALES_WORK, description=f"Order in which work is taken: a permutation of {SALES_WORK}."
    )
    first_contact: DurationDist = Field(description="First contact and qualification of a lead.")
    closing_meetings: int = Field(1, ge=0, le=20, description="Meetings to close a qualified lead.")
    meeting: DurationDist = Field(
        default_factory=lambda: Dist.fixed(0.0), description="Length of one closing meeting."
    )
    collection: DurationDist = Field(
        default_factory=lambda: Dist.fixed(0.0), description="Booking the order and collecting."
    )
    speed_to_lead: SpeedToLead = Field(
        default_factory=dict,
        validate_default=True,
        description="Decay of qualification with waiting.",
    )
    handles_service: bool | Literal["auto"] = Field(
        "auto",
        description="Sales takes complaints, re-orders and onboarding ('auto': when no "
        "service); while service has staff, service takes them whatever this says.",
    )
    complaint_satisfaction: Probability = Field(
        0.5, description="Chance a complaint sales handles leaves the customer satisfied."
    )
    prospecting: Prospecting = Field(
        default_factory=dict, validate_default=True, description="Cold outreach."
    )
    expediting: Expediting = Field(
        default_factory=dict, validate_default=True, description="Chasing orders."
    )

    @field_validator("priority")
    @classmethod
    def _priority_is_permutation(cls, priority: tuple[str, ...]) -> tuple[str, ...]:
        return _check_permutation(priority, SALES_WORK)


def _check_steps(steps: tuple[tuple[float, float], ...], what: str) -> None:
    """A step table's times start at 0 and strictly increase."""
    times = [time for time, _ in steps]
    if not times or times[0] != 0:
        raise ValueError(f"{what}, the first at time 0")
    if any(b <= a for a, b in itertools.pairwise(times)):
        raise ValueError(f"{what}, with strictly increasing times")


def _check_permutation(order: tuple[str, ...], allowed: tuple[str, ...]) -> tuple[str, ...]:
    if sorted(order) != sorted(allowed):
        raise ValueError(f"must list each of {', '.join(allowed)} exactly once")
    return order


class Feedback(_Spec):
    """Service turning customers' words into insight for marketing."""

    enabled: bool = Field(True, description="The feedback loop is on.")
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
    learning_rate: Probability = Field(
        0.3, description="Share of the gap to full insight one rich report closes."
    )
    half_saturation: float = Field(
        40.0, gt=0, description="Records in a report that give half the learning rate."
    )


class Service(_CustomerWork):
    """Keep customers: complaints, re-orders, onboarding, and feedback to marketing."""

    staff: Headcount = Field(0, description="Service agents.")
    cost_per_head: Money = Field(0.0, description="Weekly cost of one agent.")
    priority: tuple[str, ...] = Field(
        SERVICE_WORK, description=f"Order in which work is taken: a permutation of {SERVICE_WORK}."
    )
    complaint_satisfaction: Probability = Field(
        0.85, description="Chance a complaint service handles leaves the customer satisfied."
    )
    feedback: Feedback = Field(
        default_factory=dict, validate_default=True, description="The feedback loop."
    )

    @field_validator("priority")
    @classmethod
    def _priority_is_permutation(cls, priority: tuple[str, ...]) -> tuple[str, ...]:
        return _check_permutation(priority, SERVICE_WORK)


class Retention(_Spec):
    """Share of customers still loyal after a problem (TARP), by how it was handled."""

    silent: Probability = Field(0.09, description="Did not complain.")
    unsatisfied: Probability = Field(0.19, description="Complained, not satisfied.")
    satisfied: tuple[tuple[Duration, Probability], ...] = Field(
        (("0 h", 0.82), ("1 d", 0.54)),  # validated, hence converted into hours
        validate_default=True,
        description="Complained and satisfied: [resolved after, loyal share] steps.",
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
        _check_steps(steps, "needs steps [resolved after, loyal share], e.g. [['0 h', 0.82]]")
        return steps


class Scenario(_Spec):
    """One firm in one market: the validated, immutable input of a simulation."""

    name: str = Field(description="Scenario name used in tables and charts.")
    description: str = Field("", description="Free text.")
    clock: Clock = Field(
        default_factory=dict, validate_default=True, description="Working time and horizon."
    )
    money: MoneySettings = Field(
        default_factory=dict, validate_default=True, description="Currency, margin."
    )
    market: Market = Field(description="Demand.")
    marketing: Marketing = Field(
        default_factory=dict, validate_default=True, description="Marketing department."
    )
    sales: Sales = Field(description="Sales department.")
    service: Service = Field(
        default_factory=dict, validate_default=True, description="Service department."
    )
    retention: Retention = Field(
        default_factory=dict, validate_default=True, description="Complaint handling."
    )

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)
    _source: str = PrivateAttr(default="<memory>")

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        names = {segment.name for segment in self.market.segments}
        for index, channel in enumerate(self.marketing.channels):
            for segment in channel.segments:
                if segment not in names:
                    hint = difflib.get_close_matches(segment, sorted(names), n=1)
                    did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
                    raise ValueError(
                        f"marketing.channels.{index}.segments: unknown segment "
                        f"{segment!r}{did_you_mean}; segments: {', '.join(sorted(names))}"
                    )
        return self

    # -- what the model asks -------------------------------------------------
    @property
    def request_handler(self) -> Literal["service", "sales"] | None:
        """Who handles customers' complaints, re-orders and onboarding (decided here once).

        Service whenever it has staff; otherwise sales if ``sales.handles_service``
        says so ('auto': yes); otherwise nobody (re-orders book themselves and
        complaints go unanswered).
        """
        if self.service.staff > 0:
            return "service"
        if self.sales.handles_service in ("auto", True):
            return "sales"
        return None

    @property
    def weekly_staff_cost(self) -> float:
        """Staff cost per week: every department's headcount times its cost per head."""
        return (
            self.sales.staff * self.sales.cost_per_head
            + self.service.staff * self.service.cost_per_head
            + self.marketing.staff * self.marketing.cost_per_head
        )

    @property
    def weekly_cost(self) -> float:
        """Staff plus marketing budget per week: the cost the headline compares at."""
        return self.weekly_staff_cost + self.marketing.budget_per_week

    # -- provenance ------------------------------------------------------------
    @property
    def raw(self) -> dict[str, Any]:
        """The settings as written (after ``extends`` and overrides), units intact."""
        return copy.deepcopy(self._raw)

    @property
    def source(self) -> str:
        """Where the scenario came from (a file path, or ``<memory>``)."""
        return self._source

    @property
    def hash(self) -> str:
        """SHA-256 of the settings: two scenarios with one hash simulate identically."""
        settings = self._raw or self.model_dump(mode="python")  # built without a file
        text = json.dumps(settings, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """A new scenario with dotted-path overrides applied (``{"sales.staff": 6}``)."""
        from sim.scenario.files import scenario_from_dict, set_path

        raw = self.raw
        for path, value in overrides.items():
            set_path(raw, path, value, self._source)
        return scenario_from_dict(raw, source=self._source)
