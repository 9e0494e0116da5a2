"""Hypothesis strategies for random valid scenarios over every key of the schema.

``scenario_dicts()`` draws a settings dict as a scenario file would hold it
(units written out, distributions as tables or bare values) that validates:
every section and every key of ``sim.Scenario`` (issue #8, item 6), every
distribution kind (empirical with weights that add up to 1), every choice and
switch, any week length from half an hour to a calendar week, finite and
unlimited segments, names with slashes and non-ASCII letters. Sizes are kept
small so that one replication takes a fraction of a second: at most 6 weeks
and 6 staff a department, rates drawn per week whatever the week length, and
examples whose expected work (``sim.scenario.expected_work``, the bound
validation uses) exceeds ``MAX_EXAMPLE_WORK`` are rejected.

``schema_coverage()`` lists what the schema asks a fuzzer to reach (every
field path, every option of a choice, both values of a switch, every kind of
every distribution) and ``reached(raw)`` what one drawn dict reaches, so a
test can fail when a new key of the schema is never generated.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal

from hypothesis import assume
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

import sim
from sim.distributions import DIST_KINDS, Dist
from sim.limits import (
    MAX_CARRYOVER,
    MAX_COST_STRENGTH,
    MAX_MEETINGS,
    MAX_MONEY,
    MAX_RECORD_WEIGHT,
    MIN_COST_PER_LEAD,
)
from sim.scenario import SALES_WORK, SERVICE_WORK, expected_work
from sim.scenario.fields import kind_of
from sim.units import hours_per_unit

MAX_WEEKS = 6
MAX_STAFF = 6
MAX_CHANNEL_LEADS = 40
"""Most leads a week a channel's budget can buy in an example."""
MAX_EXAMPLE_WORK = 20_000
"""Most leads, customers, orders and events one example may expect (a few tenths of
a second of simulation); larger draws are rejected, not shrunk, so rare."""

# ---------------------------------------------------------------- plain values
# Strategies are built once here and scaled where a range depends on the draw:
# building a Hypothesis strategy per draw would cost more than the simulation.

shares = st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0.0, 1.0))
# a point of [0, 1] with both ends likely, to scale into any range
fractions = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0))
booleans = st.booleans()
# names are text, and a name may hold what stream names are made of: the words that
# name a source, and a "/" that joins them (see name_lists)
path_words = st.sampled_from(["channel", "organic", "referral", "cold", "initial"])
names = st.one_of(path_words, st.text(alphabet="ab/ 中-%", min_size=1, max_size=5))
unique_names = {
    count: st.lists(names, min_size=count, max_size=count, unique=True) for count in (1, 2, 3)
}
# most deals are of ordinary size; a few reach the largest amount the schema allows
money_ceilings = st.sampled_from([20_000.0, 20_000.0, 20_000.0, MAX_MONEY])
week_lengths = st.one_of(
    st.sampled_from([40.0, 37.5, 36.6, 26.8, 38.4, 39.9, 0.5, 168.0]),
    st.floats(0.5, 168.0),
)
duration_units = st.sampled_from(["min", "h", "d", "w"])
rate_forms = st.sampled_from(["bare", "w", "d", "h", "y", "per"])
dist_kinds = st.sampled_from((*DIST_KINDS, "bare"))
sd_ratios = st.one_of(st.sampled_from([0.0, 1e-6, 100.0]), st.floats(0.01, 5.0))
parts = st.integers(0, 4)
sales_orders = st.permutations(SALES_WORK)
service_orders = st.permutations(SERVICE_WORK)
staff = st.integers(0, MAX_STAFF)
costs = st.one_of(st.just(0.0), st.floats(0.0, MAX_MONEY))


@st.composite
def name_lists(draw: st.DrawFn, count: int) -> list[str]:
    """``count`` unique names; now and then one that extends another by a path part
    ("a" and "a/channel"), as a stream name would."""
    made = draw(unique_names[count])
    if count > 1 and draw(booleans):
        extended = f"{made[0]}/{draw(path_words)}"
        if extended not in made:
            made[1] = extended
    return made


def between(draw: st.DrawFn, low: float, high: float) -> float:
    """A number from ``low`` to ``high`` (both ends included and likely)."""
    return min(high, max(low, low + (high - low) * draw(fractions)))


