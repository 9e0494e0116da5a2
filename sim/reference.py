"""The scenario file reference, generated from the schema so it cannot drift.

``flocksim reference`` prints the Markdown tables the README carries between its
``<!-- reference:start -->`` and ``<!-- reference:end -->`` markers;
``flocksim reference --write README.md`` refreshes them, and a test checks they
agree.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from sim.distributions import Dist
from sim.scenario import Scenario
from sim.scenario.fields import CHOICE, DURATION, RATE, kind_of

START, END = "<!-- reference:start -->", "<!-- reference:end -->"


def _kind(field: FieldInfo, path: str) -> str:
    """The kind declared on the schema, with the bounds the field states."""
    declared = kind_of(field)
    if declared is None:
        raise TypeError(f"{path}: no kind declared (json_schema_extra={{'kind': ...}})")
    if declared == CHOICE:
        return "one of " + ", ".join(f"'{option}'" for option in _literals(field.annotation))
    bounds = _bounds(field)
    if declared in (DURATION, RATE) and bounds == "at least 0":
        bounds = ""  # a duration or a rate is never negative: nothing to say
    return f"{declared}, {bounds}" if bounds else declared


def _bounds(field: FieldInfo) -> str:
    low = high = ""
    for item in field.metadata:
        if isinstance(item, annotated_types.Ge):
            low = _number(item.ge)
        elif isinstance(item, annotated_types.Gt):
            low = f"above {_number(item.gt)}"
        elif isinstance(item, annotated_types.Le):
            high = _number(item.le)
    if low and high:
        return f"{low} to {high}" if not low.startswith("above") else f"{low}, at most {high}"
    if high:
        return f"at most {high}"
    return f"at least {low}" if low and not low.startswith("above") else low


def _number(value: Any) -> str:
    """1,000,000 rather than 1e+06; 0.01 as it is."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _literals(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    found = []
    for arg in typing.get_args(annotation):
        found.extend(_literals(arg))
    return found


def _hours(value: float | str) -> str:
    if isinstance(value, str):
        return value  # a default written with its unit, e.g. "1 w"
    if value and value % 40 == 0:
        return f"{value / 40:g} w"
    if value and value < 1:
        return f"{value * 60:g} min"
    return f"{value:g} h" if value else "0"


def _default(field: Any, kind: str) -> str:
    if field.default is PydanticUndefined and field.default_factory is None:
        return "required"
    value = field.default if field.default_factory is None else field.default_factory()
    if isinstance(value, Dist):
        if value.is_zero:
            return "0"
        return _hours(value.mean) if "duration" in kind else f"{value.mean:g}"
    if value is None:
        return "none"
    if isinstance(value, tuple):
        if not value:
            return "[]"
        if "duration" in kind:
            return "[" + ", ".join(f"[{_hours(a)}, {b:g}]" for a, b in value) + "]"
        return "[" + ", ".join(repr(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return _hours(value) if kind == DURATION else f"{value:g}"
    return f"{value!r}".replace("|", "\\|")


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


def _tables(model: type[BaseModel], prefix: str) -> list[tuple[str, list[str]]]:
    rows, nested = [], []
    for name, field in model.model_fields.items():
        sub = _submodel(field.annotation)
        path = f"{prefix}{name}"
        if sub is not None and sub is not Dist:
            is_list = typing.get_origin(field.annotation) is tuple
            nested.extend(_tables(sub, f"{path}.N." if is_list else f"{path}."))
            continue
        description = (field.description or "").replace("|", "\\|")
        default = _default(field, kind_of(field) or "")
        rows.append(f"| `{path}` | {_kind(field, path)} | {default} | {description} |")
    return [(prefix.rstrip(".") or "(top level)", rows), *nested]


def reference() -> str:
    """Markdown: one table per section of a scenario file."""
    parts = []
    for section, rows in _tables(Scenario, ""):
        if not rows:
            continue
        parts.append(f"#### `{section}`\n")
        parts.append("| key | kind | default | meaning |")
        parts.append("|---|---|---|---|")
        parts.extend(rows)
        parts.append("")
    return "\n".join(parts)


def refresh(readme: Path) -> bool:
    """Rewrite the reference block of ``readme``; return whether it changed."""
    text = readme.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    updated = f"{head}{START}\n{reference()}\n{END}{tail}"
    readme.write_text(updated)
    return updated != text
