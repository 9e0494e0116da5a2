"""Replications: run one scenario many times, in one process or several.

The runner knows the model only through a narrow seam (STYLE.md, sim-tools'
adapter): a callable that runs *one replication of this scenario with this seed*
and returns its tables. It is tested without the model, and it can ship
replications to other processes: replication ``r`` always draws from the streams
of ``(seed, r)``, so the tables are identical for any number of workers.

Workers ignore Ctrl-C and die with the parent, even after ``kill -9``
(``sim.interrupts``); an interrupt inside ``sim.interrupts.interruptible``
stops the workers and leaves the replications already finished in the
:class:`~sim.interrupts.RunInterrupted` it raises.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Collection, Generator, Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any, Protocol

import pandas as pd

from sim.arguments import check_keep, check_whole_number
from sim.interrupts import RunInterrupted, prepare_worker, stop_pool
from sim.model import simulate
from sim.results import TABLES, Results, build_manifest
from sim.scenario import Scenario

log = logging.getLogger(__name__)

#: Seconds between two progress lines in the log (the first is logged at once).
PROGRESS_EVERY = 5.0


class ReplicationModel(Protocol):
    """Anything that runs one replication and returns its tables by name."""

    def __call__(
        self, scenario: Scenario, seed: int, replication: int, keep: Collection[str]
    ) -> dict[str, pd.DataFrame]: ...


# Replications per task at most: a replication takes tens of milliseconds, shipping a task
# a fraction of one, so larger chunks would save little and lose more to an interrupt.
_MAX_CHUNK = 8

# Set once per worker process by ``_start_worker``, so that each task ships only a
# replication number, not the scenario.
_WORKER: dict[str, Any] = {}


def _start_worker(
    parent: int, model: ReplicationModel, scenario: Scenario, seed: int, keep: tuple[str, ...]
) -> None:
    prepare_worker(parent)
    _WORKER.update(model=model, scenario=scenario, seed=seed, keep=keep)


def _replicate(replication: int) -> dict[str, pd.DataFrame]:
    work = _WORKER
    return work["model"](work["scenario"], work["seed"], replication, work["keep"])


def iterate(
    scenario: Scenario,
    replications: Iterable[int],
    seed: int = 0,
    workers: int = 1,
    keep: Collection[str] = TABLES,
    model: ReplicationModel = simulate,
) -> Generator[dict[str, pd.DataFrame], None, None]:
    """Yield each replication's tables in replication order, as they finish.

    With several workers, anything that ends the iteration early (an interrupt,
    an error, closing the generator) cancels the replications not started and
    terminates the workers rather than waiting for them.
    """
    keep = tuple(keep)
    numbers = list(replications)
    if workers <= 1:
        for replication in numbers:
            yield model(scenario, seed, replication, keep)
        return
    context = multiprocessing.get_context("fork" if "fork" in _methods() else "spawn")
    # small chunks keep the workers' finishing times close, and bound what an interrupt
    # loses (a chunk per worker); the scenario travels once per worker (the initializer),
    # so a task costs little more than a replication number
    chunksize = max(1, min(_MAX_CHUNK, len(numbers) // (workers * 20)))
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), model, scenario, seed, keep),
    )
    try:
        yield from pool.map(_replicate, numbers, chunksize=chunksize)
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def _methods() -> list[str]:
    return multiprocessing.get_all_start_methods()


class _Tally:
    """The tables of the replications finished so far, whole replications only.

    The summary is gathered column by column: a thousand one-row DataFrames
    cost kilobytes each, lists of values a few bytes a cell, so memory stays
    flat when only the summary is kept. An interrupt can land in the middle of
    :meth:`add`; :meth:`rollback` cuts back to the last whole replication.
    """

    def __init__(self, keep: Collection[str]) -> None:
        self.count = 0
        self.rows = 0
        self.columns: dict[str, list[Any]] = {}
        self.parts: dict[str, list[pd.DataFrame | None]] = {
            name: [] for name in TABLES if name != "summary" and name in keep
        }

    def add(self, tables: dict[str, pd.DataFrame]) -> None:
        summary = tables["summary"]
        for name, values in summary.to_dict("list").items():
            self.columns.setdefault(name, []).extend(values)
        for name, frames in self.parts.items():
            frames.append(tables.get(name))
        self.rows += len(summary)
        self.count += 1

    def rollback(self) -> None:
        self.columns = {
            name: values[: self.rows]
            for name, values in self.columns.items()
            if len(values) >= self.rows
        }
        for frames in self.parts.values():
            del frames[self.count :]

    def frames(self) -> dict[str, pd.DataFrame]:
        frames = {}
        for name, parts in self.parts.items():
            present = [frame for frame in parts if frame is not None]
            frames[name] = pd.concat(present, ignore_index=True) if present else pd.DataFrame()
        frames["summary"] = pd.DataFrame(self.columns)
        return frames


def run(
    scenario: Scenario,
    replications: int = 30,
    seed: int = 0,
    workers: int = 1,
    keep: Collection[str] = TABLES,
    model: ReplicationModel = simulate,
    first_replication: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Results:
    """Run ``replications`` replications of ``scenario`` and gather their tables.

    Parameters
    ----------
    scenario
        The validated scenario.
    replications
        How many replications (numbered from ``first_replication``).
    seed
        The base seed; replication ``r`` uses the streams of ``(seed, r)``.
    workers
        Processes to use; the tables do not depend on it.
    keep
        Which tables to keep besides ``summary`` ("weekly", "leads", "customers",
        "queues"); keeping only the summary keeps memory flat however many
        replications run.
    model
        The replication function (the seam used by the tests).
    progress
        Called with the number of replications finished so far.

    Raises
    ------
    RunInterrupted
        On SIGINT or SIGTERM inside ``sim.interrupts.interruptible``; its
        ``results`` hold the replications finished (None if none had).
    """
    if not isinstance(scenario, Scenario):
        raise ValueError(f"scenario must be a Scenario (see sim.load_scenario), got {scenario!r}")
    replications = check_whole_number("replications", replications, 1)
    seed = check_whole_number("seed", seed, 0)
    workers = check_whole_number("workers", workers, 1)
    first_replication = check_whole_number("first_replication", first_replication, 0)
    keep = check_keep(keep)
    started = datetime.now(UTC)
    log.info(
        "%s: %d replications from %d, %d worker(s)",
        scenario.name,
        replications,
        first_replication,
        workers,
    )
    tally = _Tally(keep)
    manifest = build_manifest([scenario], seed=seed, replications=replications, workers=workers)
    numbers = range(first_replication, first_replication + replications)
    finished = iterate(scenario, numbers, seed, workers, keep, model)
    reported = 0.0  # when progress was last logged (monotonic seconds)
    try:
        for tables in finished:
            tally.add(tables)
            if progress is not None:
                progress(tally.count)
            if time.monotonic() - reported >= PROGRESS_EVERY:
                reported = time.monotonic()
                log.info("%s: %d of %d replications done", scenario.name, tally.count, replications)
    except RunInterrupted as exc:
        finished.close()  # stops the workers before anything else
        tally.rollback()
        if tally.count:
            exc.results = Results(manifest=manifest, **tally.frames())
        log.info("%s: interrupted after %d replications", scenario.name, tally.count)
        raise
    finally:
        finished.close()
    log.info("%s: %d replications in %s", scenario.name, replications, datetime.now(UTC) - started)
    return Results(manifest=manifest, **tally.frames())
