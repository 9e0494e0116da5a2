"""Running a sweep: plan, run what is missing, write parts, assemble the results.

:func:`sweep` reads a sweep file, builds its variants
(``sim.sweeps.variants``), and runs every replication that its folder does not
hold yet, on the executor asked for. Finished replications are written as
parts every few seconds, so a sweep killed at any moment and started again
with ``resume=True`` runs only what is missing and ends with exactly the rows
an uninterrupted sweep has. With ``precision`` in the file, replications are
added variant by variant in rounds until the paired difference of the
analysis figure is precise enough (or the cap); the decisions depend on the
rows alone, so a resumed sweep takes the same ones.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import mean_ci, replications_needed
from sim.arguments import check_whole_number
from sim.model import simulate
from sim.runner import ReplicationModel
from sim.streams import replication_seed
from sim.sweeps.execution import Executor, Outcome, Task, make_executor
from sim.sweeps.results import SweepResults, finish
from sim.sweeps.spec import read_sweep, text_hash
from sim.sweeps.store import SweepFolder
from sim.sweeps.variants import Plan, plan_sweep

log = logging.getLogger(__name__)


@dataclass
class SweepProgress:
    """Where a running sweep stands (handed to the ``progress`` callback).

    Attributes
    ----------
    done, total : int
        Replications finished (or failed) in this session, and to run so far
        (it grows when a precision rule adds replications).
    failed : int
        Replications that raised, in this session.
    resumed : int
        Replications found finished in the folder when the session started.
    written : bool
        Whether a part was written just now (a batch is safe on disk).
    parts : int
        Part files written in this session.
    elapsed : float
        Seconds since the session started.
    """

    done: int = 0
    total: int = 0
    failed: int = 0
    resumed: int = 0
    written: bool = False
    parts: int = 0
    elapsed: float = 0.0
    started: float = field(default_factory=time.monotonic, repr=False)


ProgressCallback = Callable[[SweepProgress], None]


def available_workers() -> int:
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def sweep(
    file: str | Path,
    out: str | Path,
    *,
    workers: int | None = None,
    executor: str = "local",
    address: str | None = None,
    resume: bool = False,
    progress: ProgressCallback | None = None,
    model: ReplicationModel = simulate,
    flush_seconds: float = 2.0,
    manifest: dict[str, Any] | None = None,
) -> SweepResults:
    """Run a sweep file into the folder ``out`` and return its results.

    Parameters
    ----------
    file
        The sweep file (TOML; ``scenarios/sweeps/``).
    out
        The sweep's folder: new or empty, or (with ``resume``) one started from
        the same file.
    workers
        Processes (local) or local-cluster workers (Dask); default all cores.
    executor
        ``"local"`` or ``"dask"``.
    address
        A running Dask scheduler (``tcp://host:8786``); without one, ``"dask"``
        starts a local cluster for the sweep.
    resume
        Continue the sweep in ``out``: run only the replications it lacks.
    progress
        Called after every task and every part written (see :class:`SweepProgress`).
    model
        The replication function (the seam the tests use).
    flush_seconds
        Longest time finished replications wait before they are written.
    manifest
        Extra entries for ``manifest.json`` (the command line, say).
    """
    workers = available_workers() if workers is None else check_whole_number("workers", workers, 1)
    spec, text = read_sweep(file)
    plan = plan_sweep(spec, str(file))
    record = {
        "name": spec.name,
        "file": str(file),
        "hash": text_hash(text),
        "text": text,
        "scenarios": plan.base_hashes,
    }
    folder = SweepFolder.open(out, record, plan.design, resume)
    try:
        state = _Session(plan, folder, progress, flush_seconds)
        with _LazyExecutor(executor, workers, address) as pool:
            state.run(pool, model)
        used = pool.workers or workers
        extra = {
            "executor": executor,
            "address": address,
            "workers": used,
            **(manifest or {}),
        }
        return finish(plan, folder, state.counts, state.elapsed(), extra)
    finally:
        folder.close()


class _LazyExecutor:
    """Starts the executor (a process pool, a Dask cluster) only if there is work."""

    def __init__(self, kind: str, workers: int, address: str | None) -> None:
        self.kind, self.address = kind, address
        self.requested = workers
        self.workers: int | None = None
        self._executor: Executor | None = None
        if kind not in ("local", "dask"):
            raise ValueError(f"executor must be 'local' or 'dask', got {kind!r}")
        if kind == "local" and address:
            raise ValueError("address is for executor 'dask'")

    def get(self) -> Executor:
        if self._executor is None:
            self._executor = make_executor(self.kind, self.requested, self.address)
            self.workers = self._executor.workers
        return self._executor

    def __enter__(self) -> _LazyExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None:
            self._executor.close()


class _Session:
    """One session of a sweep: what is done, what is missing, and the batches."""

    def __init__(
        self,
        plan: Plan,
        folder: SweepFolder,
        progress: ProgressCallback | None,
        flush_seconds: float,
    ) -> None:
        self.plan, self.folder = plan, folder
        self.callback, self.flush_seconds = progress, flush_seconds
        rows, failures = folder.load_parts()
        self.rows = [rows] if not rows.empty else []
        self.done: set[tuple[str, int]] = set()
        if not rows.empty:
            self.done = set(zip(rows["run"], rows["replication"].astype(int), strict=True))
        self.status = SweepProgress(resumed=len(self.done))
        self.runs_of = plan.cells.groupby("variant")["run"].apply(list).to_dict()
        self.variants_of = plan.cells.groupby("run")["variant"].apply(list).to_dict()
        self.counts = dict.fromkeys(plan.feasible, plan.spec.first_batch)
        self.failed: set[tuple[str, int]] = set()
        self._rows_buffer: list[pd.DataFrame] = []
        self._fail_buffer: list[dict[str, Any]] = []
        self._last_flush = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.status.started

    def run(self, pool: _LazyExecutor, model: ReplicationModel) -> None:
        active = set(self.counts)
        while active:
            missing = sorted(
                {
                    (run, replication)
                    for variant in active
                    for run in self.runs_of.get(variant, [])
                    for replication in range(self.counts[variant])
                }
                - self.done
                - self.failed
            )
            if missing:
                self.status.total += len(missing)
                tasks = list(self._tasks(missing, pool.requested, model))
                for outcome in pool.get().outcomes(tasks):
                    self._take(outcome)
                self._flush()
            if self.plan.spec.precision is None:
                break
            active = self._extend(active)

    def _tasks(
        self, missing: list[tuple[str, int]], workers: int, model: ReplicationModel
    ) -> Iterator[Task]:
        # tasks of about a second or two, and enough of them to keep every worker busy
        size = max(1, min(8, len(missing) // (workers * 16)))
        by_run: dict[str, list[int]] = {}
        for run, replication in missing:
            by_run.setdefault(run, []).append(replication)
        seed = self.plan.spec.seed
        for key, replications in by_run.items():
            spec = self.plan.runs[key]
            for start in range(0, len(replications), size):
                chunk = tuple(replications[start : start + size])
                yield Task(key, spec.raw, spec.source, seed, chunk, model)

    def _take(self, outcome: Outcome) -> None:
        variants = self.variants_of[outcome.run]
        if not outcome.rows.empty:
            rows = outcome.rows
            expanded = pd.concat(
                [rows.assign(variant=variant, run=outcome.run) for variant in variants],
                ignore_index=True,
            )
            front = ["variant", "run"]
            self._rows_buffer.append(expanded[front + [c for c in rows.columns]])
            self.done.update((outcome.run, int(r)) for r in rows["replication"])
        scenario = self.plan.runs[outcome.run].scenario
        for replication, error in outcome.errors:
            self.failed.add((outcome.run, replication))
            log.warning("%s replication %d failed: %s", scenario, replication, error)
            for variant in variants:
                self._fail_buffer.append(
                    {
                        "variant": variant,
                        "scenario": scenario,
                        "run": outcome.run,
                        "replication": replication,
                        "seed": replication_seed(self.plan.spec.seed, replication),
                        "error": error,
                    }
                )
        self.status.done += len(outcome.rows) + len(outcome.errors)
        self.status.failed += len(outcome.errors)
        if time.monotonic() - self._last_flush >= self.flush_seconds:
            self._flush()
        else:
            self._report(written=False)

    def _flush(self) -> None:
        rows = pd.concat(self._rows_buffer, ignore_index=True) if self._rows_buffer else None
        failures = pd.DataFrame(self._fail_buffer)
        written = self.folder.write_part(rows if rows is not None else pd.DataFrame(), failures)
        if rows is not None:
            self.rows.append(rows)
        self._rows_buffer, self._fail_buffer = [], []
        self._last_flush = time.monotonic()
        self.status.parts += written
        self._report(written=written > 0)

    def _report(self, written: bool) -> None:
        self.status.written = written
        self.status.elapsed = self.elapsed()
        if written:
            log.info(
                "sweep: %d of %d replications, %d failed, %d parts",
                self.status.done,
                self.status.total,
                self.status.failed,
                self.status.parts,
            )
        if self.callback is not None:
            self.callback(self.status)

    # -- precision ----------------------------------------------------------------
    def _extend(self, active: set[int]) -> set[int]:
        """Raise the replication counts of variants not yet precise enough."""
        spec = self.plan.spec
        assert spec.precision is not None
        rows = pd.concat(self.rows, ignore_index=True) if self.rows else pd.DataFrame()
        still = set()
        for variant in sorted(active):
            have = self.counts[variant]
            if have >= spec.max_replications:
                continue
            mine = rows[(rows["variant"] == variant) & (rows["replication"] < have)]
            values = _precision_values(mine, self.plan, spec.analysis.figure, have)
            if values is None:  # a failed replication: nothing to pair with
                continue
            wanted = _wanted(values, spec.precision, have)
            if wanted > have:
                self.counts[variant] = min(wanted, spec.max_replications)
                still.add(variant)
        return still


def _precision_values(
    rows: pd.DataFrame, plan: Plan, figure: str, count: int
) -> list[np.ndarray] | None:
    """Per compared scenario, the paired differences (or, alone, the values) of ``figure``."""
    table = rows.pivot_table(index="replication", columns="scenario", values=figure)
    if len(table) < count or table.isna().any().any():
        return None
    if len(plan.scenarios) == 1:
        return [table[plan.scenarios[0]].to_numpy(dtype=float)]
    base = table[plan.baseline].to_numpy(dtype=float)
    return [table[name].to_numpy(dtype=float) - base for name in plan.scenarios[1:]]


def _wanted(values: list[np.ndarray], precision: float, have: int) -> int:
    """Replications the least precise of ``values`` needs (at least one more if unmet)."""
    wanted = have
    for sample in values:
        interval = mean_ci(sample)
        if interval.relative_half_width <= precision:
            continue
        if interval.mean == 0 or not math.isfinite(interval.relative_half_width):
            wanted = max(wanted, 2 * have)
        else:
            wanted = max(wanted, replications_needed(sample, precision), have + 1)
    return wanted


__all__ = ["ProgressCallback", "SweepProgress", "available_workers", "sweep"]
