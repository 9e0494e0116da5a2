"""The assumptions register: every setting of the headline pair that differs or has no source.

``scenarios/assumptions.toml`` lists, for each setting of the scenarios it
names that differs between them, is written in their files, or is a default
their mechanisms rely on: its dotted path, the value shipped (``value``, or
``values`` per scenario where they differ), a plausible ``low`` and ``high``,
the ``source`` (a citation from MODEL.md's reference figures, or
"judgement"), and which firm it ``favours``::

    scenarios = ["sales_only.toml", "full_system.toml"]

    [[assumption]]
    path = "service.complaint_satisfaction"
    values = { sales-only = 0.85, full-system = 0.85 }
    low = 0.5
    high = 0.95
    source = "judgement"
    favours = "full-system"
    note = "what share of complaints service leaves satisfied"

A ``role = "design"`` entry is the organisation under test (headcounts, who
chases production), not an assumption: it needs no range. A path may reach a
distribution's parameter (``service.complaint.mean``). The file is checked
like a scenario file (unknown keys with a "did you mean", errors naming the
file and the field); :func:`check_register` then checks it against its
scenarios: every shipped value must be the scenario's, every range must give
a valid scenario, and every required setting (:func:`required_paths`) must be
listed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from sim.files import FileProblem, Spec, read_model
from sim.scenario import Scenario, ScenarioError, load_scenario, with_overrides
from sim.scenario.paths import PathError, get_path
from sim.scenario.settings import IGNORED, differences, flatten, resolved_settings

#: Settings that name or label things, not assumptions about the world.
CONVENTIONS: tuple[str, ...] = (
    *IGNORED,
    "money.currency",
    "clock.week_hours",
    "clock.warmup",
)

#: Defaults the full system's mechanisms rely on that its files do not write: each
#: shapes the result as much as a written setting (MODEL.md gives none a source).
RELIED_ON: tuple[str, ...] = (
    "marketing.overflow_efficiency",
    "marketing.insight.initial",
    "marketing.channels.*.half_saturation",
    "marketing.channels.*.carryover",
    "marketing.channels.*.segments",
    "service.priority",
    "retention.silent",
    "retention.unsatisfied",
    "retention.satisfied",
    "retention.unresolved_after",
)

FAVOURS_NEITHER = "neither"


class RegisterError(FileProblem):
    """A register that cannot be used: names the file, the field and what is allowed."""


class Assumption(Spec):
    """One setting of the register."""

    path: str = Field(min_length=1, description="Dotted path of the setting.")
    value: Any = Field(None, description="Value shipped, the same in every scenario.")
    values: dict[str, Any] | None = Field(
        None, description="Value shipped per scenario name, where they differ."
    )
    low: Any = Field(None, description="Plausible low end.")
    high: Any = Field(None, description="Plausible high end.")
    scale: Literal["linear", "log"] = Field("linear", description="Spacing over the range.")
    integer: bool = Field(False, description="Whole numbers only (headcounts).")
    applies_to: tuple[str, ...] = Field(
        (), description="Scenarios the range varies (default: every one that has the setting)."
    )
    source: str = Field(min_length=1, description="A citation, or 'judgement'.")
    favours: str = Field(min_length=1, description="The scenario it favours, or 'neither'.")
    role: Literal["assumption", "design"] = Field(
        "assumption", description="'design': the organisation under test (no range needed)."
    )
    note: str = Field("", description="What it means, and why this value.")

    @model_validator(mode="after")
    def _shipped_and_range(self) -> Assumption:
        if (self.value is None) == (self.values is None):
            raise ValueError("give the value shipped as `value` or, per scenario, as `values`")
        if self.role == "assumption" and (self.low is None or self.high is None):
            raise ValueError("an assumption needs a plausible `low` and `high`")
        if (self.low is None) != (self.high is None):
            raise ValueError("give both `low` and `high`, or neither")
        low, high = number(self.low), number(self.high)
        if low is not None and high is not None and unit_of(self.low) != unit_of(self.high):
            raise ValueError(
                f"low ({self.low!r}) and high ({self.high!r}) must carry the same unit"
            )
        if low is not None and high is not None:
            if not low < high:
                raise ValueError(f"low ({self.low!r}) must be below high ({self.high!r})")
            if self.scale == "log" and low <= 0:
                raise ValueError("a log scale needs low > 0")
        return self

    @property
    def judgement(self) -> bool:
        """Whether no measured source backs it."""
        return self.source.strip().lower() == "judgement"

    def shipped(self, scenario: str) -> Any:
        """The value shipped in ``scenario`` (None where it has no such setting)."""
        if self.values is not None:
            return self.values.get(scenario)
        return self.value


class Register(Spec):
    """The assumptions register of a pair of scenarios."""

    description: str = Field("", description="What the register is for.")
    scenarios: tuple[str, ...] = Field(
        min_length=2, description="Scenario files, relative to the register; the first is A."
    )
    assumption: tuple[Assumption, ...] = Field(min_length=1, description="The settings.")

    @model_validator(mode="after")
    def _unique_paths(self) -> Register:
        paths = [entry.path for entry in self.assumption]
        twice = sorted({path for path in paths if paths.count(path) > 1})
        if twice:
            raise ValueError(f"each path is listed once; twice: {', '.join(twice)}")
        return self


def number(value: Any) -> float | None:
    """The number in a value (``3``, ``"2 h"``, ``"0.3 / y"``), or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        head = value.strip().split(" ", 1)[0]
        try:
            parsed = float(head)
        except ValueError:
            return None
        return parsed if math.isfinite(parsed) else None
    return None


