"""Resolved settings: every key of a scenario written out, and what differs between two.

A scenario file names only what it changes; its defaults and its ``extends``
chain fill the rest. :func:`resolved_settings` writes every key out again, in
the file format (durations in hours, rates per hour, distributions as tables),
so that the result validates back into the same scenario and two scenarios can
be compared key by key. :func:`differences` lists the dotted paths where two
scenarios differ (list items with a ``name`` addressed by it, e.g.
``marketing.channels.search.cost_per_lead``), and :func:`group_of` names the
mechanism a path belongs to (MODEL.md, "Where the difference comes from"):
headcount and cost, marketing channels, service department, service speed and
quality, feedback and insight, expediting, prospecting, speed to lead, or the
market and product both firms share.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from sim.distributions import Dist
from sim.scenario.fields import (
    DURATION,
    DURATION_DIST,
    RATE,
    STEPS,
    kind_of,
)
from sim.scenario.schema import Scenario

#: The mechanisms a setting can belong to, each with the dotted paths (or
#: prefixes) it owns; a path owned by none is part of the shared market and product.
GROUPS: dict[str, tuple[str, ...]] = {
    "headcount and cost": (
        "sales.staff",
        "sales.cost_per_head",
        "service.cost_per_head",
        "marketing.cost_per_head",
        "operations.cost_per_head",
    ),
    "marketing channels": (
        "marketing.staff",
        "marketing.budget_per_week",
        "marketing.capacity_per_head",
        "marketing.overflow_efficiency",
        "marketing.research_share",
        "marketing.channels",
    ),
    "service department": ("service.staff", "service.priority", "sales.handles_service"),
    "service speed and quality": (
        "service.complaint",
        "service.reorder",
        "service.onboarding",
        "service.complaint_satisfaction",
        "sales.complaint",
        "sales.reorder",
        "sales.onboarding",
        "sales.complaint_satisfaction",
    ),
    "feedback and insight": ("service.feedback", "marketing.insight"),
    "expediting": ("production.chased_by", "production.chase_time", "operations.staff"),
    "prospecting": ("sales.prospecting",),
    "speed to lead": ("sales.speed_to_lead", "sales.priority"),
}
SHARED = "market and product"
IGNORED = ("name", "description")


def _value(value: Any, field_kind: str | None) -> Any:
    if isinstance(value, BaseModel):
        return _model(value)
    if isinstance(value, Dist):
        unit = " h" if (field_kind or "").startswith(DURATION_DIST) else ""
        table: dict[str, Any] = {"dist": value.kind}
        for name, parameter in value.params:
            if isinstance(parameter, tuple):
                if name == "values" and unit:
                    table[name] = [f"{item!r}{unit}" for item in parameter]
                else:
                    table[name] = list(parameter)
            else:
                table[name] = f"{parameter!r}{unit}" if unit else parameter
        if value.kind == "fixed":
            return f"{value.param('value')!r}{unit}" if unit else value.param("value")
        return table
    if field_kind == DURATION:
        return f"{value!r} h"
    if field_kind == RATE:
        return f"{value!r} / h"
    if field_kind == STEPS:
        return [[f"{time!r} h", share] for time, share in value]
    if isinstance(value, tuple):
        return [_value(item, None) for item in value]
    return value


def _model(model: BaseModel) -> dict[str, Any]:
    fields = type(model).model_fields
    return {name: _value(getattr(model, name), kind_of(field)) for name, field in fields.items()}


def resolved_settings(scenario: Scenario) -> dict[str, Any]:
    """Every setting of ``scenario`` in the file format; it validates back into an equal one."""
    return _model(scenario)


def flatten(settings: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted paths to leaf values; list items that have a ``name`` are addressed by it."""
    flat: dict[str, Any] = {}
    for key, value in settings.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and "dist" not in value:
            flat.update(flatten(value, f"{path}."))
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(item, Mapping) and "name" in item for item in value)
        ):
            for item in value:
                flat.update(flatten(item, f"{path}.{item['name']}."))
        else:
            flat[path] = value
    return flat


def differences(a: Scenario, b: Scenario) -> list[str]:
    """The dotted paths whose values differ between two scenarios (names aside)."""
    left, right = flatten(resolved_settings(a)), flatten(resolved_settings(b))
    paths = sorted(set(left) | set(right))
    return [
        path
        for path in paths
        if path not in IGNORED and left.get(path, _MISSING) != right.get(path, _MISSING)
    ]


def group_of(path: str) -> str:
    """The mechanism a dotted path belongs to (the longest matching prefix wins)."""
    best, length = SHARED, -1
    for group, prefixes in GROUPS.items():
        for prefix in prefixes:
            if (path == prefix or path.startswith(f"{prefix}.")) and len(prefix) > length:
                best, length = group, len(prefix)
    return best


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()

__all__ = ["GROUPS", "SHARED", "differences", "flatten", "group_of", "resolved_settings"]