def _whole(draw: st.DrawFn, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (both ends likely)."""
    return min(high, low + int((high - low + 1) * draw(fractions)))


def _unit_text(amount: float, unit: str) -> str:
    return f"{amount!r} {unit}"


@st.composite
def durations(draw: st.DrawFn, week_hours: float, low: float, high: float) -> Any:
    """A duration of ``low`` to ``high`` hours, written in a random unit (or a bare 0)."""
    hours = between(draw, low, high)
    if hours == 0 and draw(booleans):
        return 0
    unit = draw(duration_units)
    return _unit_text(hours / hours_per_unit(unit, week_hours), unit)


@st.composite
def rates(draw: st.DrawFn, week_hours: float, per_week_high: float) -> Any:
    """A rate of 0 to ``per_week_high`` a week (whatever the week's length), in any unit."""
    per_week = between(draw, 0.0, per_week_high)
    if per_week / week_hours < 1e-11:
        per_week = 0.0  # below sim.limits.MIN_RATE_PER_HOUR: a rate is 0 or at least that
    form = draw(rate_forms)
    if form == "bare":
        return per_week
    unit = "w" if form == "per" else form
    amount = per_week * hours_per_unit(unit, week_hours) / week_hours
    separator = " per " if form == "per" else " / "
    return f"{amount!r}{separator}{unit}"


# ---------------------------------------------------------------- distributions


@st.composite
def distributions(
    draw: st.DrawFn, quantity: Literal["duration", "money"], high: float, low: float = 0.0
) -> Any:
    """Any kind of distribution of durations (in hours) or money, from ``low`` to ``high``.

    Every kind of ``sim.distributions`` with valid parameters: a bare value or
    ``{dist = "fixed"}``, exponential, gamma and lognormal (sd / mean from the
    smallest to the largest allowed, or sd = 0; their mean in the range),
    triangular, uniform, and empirical (samples, or values with weights that
    add up to 1).
    """

    def written(amount: float) -> Any:
        if quantity == "money":
            return amount
        return _unit_text(amount, "h") if amount else draw(st.sampled_from([0, "0 h"]))

    kind = draw(dist_kinds)
    if kind == "bare":
        return written(between(draw, low, high))
    if kind == "fixed":
        return {"dist": "fixed", "value": written(between(draw, low, high))}
    smallest_mean = max(low, high * 1e-3)
    if kind == "exponential":
        return {"dist": "exponential", "mean": written(between(draw, smallest_mean, high))}
    if kind in ("gamma", "lognormal"):
        mean = between(draw, smallest_mean, high)
        sd = min(mean * draw(sd_ratios), MAX_MONEY)  # sd is an amount of money too
        return {"dist": kind, "mean": written(mean), "sd": written(sd) if sd else 0}
    if kind in ("triangular", "uniform"):
        bottom = between(draw, low, (low + high) / 2)
        top = between(draw, bottom + (high - low) / 4, high)
        mode = between(draw, bottom, top)
        if kind == "uniform":
            return {"dist": "uniform", "low": written(bottom), "high": written(top)}
        return {
            "dist": "triangular",
            "low": written(bottom),
            "mode": written(mode),
            "high": written(top),
        }
    values = [written(between(draw, low, high)) for _ in range(_whole(draw, 1, 4))]
    if draw(booleans):
        return {"dist": "empirical", "samples": values}
    # whole-number parts over their sum: shares that add up to 1 within float rounding
    weights = [draw(parts) for _ in values]
    if not sum(weights):
        weights[-1] = 1
    return {"dist": "empirical", "values": values, "weights": [w / sum(weights) for w in weights]}


def work_times() -> st.SearchStrategy[Any]:
    """How long a piece of work takes: up to a working day and a half."""
    return distributions("duration", 12.0)


# ---------------------------------------------------------------- sections


@st.composite
def segments(draw: st.DrawFn, name: str, week_hours: float) -> dict[str, Any]:
    """One market segment, finite (Bass) or unlimited (Poisson)."""
    segment: dict[str, Any] = {
        "name": name,
        "intent_organic": draw(shares),
        "intent_referral": draw(shares),
        "deal_value": draw(distributions("money", draw(money_ceilings))),
        "reorder_value": draw(distributions("money", 5_000.0)),
        "problem_probability": draw(shares),
        "complaint_share": draw(shares),
        "churn_rate": draw(rates(week_hours, 0.5)),
    }
    if draw(booleans):
        segment["patience"] = draw(distributions("duration", 3 * week_hours))
    if draw(booleans):
        # at most about ten orders a week per customer (and a gap whose mean is not 0)
        segment["reorder_gap"] = draw(distributions("duration", 4 * week_hours, week_hours / 10))
    else:
        segment["reorder_rate"] = draw(rates(week_hours, 2.0))
    if draw(booleans):
        segment["size"] = "unlimited"
        segment["lead_rate"] = draw(rates(week_hours, 30.0))
        segment["initial_customers"] = _whole(draw, 0, 20)
    else:
        size = _whole(draw, 1, 3000)
        segment["size"] = size
        segment["p_organic"] = draw(rates(week_hours, 0.02))
        segment["q"] = draw(rates(week_hours, 3.0))
        segment["initial_customers"] = _whole(draw, 0, min(size, 40))
    return segment


@st.composite
def channels(draw: st.DrawFn, count: int, segment_names: list[str]) -> list[dict[str, Any]]:
    """Marketing channels whose budget shares add up to 1."""
    weights = [_whole(draw, 1, 4) for _ in range(count)]
    made = []
    for name, weight in zip(draw(name_lists(count)), weights, strict=True):
        channel: dict[str, Any] = {
            "name": name,
            "budget_share": weight / sum(weights),
            "cost_per_lead": between(draw, MIN_COST_PER_LEAD, 2000.0),
            "intent": draw(shares),
            "segments": [segment for segment in segment_names if draw(booleans)],
            "carryover": between(draw, 0.0, MAX_CARRYOVER),
        }
        if draw(booleans):
            channel["half_saturation"] = between(draw, 1.0, 1e6)
        made.append(channel)
    return made


@st.composite
def marketing(draw: st.DrawFn, segment_names: list[str], week_hours: float) -> dict[str, Any]:
    """The marketing department: staff, budget, channels, insight."""
    section: dict[str, Any] = {
        "staff": draw(staff),
        "cost_per_head": draw(costs),
        "capacity_per_head": between(draw, 1.0, 10_000.0),
        "overflow_efficiency": draw(shares),
        "research_share": draw(shares),
        "insight": {
            "initial": draw(shares),
            "intent_strength": draw(shares),
            "fit_strength": draw(shares),
            "cost_strength": between(draw, 0.0, MAX_COST_STRENGTH),
            "fade": draw(rates(week_hours, 1.0)),
        },
    }
    count = _whole(draw, 0, 3)
    if count:
        made = draw(channels(count, segment_names))
        section["channels"] = made
        # a budget that buys at most MAX_CHANNEL_LEADS leads a week per channel at the
        # cheapest price insight allows (tiny prices come with tiny budgets)
        discount = 1.0 - section["insight"]["cost_strength"]
        most = min(
            MAX_CHANNEL_LEADS * channel["cost_per_lead"] * discount / channel["budget_share"]
            for channel in made
        )
        section["budget_per_week"] = between(draw, 0.0, most)
    return section


@st.composite
def steps(draw: st.DrawFn, week_hours: float) -> list[list[Any]]:
    """[time, share] steps: the first at time 0, times strictly increasing."""
    times = [0.0]
    for _ in range(_whole(draw, 0, 3)):
        times.append(times[-1] + between(draw, 0.01, 30.0))
    return [
        [draw(durations(week_hours, time, time)) if time else 0, draw(shares)] for time in times
    ]


@st.composite
def speed_to_lead(draw: st.DrawFn, week_hours: float) -> dict[str, Any]:
    """A speed-to-lead curve, each with only the settings it reads."""
    curve = draw(st.sampled_from(["none", "half_life", "table"]))
    if curve == "none":
        return {"curve": "none"}
    if curve == "half_life":
        return {
            "curve": "half_life",
            "half_life": draw(durations(week_hours, 0.05, 48.0)),
            "floor": draw(shares),
        }
    return {
        "curve": "table",
        "points": draw(steps(week_hours)),
        "interpolation": draw(st.sampled_from(["step", "linear"])),
    }


@st.composite
def sales(draw: st.DrawFn, week_hours: float) -> dict[str, Any]:
    """The sales department, with customers' work, meetings and prospecting."""
    closing = _whole(draw, 0, 4)
    dials = _whole(draw, 1, 30)
    return {
        "staff": draw(staff),
        "cost_per_head": draw(costs),
        "priority": list(draw(sales_orders)),
        "first_contact": draw(work_times()),
        "closing_meetings": closing,
        "meeting": draw(work_times()),
        "meeting_lead_time": draw(distributions("duration", 2 * week_hours)),
        "stall": draw(shares),
        "max_meetings": _whole(draw, max(closing, 1), MAX_MEETINGS),
        "collection": draw(work_times()),
        "speed_to_lead": draw(speed_to_lead(week_hours)),
        "handles_service": draw(st.sampled_from(["auto", True, False])),
        "complaint": draw(work_times()),
        "reorder": draw(work_times()),
        "onboarding": draw(work_times()),
        "complaint_satisfaction": draw(shares),
        "prospecting": {
            "enabled": draw(booleans),
            "block": draw(durations(week_hours, week_hours / 40, week_hours)),
            "dials_per_block": dials,
            # at most about two meetings a block, whatever the number of calls
            "hit_rate": between(draw, 0.0, min(1.0, 2.0 / dials)),
            "intent": draw(shares),
        },
    }


@st.composite
def service(draw: st.DrawFn, week_hours: float) -> dict[str, Any]:
    """The service department and its feedback loop."""
    return {
        "staff": draw(staff),
        "cost_per_head": draw(costs),
        "priority": list(draw(service_orders)),
        "complaint": draw(work_times()),
        "reorder": draw(work_times()),
        "onboarding": draw(work_times()),
        "complaint_satisfaction": draw(shares),
        "feedback": {
            "enabled": draw(booleans),
            "review_period": draw(durations(week_hours, week_hours / 10, 2 * week_hours)),
            "analysis_time": draw(durations(week_hours, 0.0, 8.0)),
            "time_per_record": draw(durations(week_hours, 0.0, 1.0)),
            "learning_rate": draw(shares),
            "half_saturation": between(draw, 0.01, 1000.0),
            "weights": {
                work: between(draw, 0.0, draw(st.sampled_from([10.0, MAX_RECORD_WEIGHT])))
                for work in ("complaint", "reorder", "onboarding")
            },
            "delay": draw(durations(week_hours, 0.0, 2 * week_hours)),
        },
    }


@st.composite
def retention(draw: st.DrawFn, week_hours: float) -> dict[str, Any]:
    """The TARP table: who stays after a problem, by how it was handled."""
    return {
        "silent": draw(shares),
        "unsatisfied": draw(shares),
        "satisfied": draw(steps(week_hours)),
        "unresolved_after": draw(durations(week_hours, 0.01, 2 * week_hours)),
    }


@st.composite
def production(draw: st.DrawFn, week_hours: float) -> dict[str, Any]:
    """Delivery and who chases production."""
    return {
        "delivery": draw(distributions("duration", 2 * week_hours)),
        "chase_share": draw(shares),
        "chased_by": draw(st.sampled_from(["sales", "operations", "nobody"])),
        "chase_time": draw(work_times()),
        "late_share": draw(shares),
        "repeat_orders": draw(booleans),
    }


@st.composite
def scenario_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid scenario over every key of the schema, small enough to run fast."""
    week_hours = draw(week_lengths)
    weeks = _whole(draw, 1, MAX_WEEKS)
    warmup = _whole(draw, 0, weeks - 1)
    # a whole number of weeks, in weeks or in working days
    horizon = f"{weeks} w" if draw(booleans) else f"{5 * weeks} d"
    segment_names = draw(name_lists(_whole(draw, 1, 3)))
    made = {
        "name": draw(names),
        "description": draw(st.text(max_size=20)),
        "clock": {"week_hours": week_hours, "horizon": horizon, "warmup": f"{warmup} w"},
        "money": {"currency": draw(names), "gross_margin": draw(shares)},
        "market": {"segments": [draw(segments(name, week_hours)) for name in segment_names]},
        "marketing": draw(marketing(segment_names, week_hours)),
        "sales": draw(sales(week_hours)),
        "service": draw(service(week_hours)),
        "retention": draw(retention(week_hours)),
        "production": draw(production(week_hours)),
    }
    chased_by_operations = made["production"]["chased_by"] == "operations"
    made["operations"] = {
        "staff": _whole(draw, 1 if chased_by_operations else 0, MAX_STAFF),
        "cost_per_head": draw(costs),
    }
    # keep each example fast: reject the rare draw that would make thousands of leads
    scenario = sim.scenario_from_dict(made)
    assume(sum(term.count for term in expected_work(scenario)) <= MAX_EXAMPLE_WORK)
    return made


seeds = st.integers(0, 2**32 - 1)

# ---------------------------------------------------------------- coverage


def _submodel(annotation: Any) -> type[BaseModel] | None:
    """The scenario table a field holds (itself, or as the items of a tuple), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _submodel(argument)
        if found is not None:
            return found
    return None


def _literals(annotation: Any) -> set[Any]:
    """The options a field's choice allows (``Literal`` values, ``True``/``False``)."""
    if typing.get_origin(annotation) is Literal:
        return set(typing.get_args(annotation))
    if annotation is bool:
        return {True, False}
    options: set[Any] = set()
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated):
        for argument in typing.get_args(annotation):
            options |= _literals(argument)
    return options


def _is_dist(annotation: Any) -> bool:
    if annotation is Dist:
        return True
    return any(_is_dist(argument) for argument in typing.get_args(annotation))


def _quantity(field: FieldInfo) -> str:
    """What a distribution field draws: money or a duration (its declared kind says)."""
    return "money" if "money" in (kind_of(field) or "") else "duration"


def schema_coverage(model: type[BaseModel] = sim.Scenario, prefix: str = "") -> set[tuple]:
    """What a fuzzer must reach: every field path (list items without their index),
    every option of every choice and switch, every distribution kind of durations and
    of money (``("dist", quantity, kind)``)."""
    wanted: set[tuple] = set()
    for name, field in model.model_fields.items():
        path = prefix + name
        wanted.add(("key", path))
        sub = _submodel(field.annotation)
        if sub is not None:
            wanted |= schema_coverage(sub, path + ".")
            continue
        for option in _literals(field.annotation):
            wanted.add(("option", path, option))
        if _is_dist(field.annotation):
            wanted |= {("dist", _quantity(field), kind) for kind in DIST_KINDS}
    return wanted


def reached(raw: dict[str, Any], model: type[BaseModel] = sim.Scenario, prefix: str = "") -> set:
    """What one settings dict reaches, in the terms of :func:`schema_coverage`, and the
    kind each distribution field took (``("dist field", path, kind)``)."""
    found: set[tuple] = set()
    for name, value in raw.items():
        field = model.model_fields[name]
        path = prefix + name
        found.add(("key", path))
        sub = _submodel(field.annotation)
        if sub is not None:
            for item in value if isinstance(value, list) else [value]:
                found |= reached(item, sub, path + ".")
            continue
        if _literals(field.annotation) and isinstance(value, bool | str):
            found.add(("option", path, value))
        if _is_dist(field.annotation):
            kind = value["dist"] if isinstance(value, dict) else "fixed"
            found.add(("dist", _quantity(field), kind))
            found.add(("dist field", path, kind))
    return found


def distribution_fields(model: type[BaseModel] = sim.Scenario, prefix: str = "") -> set[str]:
    """The paths of every distribution field of the schema."""
    paths: set[str] = set()
    for name, field in model.model_fields.items():
        sub = _submodel(field.annotation)
        if sub is not None:
            paths |= distribution_fields(sub, prefix + name + ".")
        elif _is_dist(field.annotation):
            paths.add(prefix + name)
    return paths


__all__ = [
    "MAX_EXAMPLE_WORK",
    "distribution_fields",
    "distributions",
    "reached",
    "scenario_dicts",
    "schema_coverage",
    "seeds",
]
