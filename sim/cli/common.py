"""What the commands share: exit codes, the usage error, scenario loading, option types."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input found by the command itself (not by the scenario validator)."""


# ---------------------------------------------------------------- helpers


def out_dir(requested: str | None, kind: str) -> Path:
    """A folder for files that are not results (warm-up plots), created now."""
    if requested is not None and not requested.strip():
        raise UsageError("--out '': an empty path names no folder; give a folder")
    if requested:
        path = Path(requested)
    else:
        path = Path("results") / f"{datetime.now():%Y%m%d-%H%M%S}-{kind}"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {path}: cannot create the folder ({exc.strerror})") from None
    return path


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def available_cores() -> int:
    """The CPUs this process may use (the default number of workers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


positive = whole_number(1)
seed_option = whole_number(0)


def precision_option(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 0.05, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (e.g. 0.05), got {value}")
    return value
