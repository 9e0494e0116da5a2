"""The time ledger: every paid hour of every employee in exactly one category.

MODEL.md, "What is measured": sales hours are selling, prospecting, servicing,
expediting or idle; service and marketing have their own categories. The
ledger bins hours by week (with the run's exact calendar), so weekly shares
and the summary (weeks after the warm-up) come from one record. Whatever a
worker is doing when the horizon is reached is closed at the horizon, so the
categories add up to the paid hours.
"""

from __future__ import annotations

from sim.model.context import Calendar

SALES_CATEGORIES = ("selling", "prospecting", "servicing", "expediting", "idle")
SERVICE_CATEGORIES = ("complaints", "reorders", "onboarding", "analysis", "idle")
MARKETING_CATEGORIES = ("campaigns", "research", "idle")
OPERATIONS_CATEGORIES = ("expediting", "idle")


class Ledger:
    """Hours by week and category for one department."""

    def __init__(self, categories: tuple[str, ...], staff: int, calendar: Calendar) -> None:
        self.categories = categories
        self.staff = staff
        self.calendar = calendar
        self.weeks = calendar.weeks
        self._width = len(categories)
        self.hours = [0.0] * (self.weeks * self._width)
        # what each worker is doing now, so the horizon can close it: (category, start)
        self.current: list[tuple[int, float]] = [(categories.index("idle"), 0.0)] * staff

    def index(self, category: str) -> int:
        """Position of a category (resolve once, then pass integers on the hot path)."""
        return self.categories.index(category)

    def add(self, category: int, start: float, end: float) -> None:
        """Book the interval [start, end) to a category, split at week boundaries."""
        calendar = self.calendar
        width = self._width
        hours = self.hours
        week = calendar.week_of(start)
        boundary = calendar.start(week + 1)
        while end > boundary:
            hours[week * width + category] += boundary - start
            start = boundary
            week += 1
            boundary = calendar.start(week + 1)
        if end > start:
            hours[week * width + category] += end - start

    def close(self, horizon: float) -> None:
        """Book every worker's unfinished activity up to the horizon."""
        for category, start in self.current:
            self.add(category, start, horizon)
        self.current = []

    def book_shares(self, shares: dict[str, float]) -> None:
        """Book a department whose time use follows from its settings (marketing)."""
        for category, share in shares.items():
            column = self.index(category)
            for week in range(self.weeks):
                paid = self.staff * (self.calendar.start(week + 1) - self.calendar.start(week))
                self.hours[week * self._width + column] += share * paid

    def weekly(self) -> list[list[float]]:
        """Hours per week (rows) and category (columns)."""
        width = self._width
        return [self.hours[w * width : (w + 1) * width] for w in range(self.weeks)]

    def totals(self, first_week: int) -> dict[str, float]:
        """Hours per category over the weeks from ``first_week`` on."""
        totals = dict.fromkeys(self.categories, 0.0)
        for row in self.weekly()[first_week:]:
            for category, value in zip(self.categories, row, strict=True):
                totals[category] += value
        return totals

    def utilisation(self, first_week: int) -> float:
        """Share of the paid hours from ``first_week`` on not spent idle (NaN: no staff)."""
        hours = self.totals(first_week)
        total = sum(hours.values())
        return 1.0 - hours["idle"] / total if total else float("nan")
