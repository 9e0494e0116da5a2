"""Checks of the arguments of the Python API, with messages that name the argument.

The command line checks its own options; these guard ``sim.run``,
``sim.compare`` and their kin against calls such as ``replications=2.5`` or
``seed=None``, which would otherwise fail deep inside with a message that
names nothing, or (``seed=None``) run something that cannot be repeated.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Collection
from pathlib import Path

from sim.manifest import TABLES


def check_whole_number(name: str, value: object, minimum: int) -> int:
    """``value`` as an int if it is a whole number of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return int(value)


def check_share(name: str, value: object) -> float:
    """``value`` as a float if it lies strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}")
    share = float(value)
    if not (math.isfinite(share) and 0 < share < 1):
        raise ValueError(f"{name} must lie strictly between 0 and 1 (e.g. 0.05), got {value!r}")
    return share


def check_folder(name: str, value: object) -> Path:
    """``value`` as a Path if it names a folder: a non-empty str or path (``''`` is not ``.``)."""
    if isinstance(value, bool) or not isinstance(value, str | os.PathLike):
        raise ValueError(f"{name} must be a folder path (str or pathlib.Path), got {value!r}")
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{name} must name a folder, got {value!r}")
    return Path(text)


def check_keep(keep: object) -> tuple[str, ...]:
    """The tables to keep, as a tuple of known table names."""

    if isinstance(keep, str) or not isinstance(keep, Collection):
        raise ValueError(
            f"keep must be a collection of table names such as ('weekly',), got {keep!r}; "
            f"tables: {', '.join(TABLES)}"
        )
    unknown = sorted(str(name) for name in keep if name not in TABLES)
    if unknown:
        raise ValueError(f"keep: unknown tables {unknown}; allowed: {', '.join(TABLES)}")
    return tuple(str(name) for name in keep)


__all__ = ["check_folder", "check_keep", "check_share", "check_whole_number"]
