"""What every department of one replication shares: the clock, the calendar, streams, counts.

Departments are built with a :class:`RunContext` and the few callables they
need from their neighbours (wired once in ``sim.model.firm``), never with the
whole firm, so no department imports another's internals or the firm itself.

The calendar is exact (MODEL.md, "Clock and units"; STYLE.md, "compute
calendars with integers"): the boundary of week ``k`` is ``k * week_hours``,
one multiplication, never a running sum, and :meth:`Calendar.week_of` is
corrected so that the week of a boundary is always the week it starts, whatever
rounding the division did. Any positive ``week_hours`` works: with 36.6-hour
weeks a process that waits until the next boundary always moves forward.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import simpy

from sim.streams import Streams

WEEKLY_COUNTS = (
    "revenue_new",
    "revenue_repeat",
    "leads",
    "customers_won",
    "customers_churned",
    "problems",
    "late_deliveries",
    "complaints",
)


class Calendar:
    """Weeks of a run: boundaries, the week of a moment, the measured weeks."""

    def __init__(self, week_hours: float, horizon: float, warmup: float) -> None:
        self.week_hours = week_hours
        # whole weeks (validated); snap away float noise such as 50 d of 44-hour weeks
        self.weeks = max(1, round(horizon / week_hours))
        self.first_week = round(warmup / week_hours)
        self.horizon = self.start(self.weeks)
        # the week of the last call to week_of and its bounds [low, high)
        self._week, self._low, self._high = 0, self.start(0), self.start(1)

    def start(self, week: int) -> float:
        """When week ``week`` starts (0-based), in working hours."""
        return week * self.week_hours

    def week_of(self, time: float) -> int:
        """The week ``time`` falls in: ``start(week) <= time < start(week + 1)``.

        Not clamped to the horizon. The quotient is corrected against the
        boundaries themselves, so a moment computed as ``start(k)`` is in week
        ``k`` even when ``start(k) / week_hours`` rounds below ``k``.
        """
        if self._low <= time < self._high:  # most calls fall in the week of the last one
            return self._week
        week = math.floor(time / self.week_hours)
        if self.start(week) > time:
            week -= 1
        elif self.start(week + 1) <= time:
            week += 1
        self._week, self._low, self._high = week, self.start(week), self.start(week + 1)
        return week

    def week_index(self, time: float) -> int:
        """:meth:`week_of`, clamped into the run (the horizon counts in the last week)."""
        return min(max(self.week_of(time), 0), self.weeks - 1)

    def next_boundary(self, time: float) -> float:
        """The first week boundary strictly after ``time``."""
        return self.start(self.week_of(time) + 1)

    @property
    def measured_from(self) -> float:
        """When the figures start (the end of the warm-up)."""
        return self.start(self.first_week)

    @property
    def measured_weeks(self) -> int:
        """Weeks after the warm-up."""
        return self.weeks - self.first_week


class WeeklyCounts:
    """Counts and sums per week (revenue, leads, customers won, ...)."""

    def __init__(self, calendar: Calendar, names: tuple[str, ...] = WEEKLY_COUNTS) -> None:
        self.calendar = calendar
        self.per_week = {name: [0.0] * calendar.weeks for name in names}

    def add(self, name: str, now: float, amount: float = 1.0) -> None:
        """Add to the count of the week containing ``now``."""
        self.per_week[name][self.calendar.week_index(now)] += amount

    def measured(self, name: str) -> float:
        """The total over the weeks after the warm-up."""
        return float(sum(self.per_week[name][self.calendar.first_week :]))


@dataclass
class RunContext:
    """The shared services of one replication."""

    env: simpy.Environment
    streams: Streams
    calendar: Calendar
    counts: WeeklyCounts = field(init=False)

    def __post_init__(self) -> None:
        self.counts = WeeklyCounts(self.calendar)


__all__ = ["WEEKLY_COUNTS", "Calendar", "RunContext", "WeeklyCounts"]
