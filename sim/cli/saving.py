"""Where ``run`` and ``compare`` keep their results, and how nothing is lost on the way.

Before simulating, ``--out`` is checked and reserved (:func:`results_folder`,
:func:`reserve`): a folder that holds results is refused without ``--force``,
one that cannot be written is refused at once rather than after the run, and
the writer's lock is held for the whole command, so a second command into the
same folder is refused before it simulates. After the run, a save that fails
says where the results could not be written and exits non-zero
(:func:`save_results`). An interrupt keeps the finished replications, marked
partial (:func:`keep_partial`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

from sim.cli.common import EXIT_FAILED, UsageError
from sim.interrupts import RunInterrupted, SignalGuard
from sim.results import Results, ResultsError, prepare_destination
from sim.storage import FolderLocked, exclusive_lock


def say(message: str) -> None:
    """One line on stderr, from the command."""
    print(f"flocksim: {message}", file=sys.stderr)


def results_folder(requested: str | None, kind: str, force: bool) -> Path:
    """The ``--out`` folder, checked to take the results before anything is simulated.

    Without ``--out``: ``results/<date-time>-<kind>/`` (with ``-2``, ``-3``, ... if
    two commands start in the same second).
    """
    if requested is None:
        base = Path("results") / f"{datetime.now():%Y%m%d-%H%M%S}-{kind}"
        path, number = base, 2
        while path.exists():
            path, number = base.with_name(f"{base.name}-{number}"), number + 1
    elif not requested.strip():
        raise UsageError(
            "--out '': an empty path names no folder; give a folder, or leave out --out "
            "for results/<date-time>-<command>/"
        )
    else:
        path = Path(requested)
    try:
        prepare_destination(path, force=force)
    except ResultsError as exc:
        raise UsageError(f"--out {exc}") from None
    return path


def reserve(stack: ExitStack, path: Path) -> None:
    """Hold the writer's lock of ``path`` until ``stack`` closes."""
    try:
        stack.enter_context(exclusive_lock(path))
    except FolderLocked as exc:
        raise UsageError(f"--out {exc}") from None
    except OSError as exc:
        raise UsageError(f"--out {path}: cannot write there ({exc.strerror or exc})") from None


def save_results(results: Results, out: Path, force: bool, guard: SignalGuard) -> int | None:
    """Save; None when saved, else the exit code, after saying what happened on stderr.

    A first signal during the save waits for it to finish (``guard.received``
    says so); a second abandons it, leaving the folder as it was.
    """
    try:
        with guard.hold():
            results.save(out, force=force)
    except RunInterrupted as exc:
        say(f"interrupted by {exc.signal_name} while saving; nothing was written to {out}/")
        return exc.exit_code
    except ResultsError as exc:
        say(f"error: results not saved: {exc}")
        return EXIT_FAILED
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        say(
            f"error: results not saved: {out}: {exc.strerror or exc}{where}; "
            "nothing was written there"
        )
        return EXIT_FAILED
    return None


def keep_partial(
    exc: RunInterrupted,
    parts: Sequence[Results | None],
    out: Path,
    *,
    force: bool,
    requested: int,
    names: Sequence[str],
    guard: SignalGuard,
) -> int:
    """Save the replications finished before an interrupt, marked partial; the exit code."""
    finished = [part for part in parts if part is not None and not part.summary.empty]
    if not finished:
        say(f"interrupted by {exc.signal_name} before any replication finished; nothing was saved")
        return exc.exit_code
    results = Results.combine(finished).mark_partial(exc.signal_name, requested, names)
    if save_results(results, out, force, guard) is None:
        done = ", ".join(
            f"{name} {count}" for name, count in results.manifest["replications_done"].items()
        )
        say(
            f"interrupted by {exc.signal_name}; kept the finished replications ({done}; "
            f"{requested} asked) in {out}/, marked partial"
        )
    return exc.exit_code


def after_save(guard: SignalGuard) -> int | None:
    """The exit code of a signal that arrived while the complete results were being saved."""
    if guard.received is None:
        return None
    code = RunInterrupted(guard.received)
    say(f"{code.signal_name} received while saving; the results were saved complete")
    return code.exit_code


__all__ = ["after_save", "keep_partial", "reserve", "results_folder", "save_results", "say"]
