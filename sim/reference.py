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

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim.distributions import Dist
from sim.scenario import Scenario

START, END = "<!-- reference:start -->", "<!-- reference:end -->"


def _kind(field: Any) -> str:
    text = f"{field.annotation!r} {field.metadata!r}"
    if "dist_duration" in text:
        return "distribution of a duration"
    if "dist_money" in text:
        return "distribution of money"
    if "_duration" in text:
        return "duration" if "tuple" not in text else "list of [duration, share]"
    if "_rate" in text:
        return "rate (bare number: per week)"
    if "Literal" in text and "bool" in text:
        return "true, false or " + ", ".join(f"'{o}'" for o in _literals(field.annotation))
    if "Literal" in text:
        options = [str(arg) for arg in _literals(field.annotation)]
        extra = " or a whole number" if "int" in text.split("Literal")[0] else ""
        return "one of " + ", ".join(f"'{o}'" for o in options) + extra
    bounds = {type(item).__name__: item for item in field.metadata}
    if field.annotation is float and "Le" in bounds and "Ge" in bounds:
        return "share, 0 to 1"
    if field.annotation is float and "Ge" in bounds:
        return "money" if "cost" in text or "budget" in text else "number >= 0"
    if field.annotation is int:
        return "whole number"
    if field.annotation is bool:
        return "true or false"
    if field.annotation is str or "str" in text:
        return "list of text" if "tuple" in text else "text"
    return "number"


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
        return _hours(value) if kind == "duration" else f"{value:g}"
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
        kind = _kind(field)
        description = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{path}` | {kind} | {_default(field, kind)} | {description} |")
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
