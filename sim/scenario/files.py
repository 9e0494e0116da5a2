"""Scenario files: reading, ``extends``, dotted overrides, and errors people can act on.

A scenario is a TOML file checked once, at load, against the schema
(``sim.scenario.schema``). Unknown keys are errors with a "did you mean"; every
error names the file, the field path and what is allowed. A file may
``extends = "other.toml"`` and override parts of it (tables merge key by key,
lists and values replace). Overrides use dotted paths (``sales.staff=6``,
``market.segments.0.size=2000``).
"""

from __future__ import annotations

import copy
import difflib
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario import paths
from sim.scenario.schema import Scenario
from sim.units import DEFAULT_WEEK_HOURS


class ScenarioError(ValueError):
    """A scenario that cannot be used: names the file, the field path and what is allowed."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        text = "; ".join(f"{path}: {msg}" if path else msg for path, msg in problems)
        super().__init__(f"{source}: {text}")


def scenario_from_dict(raw: Mapping[str, Any], source: str = "<memory>") -> Scenario:
    """Validate a settings dict (as read from TOML) into a :class:`Scenario`."""
    data = copy.deepcopy(dict(raw))
    week_hours = _peek_week_hours(data)
    try:
        scenario = Scenario.model_validate(data, context={"week_hours": week_hours})
    except ValidationError as exc:
        raise ScenarioError(source, _describe(exc)) from None
    scenario._raw = data
    scenario._source = source
    return scenario


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Read, merge (``extends``), override and validate one scenario file."""
    path = Path(path)
    raw = _read_with_extends(path, seen=())
    raw.pop("extends", None)
    if "extends" in (overrides or {}):
        raise ScenarioError(str(path), [("extends", "only a scenario file can extend another")])
    for key, value in (overrides or {}).items():
        set_path(raw, key, value, str(path))
    return scenario_from_dict(raw, source=str(path))


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``key=value`` and read the value as TOML (a bare word is a string)."""
    if "=" not in text:
        raise ScenarioError("--set", [("", f"expected KEY=VALUE, got {text!r}")])
    key, value_text = text.split("=", 1)
    key = key.strip()
    if not key:
        raise ScenarioError("--set", [("", f"expected KEY=VALUE, got {text!r}")])
    try:
        value = tomllib.loads(f"v = {value_text}")["v"]
    except tomllib.TOMLDecodeError:
        value = value_text.strip()
    return key, value


def _read_with_extends(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(str(p) for p in (*seen, resolved))
        raise ScenarioError(str(path), [("extends", f"circular extends: {chain}")])
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), [("", "file not found")]) from None
    except OSError as exc:
        raise ScenarioError(str(path), [("", f"cannot read: {exc.strerror}")]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            str(path), [("", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), [("", f"not valid TOML: {exc}")]) from None
    parent = data.get("extends")
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ScenarioError(str(path), [("extends", "must be a path to a scenario file")])
    parent_path = path.parent / parent
    if not parent_path.is_file():
        raise ScenarioError(
            str(path), [("extends", f"file not found: {parent!r} (looked for {parent_path})")]
        )
    base = _read_with_extends(parent_path, (*seen, resolved))
    base.pop("extends", None)
    child = {key: value for key, value in data.items() if key != "extends"}
    return _merge(base, child)


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def set_path(raw: dict[str, Any], dotted: str, value: Any, source: str) -> None:
    """Set ``dotted`` (``a.b.0.c``, list items by index or name) in a settings dict,
    naming ``source`` in errors."""
    try:
        paths.set_path(raw, dotted, value)
    except paths.PathError as exc:
        raise ScenarioError(source, [(exc.path, exc.message)]) from None


def _peek_week_hours(data: Mapping[str, Any]) -> float:
    clock = data.get("clock")
    if isinstance(clock, Mapping):
        value = clock.get("week_hours", DEFAULT_WEEK_HOURS)
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and 0 < value < float("inf")
        ):
            return float(value)
    return DEFAULT_WEEK_HOURS


def _describe(exc: ValidationError) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    errors = exc.errors()
    locs = [_field_loc(tuple(error["loc"])) for error in errors]
    for error, loc in zip(errors, locs, strict=True):
        if error["type"] == "too_short" and any(
            other[: len(loc)] == loc and len(other) > len(loc) for other in locs
        ):
            continue  # a list emptied by an invalid item: the item's own error says it
        path = ".".join(str(part) for part in loc)
        message = _message(error, loc)
        for index, (seen, earlier) in enumerate(problems):
            if seen == path:  # a union reports each of its branches: one problem, both ways
                problems[index] = (path, f"{earlier}; or {message}")
                break
        else:
            problems.append((path, message))
    return problems


def _message(error: Any, loc: tuple[Any, ...]) -> str:
    if error["type"] == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
        return f"unknown key{did_you_mean}; allowed: {', '.join(allowed)}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] not in ("missing", "value_error") and "input" in error:
        message += f" (got {error['input']!r})"
    return message


def _field_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The location without pydantic's union-branch tags (``size.int`` -> ``size``)."""
    model: Any = Scenario
    kept: list[Any] = []
    for part in loc:
        if isinstance(part, int):
            kept.append(part)
            continue
        fields = model.model_fields if _is_model(model) else {}
        if part not in fields:
            if _is_model(model):
                kept.append(part)  # an unknown key: keep it so the error can name it
            continue
        kept.append(part)
        model = _model_in(fields[part].annotation)
    return tuple(kept)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if _is_model(model) else None
        if field is None:
            return []
        model = _model_in(field.annotation)
        if model is None:
            return []
    return list(model.model_fields) if _is_model(model) else []


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if _is_model(annotation):
        return typing.cast(type[BaseModel], annotation)
    for arg in typing.get_args(annotation):
        if arg is types.NoneType:
            continue
        found = _model_in(arg)
        if found is not None:
            return found
    return None
