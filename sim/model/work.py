"""A department's work: a prioritised queue pulled by individual staff processes.

Sales and service are built the same way (MODEL.md: "each a SimPy process with
its own time ledger; work is pulled from a department queue in a configurable
priority order"). Each kind of work has its own FIFO queue; a worker takes the
first item of the highest-priority non-empty queue. Idle workers wait on an
event of their own that ``submit`` triggers directly, which needs fewer SimPy
events per item than a ``Resource`` request and release.

Work may expire while it waits (a lead that buys elsewhere): an item whose
``deadline`` has passed is dropped when reached, and its queue statistics are
corrected to the moment it left, so Little's law can be checked on every queue.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator
from typing import Any

import simpy

from sim.model.ledger import Ledger

# A job: how long it takes, which ledger category it books, what happens when done.
Job = tuple[float, int, Callable[[], None] | None]
Handler = Callable[[Any], Job]


class QueueStats:
    """Counts and the time integral of one queue's length, over the whole run."""

    __slots__ = ("arrivals", "area", "expired", "last", "length", "taken", "waited")

    def __init__(self) -> None:
        self.arrivals = 0
        self.taken = 0
        self.expired = 0
        self.length = 0
        self.area = 0.0  # integral of the number waiting over time
        self.last = 0.0
        self.waited = 0.0  # total time items spent waiting (until taken or expired)


class Department:
    """Staff of one department pulling work from prioritised queues."""

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        staff: int,
        priority: tuple[str, ...],
        ledger: Ledger,
    ) -> None:
        self.env = env
        self.name = name
        self.staff = staff
        self.priority = priority
        self.ledger = ledger
        self.queues: dict[str, deque[tuple[float, Any]]] = {work: deque() for work in priority}
        self.stats = {work: QueueStats() for work in priority}
        self.handlers: dict[str, Handler] = {}
        self.on_expire: dict[str, Callable[[Any], None]] = {}
        self.fallback: Callable[[], Job | None] | None = None
        self._idle_category = ledger.index("idle")
        self._idle: list[simpy.Event] = []
        self._order: list[tuple[deque[tuple[float, Any]], Handler, QueueStats, str]] = []

    def handle(
        self, work: str, handler: Handler, on_expire: Callable[[Any], None] | None = None
    ) -> None:
        """Register how one kind of work is done (and what an expired item means)."""
        self.handlers[work] = handler
        if on_expire is not None:
            self.on_expire[work] = on_expire

    def start(self) -> None:
        """Start one process per staff member."""
        missing = [work for work in self.priority if work not in self.handlers]
        if missing:
            raise RuntimeError(f"{self.name}: no handler for {', '.join(missing)}")
        self._order = [
            (self.queues[work], self.handlers[work], self.stats[work], work)
            for work in self.priority
        ]
        for index in range(self.staff):
            self.env.process(self._worker(index))

    def submit(self, work: str, item: Any) -> None:
        """Put an item in its queue and wake an idle worker, if any."""
        now = self.env.now
        stats = self.stats[work]
        stats.area += stats.length * (now - stats.last)
        stats.last = now
        stats.length += 1
        stats.arrivals += 1
        self.queues[work].append((now, item))
        if self._idle:
            self._idle.pop().succeed()

    def _next_job(self) -> Job | None:
        now = self.env.now
        for queue, handler, stats, work in self._order:
            while queue:
                submitted, item = queue.popleft()
                stats.area += stats.length * (now - stats.last)
                stats.last = now
                stats.length -= 1
                if item.deadline < now:
                    self._expire(work, stats, submitted, item, now)
                    continue
                stats.waited += now - submitted
                stats.taken += 1
                return handler(item)
        return None

    def _worker(self, index: int) -> Generator[simpy.Event, Any, None]:
        env = self.env
        ledger = self.ledger
        current = ledger.current
        idle = self._idle_category
        idle_workers = self._idle
        next_job = self._next_job
        while True:
            job = next_job()
            if job is None and self.fallback is not None:
                job = self.fallback()
            if job is None:
                start = env.now
                current[index] = (idle, start)
                wake = env.event()
                idle_workers.append(wake)
                yield wake
                ledger.add(idle, start, env.now)
                continue
            duration, category, finish = job
            if duration > 0:
                start = env.now
                current[index] = (category, start)
                yield env.timeout(duration)
                ledger.add(category, start, env.now)
            if finish is not None:
                finish()

    def close(self, horizon: float) -> None:
        """End of run: close the ledger and the queue statistics at the horizon."""
        self.ledger.close(horizon)
        for work, queue in self.queues.items():
            stats = self.stats[work]
            stats.area += stats.length * (horizon - stats.last)
            stats.last = horizon
            for submitted, item in queue:
                if item.deadline < horizon:
                    stats.length -= 1
                    self._expire(work, stats, submitted, item, horizon)
                else:
                    stats.waited += horizon - submitted

    def queue_rows(self, horizon: float) -> list[dict[str, object]]:
        """One row per kind of work for the queues table (closed at the horizon)."""
        rows: list[dict[str, object]] = []
        for work, stats in self.stats.items():
            left = stats.taken + stats.expired
            rows.append(
                {
                    "department": self.name,
                    "work": work,
                    "arrivals": stats.arrivals,
                    "taken": stats.taken,
                    "expired": stats.expired,
                    "waiting_at_end": stats.arrivals - left,
                    "mean_length": stats.area / horizon,
                    "total_wait_h": stats.waited,
                    "horizon_h": horizon,
                }
            )
        return rows

    def _expire(
        self, work: str, stats: QueueStats, submitted: float, item: Any, now: float
    ) -> None:
        """An item found at ``now`` whose patience ran out left the queue at its deadline."""
        stats.area -= now - item.deadline  # it was counted as waiting until now
        stats.waited += item.deadline - submitted
        stats.expired += 1
        self.on_expire[work](item)
