"""Dotted paths into scenario settings: ``sales.staff``, ``market.segments.0.size``,
``marketing.channels.search.cost_per_lead``.

A path walks the settings as read from TOML (tables and lists, units intact). A
list item is addressed by its index or, where the items are tables with a
``name``, by that name, so an override keeps meaning the same channel when the
file's channels are reordered. Overrides (``--set``, ``load_scenario(...,
overrides)``, ``Scenario.with_overrides``) and the sweeps' factors use these
functions; problems are raised as :class:`PathError`, which says where the path
went wrong and what was there, and the caller adds the file's name.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any


class PathError(ValueError):
    """A dotted path that does not lead anywhere usable.

    Attributes
    ----------
    path : str
        The leading part of the dotted path up to the step that failed.
    message : str
        What went wrong there and what is allowed.
    """

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


def _item_names(items: list[Any]) -> list[str]:
    return [str(item["name"]) for item in items if isinstance(item, Mapping) and "name" in item]


def list_index(items: list[Any], part: str, where: str) -> int:
    """The index of the list item ``part`` names: an index, or an item's ``name``."""
    if part.isdigit() and int(part) < len(items):
        return int(part)
    names = _item_names(items)
    if part in names:
        return names.index(part)
    hint = difflib.get_close_matches(part, names, n=1)
    did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
    allowed = f"names: {', '.join(names)}; " if names else ""
    indices = f"indices 0 to {len(items) - 1}" if items else "the list is empty"
    raise PathError(where, f"no list item {part!r}{did_you_mean}; {allowed}{indices}")


def get_path(raw: Mapping[str, Any], dotted: str) -> Any:
    """The value at ``dotted`` in a settings dict; :class:`PathError` if there is none."""
    parts = dotted.split(".")
    node: Any = raw
    for depth, part in enumerate(parts):
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            node = node[list_index(node, part, where)]
        elif isinstance(node, Mapping):
            if part not in node:
                allowed = sorted(str(key) for key in node)
                hint = difflib.get_close_matches(part, allowed, n=1)
                did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
                written = f"; written here: {', '.join(allowed)}" if allowed else ""
                raise PathError(where, f"not set in the scenario{did_you_mean}{written}")
            node = node[part]
        else:
            raise PathError(where, "cannot look inside a plain value")
    return node


def set_path(raw: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``dotted`` in a settings dict in place; missing tables are created.

    Only the settings as written are changed; whether the result is a valid
    scenario is for the schema to say.
    """
    parts = dotted.split(".")
    node: Any = raw
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            index = list_index(node, part, where)
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
        else:
            raise PathError(where, "cannot set a key inside a plain value")


__all__ = ["PathError", "get_path", "list_index", "set_path"]
