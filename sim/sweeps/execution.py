"""Execution: tasks of replications run here, in local processes, or on a Dask cluster.

A *task* is a few replications of one run (one distinct scenario). Whatever
runs it, replication ``r`` draws from the streams of ``(seed, r)``, so the rows
do not depend on the executor or on the number of workers. A task never
raises for a replication that fails: it returns the error in that
replication's place, so one bad variant does not stop the sweep.

* :class:`LocalExecutor` with one worker runs tasks in this process; with more,
  in a pool of processes started by a fork server (``spawn`` where there is
  none): safe in Jupyter and with threads around, on every platform. Workers
  ignore Ctrl-C (the parent stops them) and end themselves if the parent dies.
* :class:`DaskExecutor` submits tasks to a Dask scheduler at ``address``, or to
  a ``LocalCluster`` it starts on the loopback interface and closes again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self

import pandas as pd

from sim.runner import ReplicationModel
from sim.scenario import Scenario, scenario_from_dict

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    """Replications of one run: everything a worker needs, and nothing else."""

    run: str
    raw: dict[str, Any]
    source: str
    seed: int
    replications: tuple[int, ...]
    model: ReplicationModel


@dataclass(frozen=True)
class Outcome:
    """What a task gives back: each replication's summary row, or its error."""

    run: str
    rows: pd.DataFrame
    errors: tuple[tuple[int, str], ...]


# A worker builds each run's scenario once (validation costs about a millisecond).
_SCENARIOS: dict[str, Scenario] = {}


def run_task(task: Task) -> Outcome:
    """Run a task's replications; a replication that raises is returned as an error."""
    scenario = _SCENARIOS.get(task.run)
    if scenario is None:
        scenario = scenario_from_dict(task.raw, source=task.source)
        _SCENARIOS.clear()  # one run at a time is enough; memory stays flat
        _SCENARIOS[task.run] = scenario
    frames, errors = [], []
    for replication in task.replications:
        try:
            tables = task.model(scenario, task.seed, replication, ())
            frames.append(tables["summary"])
        except Exception as exc:  # recorded, so that the sweep goes on
            errors.append((replication, f"{type(exc).__name__}: {exc}"))
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return Outcome(task.run, rows, tuple(errors))


class Executor(Protocol):
    """Runs tasks and yields their outcomes as they finish (in any order)."""

    workers: int

    def outcomes(self, tasks: Iterable[Task]) -> Iterator[Outcome]: ...

    def close(self) -> None: ...


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return os.getppid() == pid  # spawned directly by the sweep's process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user took the number: ours is gone
        return False
    return True


def _start_worker(sweep: int) -> None:
    """A pool worker ignores Ctrl-C (the parent stops the pool) and ends itself when
    the sweep's process is gone (killed with ``kill -9``, say), so no worker outlives
    a sweep; the fork server, kept alive by its workers, then ends too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if not _alive(sweep):
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _context(start_method: str | None) -> multiprocessing.context.BaseContext:
    """``forkserver`` where the platform has it, else ``spawn``.

    Both start workers from a fresh, single-threaded process (never a fork of
    this one, which may hold threads or a Jupyter kernel's state). The fork
    server imports flocksim once and forks every worker from it, so a worker
    starts in milliseconds instead of importing flocksim anew (seconds).
    """
    methods = multiprocessing.get_all_start_methods()
    method = start_method or ("forkserver" if "forkserver" in methods else "spawn")
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # takes effect when this process first starts its fork server
        context.set_forkserver_preload(["sim.sweeps.execution"])
    return context


class _ClosedOnExit:
    """An executor used as a context manager is closed when the block ends."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class LocalExecutor(_ClosedOnExit):
    """Tasks in this process (one worker) or in a pool of spawned processes."""

    def __init__(self, workers: int = 1, start_method: str | None = None) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        if workers > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=_context(start_method),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )

    def outcomes(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        if self._pool is None:
            for task in tasks:
                yield run_task(task)
            return
        pending: set[Future[Outcome]] = set()
        queue = iter(tasks)
        window = 4 * self.workers  # a few tasks ahead: workers never wait, memory stays flat
        try:
            for task in queue:
                pending.add(self._pool.submit(run_task, task))
                if len(pending) >= window:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (future.result() for future in done)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor(_ClosedOnExit):
    """Tasks on a Dask cluster: the scheduler at ``address``, or a local cluster."""

    def __init__(self, address: str | None = None, workers: int = 1) -> None:
        from distributed import Client, LocalCluster

        self._cluster = None
        if address:
            self._client = Client(address, timeout="30s")
        else:
            self._cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            self._client = Client(self._cluster)
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))
        log.info("dask: %s with %d workers", address or "local cluster", self.workers)

    def outcomes(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        from distributed import as_completed

        futures = [self._client.submit(run_task, task, pure=False) for task in tasks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(kind: str, workers: int, address: str | None = None) -> Executor:
    """``local`` or ``dask`` (``address``: a running scheduler; none: a local cluster)."""
    if kind == "local":
        if address:
            raise ValueError("address is for executor 'dask'")
        return LocalExecutor(workers)
    if kind == "dask":
        return DaskExecutor(address, workers)
    raise ValueError(f"executor must be 'local' or 'dask', got {kind!r}")


__all__ = ["DaskExecutor", "Executor", "LocalExecutor", "Outcome", "Task", "make_executor"]
