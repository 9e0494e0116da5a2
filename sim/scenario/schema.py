"""The scenario schema: the validated, frozen description of one firm and its market.

Every field of a scenario file, with its type, kind, default and meaning
(MODEL.md is the design behind each). Durations are converted to working hours
and rates to "per working hour" while validating, so the model never sees a
unit. This module holds the clock, the market and the :class:`Scenario` that
ties them together; the departments are in ``sim.scenario.departments`` (and
re-exported here), the field types in ``sim.scenario.fields``. Reading files,
``extends``, overrides and error messages are in ``sim.scenario.files``, which
this module never imports.

Validation refuses what a run could not finish (``sim.limits``): besides the
bounds of each field, the expected work of one replication
(:func:`expected_work`) must stay under ``MAX_WORK``. The module runs past 400
lines because that bound reads the whole :class:`Scenario` and the Scenario's
validator calls it: in two modules they would import each other.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, Strict, field_validator, model_validator

from sim.distributions import Dist
from sim.limits import MAX_SEGMENT_SIZE, MAX_WEEK_HOURS, MAX_WORK
from sim.scenario.departments import (
    SALES_WORK,
    SERVICE_WORK,
    Feedback,
    Prospecting,
    Retention,
    Sales,
    Service,
    SpeedToLead,
)
from sim.scenario.fields import (
    SEGMENT_SIZE,
    Duration,
    DurationDist,
    FieldProblem,
    MoneyDist,
    Name,
    Number,
    Rate,
    Share,
    Spec,
    Text,
    Whole,
    kind,
    unique_names,
)
from sim.scenario.marketing import Channel, Insight, Marketing
from sim.scenario.operations import Operations, Production, check_chasers

__all__ = [
    "SALES_WORK",
    "SERVICE_WORK",
    "Channel",
    "Clock",
    "Feedback",
    "Insight",
    "Market",
    "Marketing",
    "MoneySettings",
    "Operations",
    "Production",
    "Prospecting",
    "Retention",
    "Sales",
    "Scenario",
    "Segment",
    "Service",
    "SpeedToLead",
    "WorkTerm",
    "expected_work",
]


class Clock(Spec):
    """Working time and the simulated horizon."""

    week_hours: Number = Field(
        40.0, gt=0, le=MAX_WEEK_HOURS, description="Paid working hours in a week."
    )
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


class MoneySettings(Spec):
    """Currency and margin."""

    currency: Name = Field("EUR", description="Label of the scenario's one currency unit.")
    gross_margin: Share = Field(0.4, description="Share of revenue left after the cost of goods.")


class Segment(Spec):
    """One market segment: its buyers, how they find the firm and how they behave as customers."""

    name: Name = Field(description="Segment name, unique within the scenario.")
    size: Annotated[int, Strict()] | Literal["unlimited"] = Field(
        description=f"Potential buyers N (1 to {MAX_SEGMENT_SIZE:,}), or 'unlimited' for a "
        "plain Poisson lead source.",
        json_schema_extra=kind(SEGMENT_SIZE),
    )
    lead_rate: Rate = Field(
        0.0, ge=0, description="Fixed lead rate of an 'unlimited' segment (per week)."
    )
    p_organic: Rate = Field(
        0.0, ge=0, description="Bass innovation rate p: spontaneous inquiries per prospect."
    )
    q: Rate = Field(0.0, ge=0, description="Bass imitation rate q: word of mouth from customers.")
    initial_customers: Whole = Field(
        0, ge=0, le=MAX_SEGMENT_SIZE, description="Active customers at time 0."
    )
    intent_organic: Share = Field(
        0.3, description="Intent of organic inquiries: chance to buy if contacted at once."
    )
    intent_referral: Share = Field(0.4, description="Intent of word-of-mouth inquiries.")
    deal_value: MoneyDist = Field(description="Value of a first deal (money).")
    patience: DurationDist | None = Field(
        None,
        description="How long a lead waits for first contact before buying elsewhere.",
        json_schema_extra=kind("distribution of a duration, or none"),
    )
    reorder_rate: Rate = Field(0.0, ge=0, description="Repeat orders per active customer.")
    reorder_gap: DurationDist | None = Field(
        None,
        description="Time between a customer's orders, any distribution (instead of "
        "reorder_rate, which means exponential gaps of mean 1 / reorder_rate).",
        json_schema_extra=kind("distribution of a duration, or none"),
    )
    reorder_value: MoneyDist = Field(
        default_factory=lambda: Dist.fixed(0.0), description="Value of a repeat order (money)."
    )
    problem_probability: Share = Field(
        0.0, description="Chance that an order (first or repeat) goes wrong for the customer."
    )
    complaint_share: Share = Field(
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
            if not 1 <= self.size <= MAX_SEGMENT_SIZE:
                raise FieldProblem(
                    "size",
                    f"size must be at least 1 and at most {MAX_SEGMENT_SIZE} "
                    f"(or 'unlimited'), got {self.size}",
                )
            if self.lead_rate:
                raise ValueError("lead_rate is for size = 'unlimited'; use p_organic and q")
            if self.initial_customers > self.size:
                raise ValueError("initial_customers cannot exceed size")
        if self.reorder_gap is not None and self.reorder_rate:
            raise FieldProblem(
                "reorder_gap",
                "give reorder_rate (exponential gaps) or reorder_gap (any distribution), not both",
            )
        if self.reorder_gap is not None and self.reorder_gap.mean <= 0:
            raise FieldProblem("reorder_gap", "the time between orders must have a mean > 0")
        return self

    @property
    def orders_per_hour(self) -> float:
        """Repeat orders per active customer and working hour (from either setting)."""
        if self.reorder_gap is not None:
            return 1.0 / self.reorder_gap.mean
        return self.reorder_rate


class Market(Spec):
    """The birds: one or more segments."""

    segments: tuple[Segment, ...] = Field(min_length=1, description="The market's segments.")

    @field_validator("segments")
    @classmethod
    def _unique_names(cls, segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
        unique_names(segments, "segment")
        return segments


class Scenario(Spec):
    """One firm in one market: the validated, immutable input of a simulation."""

    name: Name = Field(description="Scenario name used in tables and charts.")
    description: Text = Field("", description="Free text.")
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
    production: Production = Field(
        default_factory=dict,
        validate_default=True,
        description="Delivery of orders and who chases production.",
    )
    operations: Operations = Field(
        default_factory=dict, validate_default=True, description="Operations department."
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
                    raise FieldProblem(
                        f"marketing.channels.{index}.segments",
                        f"unknown segment {segment!r}{did_you_mean}; "
                        f"segments: {', '.join(sorted(names))}",
                    )
        check_chasers(self.production, self.operations)
        return self

    @model_validator(mode="after")
    def _work_is_bounded(self) -> Scenario:
        terms = expected_work(self)
        total = sum(term.count for term in terms)
        if total <= MAX_WORK:
            return self
        largest = max(terms, key=lambda term: term.count)
        raise FieldProblem(
            largest.fields[0],
            f"about {total:.3g} leads, customers, orders and events expected in one "
            f"replication, above the limit of {MAX_WORK:,} (hours of run time and "
            f"gigabytes of memory); the largest part is {largest.what}, about "
            f"{largest.count:.3g}, driven by {', '.join(largest.fields)}",
        )

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
            + self.operations.staff * self.operations.cost_per_head
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


# ---------------------------------------------------------------- expected work


@dataclass(frozen=True)
class WorkTerm:
    """One part of a replication's expected work, and the settings that drive it."""

    kind: str  # "inquiries", "cold leads", "customers", "orders" or "events"
    what: str
    count: float
    fields: tuple[str, ...]  # the first is where a refusal points


