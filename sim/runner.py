"""Replications: run one scenario many times, in one process or several.

The runner knows the model only through a narrow seam (STYLE.md, sim-tools'
adapter): a callable that runs *one replication of this scenario with this seed*
and returns its tables. It is tested without the model, and it can ship
replications to other processes: replication ``r`` always draws from the streams
of ``(seed, r)``, so the tables are identical for any number of workers.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any, Protocol

import pandas as pd

from sim.arguments import check_keep, check_whole_number
from sim.model import simulate
from sim.results import TABLES, Results, build_manifest
from sim.scenario import Scenario

log = logging.getLogger(__name__)


class ReplicationModel(Protocol):
    """Anything that runs one replication and returns its tables by name."""

    def __call__(
        self, scenario: Scenario, seed: int, replication: int, keep: Collection[str]
    ) -> dict[str, pd.DataFrame]: ...


# Set once per worker process by ``_start_worker``, so that each task ships only a
# replication number, not the scenario.
_WORKER: dict[str, Any] = {}


def _start_worker(
    model: ReplicationModel, scenario: Scenario, seed: int, keep: tuple[str, ...]
) -> None:
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
) -> Iterator[dict[str, pd.DataFrame]]:
    """Yield each replication's tables in replication order, as they finish."""
    keep = tuple(keep)
    numbers = list(replications)
    if workers <= 1:
        for replication in numbers:
            yield model(scenario, seed, replication, keep)
        return
    context = multiprocessing.get_context("fork" if "fork" in _methods() else "spawn")
    # small chunks keep the workers' finishing times close; the scenario travels once per
    # worker (the initializer), so a task costs little more than a replication number
    chunksize = max(1, len(numbers) // (workers * 20))
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(model, scenario, seed, keep),
    ) as pool:
        yield from pool.map(_replicate, numbers, chunksize=chunksize)


def _methods() -> list[str]:
    return multiprocessing.get_all_start_methods()


class _Columns:
    """One-row-per-replication tables gathered column by column.

    A thousand one-row DataFrames cost kilobytes each; lists of values cost a
    few bytes a cell, so memory stays flat when only the summary is kept.
    """

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {}

    def add(self, frame: pd.DataFrame) -> None:
        for name, values in frame.to_dict("list").items():
            self.columns.setdefault(name, []).extend(values)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns)


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
    """
    if not isinstance(scenario, Scenario):
        raise ValueError(f"scenario must be a Scenario (see sim.load_scenario), got {scenario!r}")
    replications = check_whole_number("replications", replications, 1)
    seed = check_whole_number("seed", seed, 0)
    workers = check_whole_number("workers", workers, 1)
    first_replication = check_whole_number("first_replication", first_replication, 0)
    keep = check_keep(keep)
    started = datetime.now(UTC)
    summary = _Columns()
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES if name != "summary"}
    numbers = range(first_replication, first_replication + replications)
    for done, tables in enumerate(iterate(scenario, numbers, seed, workers, keep, model), 1):
        summary.add(tables["summary"])
        for name, frame in tables.items():
            if name in keep and name in parts:
                parts[name].append(frame)
        if progress is not None:
            progress(done)
    log.info("%s: %d replications in %s", scenario.name, replications, datetime.now(UTC) - started)
    frames = {
        name: pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        for name, frames in parts.items()
    }
    frames["summary"] = summary.frame()
    manifest = build_manifest([scenario], seed=seed, replications=replications, workers=workers)
    return Results(manifest=manifest, **frames)
