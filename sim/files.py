"""Reading small TOML files into frozen pydantic models, with errors that name the field.

Sweep files, the group files of ``flocksim explain --groups`` and the
assumptions register are checked as scenario files are: unknown keys are
errors with a "did you mean", and every error names the file, the field path
and what is allowed. (Scenario files have their own reader, ``sim.scenario.io``,
for ``extends`` and ``--set``.)
"""

from __future__ import annotations

import difflib
import tomllib
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError


class FileProblem(ValueError):
    """A file that cannot be used: names the file, the field path and what is allowed."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        text = "; ".join(f"{path}: {msg}" if path else msg for path, msg in problems)
        super().__init__(f"{source}: {text}")


class Spec(BaseModel):
    """A table of such a file: frozen, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


M = TypeVar("M", bound=BaseModel)


def read_text(path: str | Path, error: type[FileProblem] = FileProblem) -> str:
    """A file's UTF-8 text; a missing or unreadable file is an ``error``."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(str(path), [("", "file not found")]) from None
    except IsADirectoryError:
        raise error(str(path), [("", "is a folder, not a file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(str(path), [("", f"cannot read as UTF-8 text: {exc}")]) from None


def parse_model(
    text: str, source: str, model: type[M], error: type[FileProblem] = FileProblem
) -> M:
    """Validate TOML text into ``model``; problems are raised as ``error``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(source, [("", f"not valid TOML: {exc}")]) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(source, describe(exc, model)) from None


def read_model(path: str | Path, model: type[M], error: type[FileProblem] = FileProblem) -> M:
    """Read and validate a TOML file into ``model``."""
    return parse_model(read_text(path, error), str(path), model, error)


def describe(exc: ValidationError, root: type[BaseModel]) -> list[tuple[str, str]]:
    """Each validation error as (dotted field path, message), unknown keys with a hint."""
    problems: list[tuple[str, str]] = []
    errors = exc.errors()
    locs = [_clean_loc(tuple(error["loc"]), root) for error in errors]
    for error, loc in zip(errors, locs, strict=True):
        if error["type"] == "too_short" and any(
            other[: len(loc)] == loc and len(other) > len(loc) for other in locs
        ):
            continue  # a list emptied by an invalid item: the item's own error says it
        path = ".".join(str(part) for part in loc)
        if error["type"] == "extra_forbidden":
            allowed = _allowed(loc[:-1], root)
            hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
            message = f"unknown key{did_you_mean}; allowed: {', '.join(allowed)}"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] not in ("missing", "value_error") and "input" in error:
                message += f" (got {error['input']!r})"
        for index, (seen, earlier) in enumerate(problems):
            if seen == path:  # a union reports each branch: one problem, both ways
                problems[index] = (path, f"{earlier}; or {message}")
                break
        else:
            problems.append((path, message))
    return problems


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _clean_loc(loc: tuple[Any, ...], root: type[BaseModel]) -> tuple[Any, ...]:
    """The location without pydantic's union-branch tags."""
    model: Any = root
    kept: list[Any] = []
    for part in loc:
        if isinstance(part, int):
            kept.append(part)
        elif model is None:
            continue  # inside a plain field: a union's branch tag such as "float"
        elif part in model.model_fields:
            kept.append(part)
            model = _model_of(model.model_fields[part].annotation)
        else:
            kept.append(part)  # an unknown key, kept so the error can name it
    return tuple(kept)


def _allowed(loc: tuple[Any, ...], root: type[BaseModel]) -> list[str]:
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if model is not None else None
        model = _model_of(field.annotation) if field is not None else None
        if model is None:
            return []
    return list(model.model_fields)


__all__ = ["FileProblem", "Spec", "describe", "parse_model", "read_model", "read_text"]