def expected_work(scenario: Scenario) -> list[WorkTerm]:
    """An upper bound on the expected leads, customers, orders and events of one replication.

    Simple bounds, each from the settings alone (README, "Limits"):

    - inquiries: the thinning candidates of each source, which bound its leads:
      organic ``N p H`` (or ``lead_rate H`` for an unlimited segment), word of
      mouth ``q N H / 4`` (the most ``q A pool / N`` can be, as ``A + pool <= N``),
      and for each channel the leads its whole budget buys at the lowest cost
      insight allows, ``budget x share / (cost_per_lead x (1 - cost_strength))``
      per week;
    - prospecting: one event per block every salesperson could work,
      ``staff H / block``, each yielding ``dials x hit_rate`` cold leads;
    - customers of a segment: its initial customers plus its leads (cold ones
      included), at most its pool;
    - orders: every customer ordering once plus at the reorder rate for the
      whole horizon;
    - events: the weekly boundary of every arrival process, and the insight
      reviews (``H / review_period``).
    """
    hours = scenario.clock.horizon
    weeks = hours / scenario.clock.week_hours
    marketing, sales = scenario.marketing, scenario.sales
    terms: list[WorkTerm] = []

    def add(kind: str, what: str, count: float, *fields: str) -> float:
        count = math.inf if math.isnan(count) else count  # inf x 0 is unbounded, not nothing
        terms.append(WorkTerm(kind, what, count, (*fields, "clock.horizon")))
        return count

    cold = 0.0
    prospecting = sales.prospecting
    if prospecting.enabled and sales.staff > 0:
        blocks = sales.staff * hours / prospecting.block
        add("events", "prospecting blocks", blocks, "sales.prospecting.block", "sales.staff")
        cold = add(
            "cold leads",
            "cold leads from prospecting",
            blocks * prospecting.dials_per_block * prospecting.hit_rate,
            "sales.prospecting.hit_rate",
            "sales.prospecting.dials_per_block",
            "sales.staff",
        )
    cost_factor = 1.0 - marketing.insight.cost_strength
    channel_leads = []
    for index, channel in enumerate(marketing.channels):
        at = f"marketing.channels.{index}"
        per_week = (
            marketing.budget_per_week * channel.budget_share / (channel.cost_per_lead * cost_factor)
        )
        channel_leads.append(
            add(
                "inquiries",
                f"marketing leads of channel {channel.name!r}",
                per_week * weeks,
                f"{at}.cost_per_lead",
                "marketing.budget_per_week",
                f"{at}.budget_share",
                "marketing.insight.cost_strength",
            )
        )
    for index, segment in enumerate(scenario.market.segments):
        at = f"market.segments.{index}"
        name = repr(segment.name)
        if segment.size == "unlimited":
            leads = add(
                "inquiries",
                f"leads of segment {name}",
                segment.lead_rate * hours,
                f"{at}.lead_rate",
            )
            pool = math.inf
        else:
            size = segment.size
            leads = add(
                "inquiries",
                f"organic inquiries of segment {name}",
                size * segment.p_organic * hours,
                f"{at}.p_organic",
                f"{at}.size",
            )
            leads += add(
                "inquiries",
                f"word-of-mouth inquiries of segment {name}",
                segment.q * size / 4.0 * hours,
                f"{at}.q",
                f"{at}.size",
            )
            pool = size - segment.initial_customers
        reached = [
            count
            for channel, count in zip(marketing.channels, channel_leads, strict=True)
            if not channel.segments or segment.name in channel.segments
        ]
        customers = add(
            "customers",
            f"customers of segment {name}",
            segment.initial_customers + min(leads + sum(reached) + cold, pool),
            f"{at}.initial_customers",
            f"{at}.size",
        )
        add(
            "orders",
            f"orders of segment {name}",
            customers * (1.0 + segment.orders_per_hour * hours),
            f"{at}.reorder_rate",
            f"{at}.reorder_gap",
            f"{at}.initial_customers",
            f"{at}.size",
        )
    processes = len(scenario.market.segments) * (2 + len(marketing.channels)) + 1
    add("events", "week boundaries", weeks * processes, "market.segments", "marketing.channels")
    feedback = scenario.service.feedback
    if scenario.service.staff > 0 and feedback.enabled and marketing.staff > 0:
        add(
            "events",
            "insight reviews",
            hours / feedback.review_period,
            "service.feedback.review_period",
        )
    return terms
