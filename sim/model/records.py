"""Records: the tables of a finished replication (MODEL.md, "What is measured").

Each department reports itself (its summary figures, its weekly columns, its
table rows); this module only merges what they report into the tables, once,
at the end: ``summary`` (one row), ``weekly``, ``leads``, ``customers`` and
``queues``. The money figures are the one thing computed here, from the weekly
counts and the scenario's costs. Nothing here runs during the simulation.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.model.context import Calendar, WeeklyCounts
from sim.scenario import Scenario


@dataclass
class Reports:
    """What the departments of one finished replication report, ready to be merged.

    ``summary`` holds one dict of figures per department in the order the
    columns appear; ``weekly`` one dict of per-week columns per department.
    """

    identity: dict[str, Any]
    summary: list[Mapping[str, Any]] = field(default_factory=list)
    weekly: list[Mapping[str, Any]] = field(default_factory=list)
    leads: Mapping[str, Any] = field(default_factory=dict)
    customers: Mapping[str, Any] = field(default_factory=dict)
    queues: Sequence[Mapping[str, Any]] = field(default_factory=list)


def money(scenario: Scenario, counts: WeeklyCounts, weeks: int) -> dict[str, float]:
    """Revenue, its parts, costs and profit over ``weeks`` measured weeks (MODEL.md, "Money")."""
    revenue_new = counts.measured("revenue_new")
    revenue_repeat = counts.measured("revenue_repeat")
    revenue = revenue_new + revenue_repeat
    gross = revenue * scenario.money.gross_margin
    staff_cost = weeks * scenario.weekly_staff_cost
    spend = weeks * scenario.marketing.budget_per_week
    return {
        "revenue": revenue,
        "revenue_new": revenue_new,
        "revenue_repeat": revenue_repeat,
        "gross_profit": gross,
        "staff_cost": staff_cost,
        "marketing_spend": spend,
        "profit": gross - staff_cost - spend,
    }


def tables(reports: Reports, calendar: Calendar, keep: Collection[str]) -> dict[str, pd.DataFrame]:
    """The replication's tables (only those in ``keep``; the summary is always made)."""
    summary: dict[str, Any] = dict(reports.identity)
    for part in reports.summary:
        summary.update(part)
    made = {"summary": pd.DataFrame([summary])}
    if "weekly" in keep:
        made["weekly"] = _tag(reports, _weekly(reports.weekly, calendar))
    if "leads" in keep:
        made["leads"] = _tag(reports, pd.DataFrame(reports.leads))
    if "customers" in keep:
        made["customers"] = _tag(reports, pd.DataFrame(reports.customers))
    if "queues" in keep:
        made["queues"] = _tag(reports, pd.DataFrame(list(reports.queues)))
    return made


def _tag(reports: Reports, frame: pd.DataFrame) -> pd.DataFrame:
    frame.insert(0, "scenario", reports.identity["scenario"])
    frame.insert(1, "replication", reports.identity["replication"])
    return frame


def _weekly(parts: list[Mapping[str, Any]], calendar: Calendar) -> pd.DataFrame:
    weeks = np.arange(calendar.weeks)
    columns: dict[str, Any] = {"week": weeks, "in_warmup": weeks < calendar.first_week}
    for part in parts:
        columns.update({name: np.asarray(values) for name, values in part.items()})
    frame = pd.DataFrame(columns)
    frame.insert(2, "revenue", frame["revenue_new"] + frame["revenue_repeat"])
    return frame


__all__ = ["Reports", "money", "tables"]
