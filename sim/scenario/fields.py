"""The field types of the scenario schema: what each kind of value accepts, and its kind.

A field's *kind* ("money", "duration", "share", ...) is declared here, on the
type the schema uses (``json_schema_extra={"kind": ...}``), so that the
generated reference (``sim.reference``) reads it instead of guessing, and so
that text is refused where a number is meant (``staff = "7"``): numbers are
numbers, in TOML and from Python. Durations and rates are converted to working
hours while validating; every bound comes from ``sim.limits``.
"""

from __future__ import annotations

import itertools
import numbers
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo

from sim.distributions import Dist, Quantity, parse_dist
from sim.limits import MAX_HEADCOUNT, MAX_MONEY
from sim.units import DEFAULT_WEEK_HOURS, UnitError, parse_duration, parse_rate

# ---------------------------------------------------------------- kinds

TEXT = "text"
NAME = "text, not empty"
TEXTS = "list of text"
SWITCH = "true or false"
CHOICE = "choice"  # the reference lists the options of the field's Literal
WHOLE = "whole number"
NUMBER = "number"
MONEY = "money"
SHARE = "share"
DURATION = "duration"
RATE = "rate (bare number: per week)"
DURATION_DIST = "distribution of a duration"
MONEY_DIST = "distribution of money"
STEPS = "list of [duration, share]"
SEGMENT_SIZE = "whole number or 'unlimited'"
NUMERIC = frozenset({WHOLE, NUMBER, MONEY, SHARE, SEGMENT_SIZE})


def kind(name: str) -> dict[str, Any]:
    """The ``json_schema_extra`` that declares a field's kind."""
    return {"kind": name}


def kind_of(field: FieldInfo) -> str | None:
    """The kind declared on a field (on its ``Field`` or on its type), if any."""
    extra = field.json_schema_extra
    return extra.get("kind") if isinstance(extra, dict) else None  # type: ignore[return-value]


class FieldProblem(ValueError):
    """A problem found by a model-level check, at ``path`` below the model it checks.

    Raised inside a ``model_validator``; the file reader (``sim.scenario.files``)
    puts ``path`` after the model's own location, so the message names the field.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


# ---------------------------------------------------------------- converters


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

    return BeforeValidator(validate)


# ---------------------------------------------------------------- field types

Duration = Annotated[float, BeforeValidator(_duration), Field(json_schema_extra=kind(DURATION))]
Rate = Annotated[float, BeforeValidator(_rate), Field(json_schema_extra=kind(RATE))]
DurationDist = Annotated[Dist, _dist("duration"), Field(json_schema_extra=kind(DURATION_DIST))]
MoneyDist = Annotated[Dist, _dist("money"), Field(json_schema_extra=kind(MONEY_DIST))]
# Strict: "0.4" (text) is not 0.4 and "yes" is not true; a TOML integer is still a
# float. A field that needs other bounds takes Number or Whole and states them:
# pydantic applies a type's own bounds after the field's, so they would win.
Share = Annotated[float, Strict(), Field(ge=0.0, le=1.0, json_schema_extra=kind(SHARE))]
Money = Annotated[float, Strict(), Field(ge=0.0, le=MAX_MONEY, json_schema_extra=kind(MONEY))]
Number = Annotated[float, Strict(), Field(json_schema_extra=kind(NUMBER))]
Whole = Annotated[int, Strict(), Field(json_schema_extra=kind(WHOLE))]
Headcount = Annotated[int, Strict(), Field(ge=0, le=MAX_HEADCOUNT, json_schema_extra=kind(WHOLE))]
Name = Annotated[str, Field(min_length=1, json_schema_extra=kind(NAME))]
Text = Annotated[str, Field(json_schema_extra=kind(TEXT))]
Switch = Annotated[bool, Strict(), Field(json_schema_extra=kind(SWITCH))]


# Tables left out of a file default to ``{}`` and are validated like written ones
# (``validate_default``), so their durations read the scenario's own week_hours.
class Spec(BaseModel):
    """Base of every table of a scenario: frozen, unknown keys refused, numbers are numbers."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, allow_inf_nan=False
    )

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        # pydantic's lax mode reads true as 1 and "7" as 7; a scenario means neither
        if info.field_name is None:
            return value
        field_kind = kind_of(cls.model_fields[info.field_name])
        if field_kind not in NUMERIC:
            return value
        expected = {
            WHOLE: "a whole number (an integer)",
            SEGMENT_SIZE: "a whole number (an integer) or 'unlimited'",
        }.get(field_kind, "a number")
        if isinstance(value, bool):
            raise ValueError(f"expected {expected}, got {str(value).lower()}")
        if isinstance(value, str) and not (field_kind == SEGMENT_SIZE and value == "unlimited"):
            try:
                float(value)
            except ValueError:
                hint = ""
            else:
                hint = " (write it without quotes)"
            raise ValueError(f"expected {expected}, got the text {value!r}{hint}")
        # a whole number from Python (numpy's int64, or 6.0) is the number it says
        whole = isinstance(value, numbers.Integral) or (
            isinstance(value, numbers.Real) and float(value).is_integer()
        )
        return int(value) if whole and field_kind in (WHOLE, SEGMENT_SIZE) else value


def check_steps(steps: tuple[tuple[float, float], ...], what: str) -> None:
    """A step table's times start at 0 and strictly increase."""
    times = [time for time, _ in steps]
    if not times or times[0] != 0:
        raise ValueError(f"{what}, the first at time 0")
    if any(b <= a for a, b in itertools.pairwise(times)):
        raise ValueError(f"{what}, with strictly increasing times")


def check_permutation(order: tuple[str, ...], allowed: tuple[str, ...]) -> tuple[str, ...]:
    """``order`` lists each of ``allowed`` exactly once."""
    if sorted(order) != sorted(allowed):
        raise ValueError(f"must list each of {', '.join(allowed)} exactly once")
    return order


def unique_names(items: tuple[Any, ...], what: str) -> None:
    """Items' ``name`` attributes are unique."""
    names = [item.name for item in items]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise ValueError(f"{what} names must be unique; repeated: {', '.join(duplicated)}")
