"""Scenario files: reading, ``extends``, dotted overrides, and errors people can act on.

A scenario is a TOML file checked once, at load, against the schema
(``sim.scenario.schema``). Unknown keys are errors with a "did you mean"; every
error names the file, the field path and what is allowed. A file may
``extends = "other.toml"`` and override parts of it (tables merge key by key,
lists and values replace). Overrides use dotted paths (``sales.staff=6``,
``market.segments.0.size=2000``), on a file (:func:`load_scenario`) or on a
scenario already loaded (:func:`with_overrides`).

Reading is bounded (``sim.limits``): only regular files, at most 1 MiB each, at
most 32 files in a chain of ``extends`` (followed in a loop, not by recursion),
and tables and lists nested at most 32 deep.
"""

from __future__ import annotations

import copy
import difflib
import os
import stat
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.limits import MAX_EXTENDS_DEPTH, MAX_FILE_BYTES, MAX_NESTING
from sim.scenario.fields import FieldProblem
from sim.scenario.paths import PathError
from sim.scenario.paths import set_path as set_dotted_path
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
    _check_nesting(raw, source)  # before anything walks it by recursion
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
    raw = _read_with_extends(path)
    if "extends" in (overrides or {}):
        raise ScenarioError(str(path), [("extends", "only a scenario file can extend another")])
    for key, value in (overrides or {}).items():
        set_path(raw, key, value, str(path))
    return scenario_from_dict(raw, source=str(path))


def with_overrides(scenario: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    """A new scenario with dotted-path overrides applied (``{"sales.staff": 6}``).

    The settings as written are overridden and validated again, so a duration
    written ``"1 d"`` keeps following ``clock.week_hours``; the original is left
    as it was. Errors name the scenario's source.
    """
    raw = scenario.raw
    if not raw:  # built by Scenario.model_validate: nothing as written to start from
        hint = "has no settings to override; build it with load_scenario or scenario_from_dict"
        raise ScenarioError(scenario.source, [("", hint)])
    for path, value in overrides.items():
        set_path(raw, path, value, scenario.source)
    return scenario_from_dict(raw, source=scenario.source)


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``key=value`` and read the value as TOML (a bare word is a string)."""
    if "=" not in text:
        raise ScenarioError("--set", [("", f"expected KEY=VALUE, got {text!r}")])
    key, value_text = text.split("=", 1)
    key = key.strip()
    if not key:
        raise ScenarioError("--set", [("", f"expected KEY=VALUE, got {text!r}")])
    if not value_text.strip():
        raise ScenarioError(
            "--set", [(key, f'no value in {text!r}; write one (for empty text: {key}="")')]
        )
    try:
        value = tomllib.loads(f"v = {value_text}")["v"]
    except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
        value = value_text.strip()
    return key, value


def _read_with_extends(path: Path) -> dict[str, Any]:
    """The settings of ``path`` merged over those of its parents, followed in a loop."""
    chain: list[dict[str, Any]] = []  # the file first, its farthest ancestor last
    seen: list[Path] = []
    current = path
    while True:
        resolved = current.resolve()
        if resolved in seen:
            trail = " -> ".join(str(p) for p in (*seen, resolved))
            raise ScenarioError(str(current), [("extends", f"circular extends: {trail}")])
        if len(seen) == MAX_EXTENDS_DEPTH:
            too_long = (
                f"more than {MAX_EXTENDS_DEPTH} files in the chain of extends (at most "
                f"{MAX_EXTENDS_DEPTH}; {seen[-1]} extends {current})"
            )
            raise ScenarioError(str(path), [("extends", too_long)])
        seen.append(resolved)
        data = _read_toml(current)
        parent = data.pop("extends", None)
        chain.append(data)
        if parent is None:
            break
        if not isinstance(parent, str):
            raise ScenarioError(str(current), [("extends", "must be a path to a scenario file")])
        parent_path = current.parent / parent
        if not parent_path.exists():
            raise ScenarioError(
                str(current),
                [("extends", f"file not found: {parent!r} (looked for {parent_path})")],
            )
        if not parent_path.is_file():
            raise ScenarioError(
                str(current), [("extends", f"not a regular file: {parent!r} ({parent_path})")]
            )
        current = parent_path
    merged = chain.pop()
    while chain:
        merged = _merge(merged, chain.pop())
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    source = str(path)
    text = _read_text(path)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ScenarioError(
            source, [("", f"not valid TOML: nested too deeply (at most {MAX_NESTING} levels)")]
        ) from None
    except ValueError as exc:  # TOMLDecodeError, or an integer of thousands of digits
        raise ScenarioError(source, [("", f"not valid TOML: {exc}")]) from None
    _check_nesting(data, source)
    return data


def _read_text(path: Path) -> str:
    """The text of a regular file of at most 1 MiB (a FIFO would block, a device never end)."""
    source = str(path)
    too_large = f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; a scenario is a page of TOML"
    not_regular = "not a regular file; a scenario is a TOML file"
    try:
        # stat first: opening a FIFO would wait for a writer, reading /dev/zero never end
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ScenarioError(source, [("", not_regular)])
        # non-blocking, in case the path became a FIFO since; fstat checks what was opened
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ScenarioError(source, [("", not_regular)])
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(source, [("", "file not found")]) from None
    except OSError as exc:
        raise ScenarioError(source, [("", f"cannot read: {exc.strerror}")]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(source, [("", too_large)])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            source, [("", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
        ) from None


def _check_nesting(data: Any, source: str) -> None:
    """Refuse tables and lists nested deeper than any scenario needs (walked without recursion)."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        node, depth, where = stack.pop()
        if isinstance(node, Mapping):
            children = [(str(key), value) for key, value in node.items()]
        elif isinstance(node, list | tuple):
            children = [(str(index), value) for index, value in enumerate(node)]
        else:
            continue
        if depth > MAX_NESTING:
            raise ScenarioError(
                source,
                [(where, f"nested too deeply (at most {MAX_NESTING} levels of tables and lists)")],
            )
        for key, value in children:
            stack.append((value, depth + 1, f"{where}.{key}" if where else key))


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
    if not all(part.strip() for part in dotted.split(".")):
        raise ScenarioError(
            source, [(dotted, "a dotted path needs a key between dots, e.g. sales.staff")]
        )
    try:
        set_dotted_path(raw, dotted, value)
    except PathError as exc:
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
        problem = error.get("ctx", {}).get("error")
        if isinstance(problem, FieldProblem):  # a model's check that names one of its fields
            path = ".".join([*(str(part) for part in loc), problem.path])
            message = str(problem)
        else:
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