def unit_of(value: Any) -> str | None:
    """The unit written after a number (``"2 h"`` -> ``"h"``), or None for a bare number."""
    if isinstance(value, str) and number(value) is not None and " " in value.strip():
        return value.strip().split(" ", 1)[1]
    return None


@dataclass(frozen=True)
class LoadedRegister:
    """A register with its scenarios read (paths resolved against the register's folder)."""

    spec: Register
    source: str
    scenarios: tuple[Scenario, ...]

    @property
    def names(self) -> list[str]:
        """The scenarios' names, in the register's order."""
        return [scenario.name for scenario in self.scenarios]


def load_register(path: str | Path) -> LoadedRegister:
    """Read and validate a register and its scenarios (not yet checked against them)."""
    path = Path(path)
    spec = read_model(path, Register, RegisterError)
    scenarios = []
    for index, name in enumerate(spec.scenarios):
        try:
            scenarios.append(load_scenario(path.parent / name))
        except ScenarioError as exc:
            raise RegisterError(str(path), [(f"scenarios.{index}", str(exc))]) from None
    names = [scenario.name for scenario in scenarios]
    for index, entry in enumerate(spec.assumption):
        for field, named in (
            ("values", list(entry.values or {})),
            ("applies_to", entry.applies_to),
        ):
            for name in named:
                if name not in names:
                    raise RegisterError(
                        str(path),
                        [
                            (
                                f"assumption.{index}.{field}",
                                f"{name!r} is not a scenario of the register; "
                                f"scenarios: {', '.join(names)}",
                            )
                        ],
                    )
        if entry.favours not in (*names, FAVOURS_NEITHER):
            raise RegisterError(
                str(path),
                [
                    (
                        f"assumption.{index}.favours",
                        f"must be one of {', '.join(names)} or {FAVOURS_NEITHER!r}, "
                        f"got {entry.favours!r}",
                    )
                ],
            )
    return LoadedRegister(spec, str(path), tuple(scenarios))


def _matches(path: str, pattern: str) -> bool:
    parts, wanted = path.split("."), pattern.split(".")
    return len(parts) == len(wanted) and all(
        w in ("*", p) for p, w in zip(parts, wanted, strict=True)
    )


def required_paths(scenarios: Sequence[Scenario]) -> list[str]:
    """Every setting a register of ``scenarios`` must list.

    The settings that differ between any two of them, those written in their
    files (``extends`` followed), and the defaults their mechanisms rely on
    (:data:`RELIED_ON`), less names and conventions (:data:`CONVENTIONS`).
    """
    wanted: set[str] = set()
    for i, first in enumerate(scenarios):
        wanted |= set(flatten(first.raw))
        resolved = flatten(resolved_settings(first))
        wanted |= {path for path in resolved if any(_matches(path, p) for p in RELIED_ON)}
        for second in scenarios[i + 1 :]:
            wanted |= set(differences(first, second))
    return sorted(path for path in wanted if path not in CONVENTIONS and not path.endswith(".name"))


def _covers(entry: str, path: str) -> bool:
    """An entry covers a setting it names, one inside it, or a whole list it reaches into."""
    return entry == path or entry.startswith(f"{path}.") or path.startswith(f"{entry}.")


def _resolved_at(scenario: Scenario, path: str) -> Any:
    return get_path(resolved_settings(scenario), path)


def _as_setting(value: Any) -> Any:
    return None if value == "none" else value


def check_register(register: LoadedRegister) -> list[tuple[str, str]]:
    """What is wrong with a register against its scenarios, as (field, problem); empty if
    nothing is."""
    problems: list[tuple[str, str]] = []
    paths = [entry.path for entry in register.spec.assumption]
    for path in required_paths(register.scenarios):
        if not any(_covers(entry, path) for entry in paths):
            problems.append(
                ("assumption", f"{path} is not listed (it differs, is written or relied on)")
            )
    for index, entry in enumerate(register.spec.assumption):
        where = f"assumption.{index} ({entry.path})"
        for scenario in register.scenarios:
            shipped = entry.shipped(scenario.name)
            try:
                actual = _resolved_at(scenario, entry.path)
            except PathError:
                if shipped is not None:
                    problems.append((where, f"{scenario.name} has no such setting"))
                continue
            if shipped is None:
                problems.append((where, f"no value given for {scenario.name} ({actual!r} there)"))
                continue
            try:
                written = _resolved_at(
                    with_overrides(scenario, {entry.path: _as_setting(shipped)}), entry.path
                )
            except (ScenarioError, PathError) as exc:
                problems.append((where, f"value {shipped!r} is not a valid setting ({exc})"))
                continue
            if written != actual:
                problems.append(
                    (where, f"value {shipped!r} is not what {scenario.name} ships ({actual!r})")
                )
        for end in ("low", "high"):
            bound = getattr(entry, end)
            if bound is None:
                continue
            for scenario in varied(register, entry):
                try:
                    with_overrides(scenario, {entry.path: _as_setting(bound)})
                except (ScenarioError, PathError) as exc:
                    problems.append(
                        (where, f"{end} {bound!r} is not valid in {scenario.name}: {exc}")
                    )
    return problems


def varied(register: LoadedRegister, entry: Assumption) -> list[Scenario]:
    """The scenarios whose setting the entry's range varies."""
    if entry.applies_to:
        return [s for s in register.scenarios if s.name in entry.applies_to]
    found = []
    for scenario in register.scenarios:
        try:
            _resolved_at(scenario, entry.path)
        except PathError:
            continue
        found.append(scenario)
    return found


__all__ = [
    "CONVENTIONS",
    "FAVOURS_NEITHER",
    "RELIED_ON",
    "Assumption",
    "LoadedRegister",
    "Register",
    "RegisterError",
    "check_register",
    "load_register",
    "number",
    "required_paths",
    "unit_of",
    "varied",
]
