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
market and product both firms share. :func:`difference_units` lists what can
be switched from one scenario to the other on its own, and :func:`switched`
builds "A with these settings switched to B's values", validated (what
``sim.explain`` runs for every subset of the groups).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
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
from sim.scenario.files import scenario_from_dict
from sim.scenario.paths import get_path, set_path
from sim.scenario.schema import Scenario

#: The mechanisms a setting can belong to, each with the dotted paths (or
#: prefixes) it owns; a path owned by none is part of the shared market and product.
#: A department's cost per head goes with its staff, so that what a department
#: contributes to a difference is net of what it costs, and "headcount and cost"
#: is the salespeople's. Settings the schema ties together share a group, so that
#: any mix of groups is a valid scenario: who chases production with the
#: operations staff who do it, the channels with the budget they split.
GROUPS: dict[str, tuple[str, ...]] = {
    "headcount and cost": ("sales.staff", "sales.cost_per_head"),
    "marketing channels": (
        "marketing.staff",
        "marketing.cost_per_head",
        "marketing.budget_per_week",
        "marketing.capacity_per_head",
        "marketing.overflow_efficiency",
        "marketing.research_share",
        "marketing.channels",
    ),
    "service department": (
        "service.staff",
        "service.cost_per_head",
        "service.priority",
        "sales.handles_service",
    ),
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
    "expediting": (
        "production.chased_by",
        "production.chase_time",
        "operations.staff",
        "operations.cost_per_head",
    ),
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


def _is_named_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, Mapping) and "name" in item for item in value
    )


def _units(left: Any, right: Any, prefix: str, into: list[str]) -> None:
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        if "dist" in left or "dist" in right:
            if left != right:
                into.append(prefix)
            return
        for key in sorted(set(left) | set(right)):
            path = f"{prefix}.{key}" if prefix else str(key)
            if key in left and key in right:
                _units(left[key], right[key], path, into)
            elif path not in IGNORED:
                into.append(path)
        return
    if _is_named_list(left) and _is_named_list(right) and (left or right):
        names = [item["name"] for item in left]
        if names != [item["name"] for item in right]:
            into.append(prefix)  # items added, dropped or reordered: the list switches whole
            return
        for mine, theirs in zip(left, right, strict=True):
            _units(mine, theirs, f"{prefix}.{mine['name']}", into)
        return
    if left != right and prefix not in IGNORED:
        into.append(prefix)


def difference_units(a: Scenario, b: Scenario) -> list[str]:
    """The settings that can be switched from ``a`` to ``b`` one at a time.

    Each differing leaf of :func:`differences` (``sales.staff``,
    ``marketing.channels.search.cost_per_lead``), except that a list of named
    items whose names differ (the sales-only firm has no channels, the full
    system two) is one unit, switched whole: half a channel is no channel.
    Names and descriptions are left out.
    """
    units: list[str] = []
    _units(resolved_settings(a), resolved_settings(b), "", units)
    return units


def switched(a: Scenario, b: Scenario, units: Iterable[str], name: str | None = None) -> Scenario:
    """``a`` with the settings ``units`` (dotted paths of :func:`difference_units`)
    switched to ``b``'s values, validated.

    Raises
    ------
    sim.scenario.ScenarioError
        If the mix is not a valid scenario (the message names the field, e.g. a
        firm whose operations chase production without operations staff).
    """
    settings = resolved_settings(a)
    theirs = resolved_settings(b)
    for unit in units:
        set_path(settings, unit, copy.deepcopy(get_path(theirs, unit)))
    settings["name"] = name or a.name
    return scenario_from_dict(settings, source=f"{a.source} with {b.source}'s {', '.join(units)}")


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()

__all__ = [
    "GROUPS",
    "SHARED",
    "difference_units",
    "differences",
    "flatten",
    "group_of",
    "resolved_settings",
    "switched",
]
