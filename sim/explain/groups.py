"""Groups of differing settings: found from the two scenarios, or given in a file.

``explain`` switches *groups* of settings from scenario A to scenario B. A
group owns dotted paths (or prefixes) and switches every difference between
the scenarios under them (:func:`sim.scenario.settings.difference_units`).
``auto`` takes the mechanisms of MODEL.md (``sim.scenario.settings.GROUPS``:
headcount and cost, marketing channels, service department, ...; anything else
is "market and product"); a group file names its own::

    description = "what the grouping is for"

    [[group]]
    name = "service"
    paths = ["service", "sales.handles_service"]

    [[group]]
    name = "marketing"
    paths = ["marketing"]

Every difference must fall in exactly one group (the longest matching path
wins, as in ``group_of``), a path must reach a setting of A or B, and every
mix of groups must be a valid scenario: settings the schema ties together
(operations staff and ``production.chased_by = "operations"``) belong in one
group. Groups without differences are left out.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from sim.files import FileProblem, Spec, read_model
from sim.scenario import Scenario
from sim.scenario.settings import GROUPS, SHARED, flatten, group_of, resolved_settings


class ExplainError(ValueError):
    """An explanation that cannot be made as asked; the message says what and why."""


class GroupFileError(FileProblem, ExplainError):
    """A group file that cannot be used: names the file, the field and what is allowed."""


@dataclass(frozen=True)
class Group:
    """A named set of differences switched together from A to B.

    Attributes
    ----------
    name : str
        How tables and charts name it.
    units : tuple of str
        The difference units it switches (``difference_units``).
    """

    name: str
    units: tuple[str, ...]


class _GroupSpec(Spec):
    name: str = Field(min_length=1, description="Name of the group in tables and charts.")
    paths: tuple[str, ...] = Field(
        min_length=1, description="Dotted paths or prefixes of the settings it switches."
    )

    @field_validator("paths")
    @classmethod
    def _paths_are_paths(cls, paths: tuple[str, ...]) -> tuple[str, ...]:
        for path in paths:
            if not path or path.startswith(".") or path.endswith(".") or ".." in path:
                raise ValueError(f"{path!r} is not a dotted path such as 'service.staff'")
        return paths


class GroupFile(Spec):
    """A grouping of settings for ``flocksim explain --groups FILE``."""

    description: str = Field("", description="What the grouping is for.")
    group: tuple[_GroupSpec, ...] = Field(min_length=1, description="The groups, in order.")

    @field_validator("group")
    @classmethod
    def _unique(cls, groups: tuple[_GroupSpec, ...]) -> tuple[_GroupSpec, ...]:
        names = [group.name for group in groups]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"group names must differ; repeated: {', '.join(repeated)}")
        paths = [path for group in groups for path in group.paths]
        twice = sorted({path for path in paths if paths.count(path) > 1})
        if twice:
            raise ValueError(f"a path belongs to one group only; in two: {', '.join(twice)}")
        return groups


def _owner(unit: str, owned: Mapping[str, str]) -> str | None:
    """The group owning ``unit``: the longest of its paths that is the unit or above it."""
    best, length = None, -1
    for path, group in owned.items():
        if (unit == path or unit.startswith(f"{path}.")) and len(path) > length:
            best, length = group, len(path)
    return best


def auto_groups(units: Sequence[str]) -> list[Group]:
    """The mechanisms of MODEL.md that hold differences, in ``GROUPS`` order."""
    by_group: dict[str, list[str]] = {}
    for unit in units:
        by_group.setdefault(group_of(unit), []).append(unit)
    order = [*GROUPS, SHARED]
    return [Group(name, tuple(by_group[name])) for name in order if name in by_group]


def given_groups(
    groups: Mapping[str, Sequence[str]],
    units: Sequence[str],
    a: Scenario,
    b: Scenario,
    source: str = "groups",
) -> list[Group]:
    """Groups given as ``{name: [paths]}``, checked against the differences of A and B."""
    owned: dict[str, str] = {}
    for name, paths in groups.items():
        if isinstance(paths, str):
            raise ExplainError(f"{source}: group {name!r}: paths must be a list of dotted paths")
        for path in paths:
            if path in owned:
                raise ExplainError(
                    f"{source}: {path!r} is in groups {owned[path]!r} and {name!r}; "
                    "a path belongs to one group only"
                )
            owned[path] = name
    known = set(flatten(resolved_settings(a))) | set(flatten(resolved_settings(b)))
    for path, name in owned.items():
        if not any(setting == path or setting.startswith(f"{path}.") for setting in known):
            near = {setting.rsplit(".", 1)[0] for setting in known} | known
            hint = difflib.get_close_matches(path, sorted(near), n=1)
            did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ExplainError(
                f"{source}: group {name!r}: {path!r} reaches no setting of either "
                f"scenario{did_you_mean}"
            )
    by_group: dict[str, list[str]] = {name: [] for name in groups}
    loose: list[str] = []
    for unit in units:
        owner = _owner(unit, owned)
        if owner is None:
            loose.append(unit)
        else:
            by_group[owner].append(unit)
    if loose:
        split = [unit for unit in loose if any(path.startswith(f"{unit}.") for path in owned)]
        advice = (
            f" ({split[0]} differs in its items, so it switches whole: name "
            f"{split[0]!r} itself in a group)"
            if split
            else ""
        )
        raise ExplainError(
            f"{source}: settings that differ are in no group: {', '.join(loose)}{advice}; "
            "add them to a group"
        )
    return [Group(name, tuple(found)) for name, found in by_group.items() if found]


def read_groups(path: str | Path) -> GroupFile:
    """A group file, validated (:class:`GroupFileError` naming the field)."""
    return read_model(path, GroupFile, GroupFileError)


def resolve_groups(
    groups: str | Path | Mapping[str, Sequence[str]],
    units: Sequence[str],
    a: Scenario,
    b: Scenario,
) -> list[Group]:
    """``"auto"``, a group file, or ``{name: [paths]}``, as groups of the differences."""
    if isinstance(groups, str) and groups == "auto":
        return auto_groups(units)
    if isinstance(groups, str | Path):
        spec = read_groups(groups)
        mapping: dict[str, Any] = {item.name: item.paths for item in spec.group}
        return given_groups(mapping, units, a, b, source=str(groups))
    if isinstance(groups, Mapping):
        return given_groups(groups, units, a, b)
    raise ExplainError(
        f"groups must be 'auto', a group file or a mapping of names to paths, got {groups!r}"
    )


__all__ = [
    "ExplainError",
    "Group",
    "GroupFile",
    "GroupFileError",
    "auto_groups",
    "given_groups",
    "read_groups",
    "resolve_groups",
]
