"""Units of the scenario files: durations and rates, converted to working hours.

The simulation clock runs in *working hours* (MODEL.md, "Clock and units").
Scenario files write durations with a unit (``"15 min"``, ``"2 h"``, ``"3 d"``,
``"1 w"``) and rates per week unless a unit says otherwise (``"0.38 / y"``).
A working day is ``week_hours / 5`` hours, a year is 52 working weeks.

No duration exceeds 100 years (``sim.limits.MAX_HORIZON_WEEKS`` weeks), and a
rate that is not 0 is finite and at least ``sim.limits.MIN_RATE_PER_HOUR``, so
that every duration, rate and mean time between events the model derives stays
finite.
"""

from __future__ import annotations

import math
import re

from sim.limits import MAX_HORIZON_WEEKS, MIN_RATE_PER_HOUR

DEFAULT_WEEK_HOURS = 40.0
WEEKS_PER_YEAR = 52.0

DURATION_UNITS = ("min", "h", "d", "w", "y")
_ALIASES = {
    "min": "min",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "d": "d",
    "day": "d",
    "days": "d",
    "w": "w",
    "wk": "w",
    "week": "w",
    "weeks": "w",
    "y": "y",
    "yr": "y",
    "year": "y",
    "years": "y",
}
_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\s*$")
_RATE = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(?:/|per)\s*([A-Za-z]+)\s*$")


class UnitError(ValueError):
    """A duration or rate that cannot be read; the message says what is allowed."""


def hours_per_unit(unit: str, week_hours: float = DEFAULT_WEEK_HOURS) -> float:
    """Working hours in one ``unit`` (``min``, ``h``, ``d``, ``w``, ``y``)."""
    canonical = _ALIASES.get(unit.lower())
    if canonical is None:
        raise UnitError(f"unknown unit {unit!r}; allowed: {', '.join(DURATION_UNITS)}")
    return {
        "min": 1.0 / 60.0,
        "h": 1.0,
        "d": week_hours / 5.0,
        "w": week_hours,
        "y": week_hours * WEEKS_PER_YEAR,
    }[canonical]


def parse_duration(value: object, week_hours: float = DEFAULT_WEEK_HOURS) -> float:
    """Read a duration such as ``"15 min"`` and return working hours.

    A bare ``0`` is accepted (zero needs no unit); any other number must carry a
    unit, so that nobody has to guess whether ``3`` meant hours or days.
    """
    if isinstance(value, bool):
        raise UnitError(f"expected a duration such as '15 min', got {value!r}")
    if isinstance(value, int | float):
        if value == 0:
            return 0.0
        raise UnitError(
            f"a duration needs a unit, e.g. '{value} h'; units: {', '.join(DURATION_UNITS)}"
        )
    if not isinstance(value, str):
        raise UnitError(f"expected a duration such as '15 min', got {value!r}")
    match = _QUANTITY.match(value)
    if match is None or not match.group(2):
        raise UnitError(
            f"cannot read duration {value!r}; write a number and a unit, e.g. '15 min', "
            f"'2 h', '3 d', '1 w' (units: {', '.join(DURATION_UNITS)})"
        )
    amount = float(match.group(1))
    if amount < 0 or not math.isfinite(amount):
        raise UnitError(f"a duration must be finite and not negative, got {value!r}")
    hours = amount * hours_per_unit(match.group(2), week_hours)
    # a hair of tolerance: "100 y" is exactly the limit, whatever the rounding
    if not hours <= MAX_HORIZON_WEEKS * week_hours * (1 + 1e-12):
        raise UnitError(f"a duration is at most {MAX_HORIZON_WEEKS} w (100 years), got {value!r}")
    return hours


def parse_rate(value: object, week_hours: float = DEFAULT_WEEK_HOURS) -> float:
    """Read a rate (``12``, ``"12 / w"``, ``"0.38 / y"``) and return it per working hour.

    A bare number is per week (MODEL.md).
    """
    if isinstance(value, bool):
        raise UnitError(f"expected a rate such as '12 / w', got {value!r}")
    if isinstance(value, int | float):
        if value < 0 or not math.isfinite(value):
            raise UnitError(f"a rate must be finite and not negative, got {value!r}")
        return _checked_rate(float(value) / week_hours, value)
    if not isinstance(value, str):
        raise UnitError(f"expected a rate such as '12 / w', got {value!r}")
    match = _RATE.match(value)
    if match is None:
        raise UnitError(
            f"cannot read rate {value!r}; write a number per unit, e.g. '12 / w', "
            f"'0.38 / y', '3 / d' (a bare number is per week)"
        )
    amount = float(match.group(1))
    if amount < 0 or not math.isfinite(amount):
        raise UnitError(f"a rate must be finite and not negative, got {value!r}")
    return _checked_rate(amount / hours_per_unit(match.group(2), week_hours), value)


def _checked_rate(per_hour: float, written: object) -> float:
    if not math.isfinite(per_hour):
        raise UnitError(f"a rate must be finite, got {written!r} (too large for this week)")
    if 0 < per_hour < MIN_RATE_PER_HOUR:
        raise UnitError(
            f"a rate is 0 or at least {MIN_RATE_PER_HOUR:g} per working hour, got {written!r} "
            "(write 0 for never)"
        )
    return per_hour
