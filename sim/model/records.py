"""Records: the tables of a finished replication (MODEL.md, "What is measured").

The model keeps plain Python records while it runs (lead and customer objects,
weekly counts, ledgers, queue statistics); this module turns them into the
tables once, at the end: ``summary`` (one row), ``weekly``, ``leads``,
``customers`` and ``queues``. Nothing here runs during the simulation.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.model.ledger import SALES_CATEGORIES
from sim.model.market import COLD, LEAD_SOURCES
from sim.streams import replication_seed

if TYPE_CHECKING:
    from sim.model.firm import Firm

TABLES = ("summary", "weekly", "leads", "customers", "queues")


def collect(firm: Firm, keep: Collection[str]) -> dict[str, pd.DataFrame]:
    """The replication's tables (only those in ``keep``; summary is always made)."""
    leads = _lead_columns(firm)
    tables = {"summary": pd.DataFrame([_summary(firm, leads)])}
    if "weekly" in keep:
        tables["weekly"] = _weekly(firm)
    if "leads" in keep:
        tables["leads"] = _tag(firm, pd.DataFrame(leads))
    if "customers" in keep:
        tables["customers"] = _customers(firm)
    if "queues" in keep:
        tables["queues"] = _queues(firm)
    return tables


def _tag(firm: Firm, frame: pd.DataFrame) -> pd.DataFrame:
    frame.insert(0, "scenario", firm.scenario.name)
    frame.insert(1, "replication", firm.replication)
    return frame


def _lead_columns(firm: Firm) -> dict[str, np.ndarray]:
    leads = firm.leads
    return {
        "lead_id": np.fromiter((lead.id for lead in leads), np.int64, len(leads)),
        "source": np.array([lead.source for lead in leads], dtype=object),
        "channel": np.array([lead.channel for lead in leads], dtype=object),
        "segment": np.array([lead.segment.name for lead in leads], dtype=object),
        "created_h": np.fromiter((lead.created for lead in leads), float, len(leads)),
        "contacted_h": np.fromiter((lead.contacted for lead in leads), float, len(leads)),
        "qualified": np.fromiter((lead.qualified for lead in leads), bool, len(leads)),
        "closed_h": np.fromiter((lead.closed for lead in leads), float, len(leads)),
        "outcome": np.array([lead.outcome for lead in leads], dtype=object),
        "lost_reason": np.array([lead.lost_reason for lead in leads], dtype=object),
        "value": np.fromiter((lead.value for lead in leads), float, len(leads)),
        "intent": np.fromiter((lead.intent for lead in leads), float, len(leads)),
        "wait_h": np.fromiter((lead.waited for lead in leads), float, len(leads)),
        "in_warmup": np.fromiter(
            (lead.created < firm.first_week * firm.week_hours for lead in leads), bool, len(leads)
        ),
    }


def _summary(firm: Firm, leads: dict[str, np.ndarray]) -> dict[str, Any]:
    scenario = firm.scenario
    first = firm.first_week
    weeks = firm.weeks - first
    measured_from = first * firm.week_hours
    counts = {name: float(sum(values[first:])) for name, values in firm.counts.items()}
    revenue = counts["revenue_new"] + counts["revenue_repeat"]
    gross = revenue * scenario.money.gross_margin
    staff_cost = weeks * (
        scenario.sales.staff * scenario.sales.cost_per_head
        + scenario.service.staff * scenario.service.cost_per_head
        + scenario.marketing.staff * scenario.marketing.cost_per_head
    )
    spend = weeks * scenario.marketing.budget_per_week
    sales_hours = firm.sales.ledger.totals(first)
    paid = sum(sales_hours.values())
    row: dict[str, Any] = {
        "scenario": scenario.name,
        "replication": firm.replication,
        "seed": replication_seed(firm.seed, firm.replication),
        "weeks": weeks,
        "revenue": revenue,
        "revenue_new": counts["revenue_new"],
        "revenue_repeat": counts["revenue_repeat"],
        "gross_profit": gross,
        "staff_cost": staff_cost,
        "marketing_spend": spend,
        "profit": gross - staff_cost - spend,
        "wasted_sales_capacity": 1.0 - sales_hours["selling"] / paid if paid else math.nan,
    }
    for category in SALES_CATEGORIES:
        row[f"sales_share_{category}"] = sales_hours[category] / paid if paid else math.nan
    row["sales_hours_paid"] = paid

    measured = ~leads["in_warmup"]
    outcome = leads["outcome"][measured]
    source = leads["source"][measured]
    contacted = ~np.isnan(leads["contacted_h"][measured])
    row["leads"] = int(measured.sum())
    for name in LEAD_SOURCES:
        row[f"leads_{name}"] = int((source == name).sum())
    row["leads_contacted"] = int(contacted.sum())
    row["leads_qualified"] = int(leads["qualified"][measured].sum())
    for state in ("won", "lost", "abandoned", "open"):
        row[f"leads_{state}"] = int((outcome == state).sum())
    row["leads_never_contacted"] = int(((outcome == "open") & ~contacted).sum())
    inbound_waits = leads["wait_h"][measured][contacted & (source != COLD)]
    has_waits = inbound_waits.size > 0
    row["mean_wait_to_contact_h"] = float(inbound_waits.mean()) if has_waits else math.nan
    for pct in (50, 90):
        row[f"p{pct}_wait_to_contact_h"] = (
            float(np.percentile(inbound_waits, pct)) if has_waits else math.nan
        )
    row["conversion_rate"] = row["leads_won"] / row["leads"] if row["leads"] else math.nan

    row["customers_won"] = int(counts["customers_won"])
    row["customers_active"] = int(firm.active_at_week_end[-1])
    row["customers_churned"] = int(counts["customers_churned"])
    row["complaints"] = int(counts["complaints"])
    resolved_at = np.asarray(firm.customers.resolved_at)
    resolution = np.asarray(firm.customers.resolution_h)[resolved_at >= measured_from]
    row["complaints_resolved"] = int(resolution.size)
    row["mean_complaint_resolution_h"] = float(resolution.mean()) if resolution.size else math.nan
    row["insight_end"] = firm.insight.at(firm.horizon)
    row["insight_reports"] = firm.insight.reports
    for name, ledger in (
        ("sales", firm.sales.ledger),
        ("service", firm.service.ledger),
        ("marketing", firm.marketing_ledger),
    ):
        hours = ledger.totals(first)
        total = sum(hours.values())
        row[f"utilisation_{name}"] = 1.0 - hours["idle"] / total if total else math.nan
    return row


def _weekly(firm: Firm) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "week": np.arange(firm.weeks),
            "in_warmup": np.arange(firm.weeks) < firm.first_week,
            **{name: np.asarray(values) for name, values in firm.counts.items()},
            "customers_active": np.asarray(firm.active_at_week_end),
            "insight": np.asarray(firm.insight_at_week_end),
        }
    )
    frame.insert(2, "revenue", frame["revenue_new"] + frame["revenue_repeat"])
    hours = np.asarray(firm.sales.ledger.weekly()).reshape(firm.weeks, len(SALES_CATEGORIES))
    paid = hours.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        for column, category in enumerate(SALES_CATEGORIES):
            frame[f"sales_share_{category}"] = np.where(
                paid > 0, hours[:, column] / np.where(paid > 0, paid, 1.0), np.nan
            )
    return _tag(firm, frame)


def _customers(firm: Firm) -> pd.DataFrame:
    customers = firm.customers.all
    return _tag(
        firm,
        pd.DataFrame(
            {
                "customer_id": [c.id for c in customers],
                "segment": [c.segment.name for c in customers],
                "origin": [c.origin for c in customers],
                "lead_id": [c.lead_id for c in customers],
                "won_h": [c.won for c in customers],
                "churned_h": [c.churned for c in customers],
                "orders": [c.orders for c in customers],
                "revenue": [c.revenue for c in customers],
                "complaints": [c.complaints for c in customers],
            }
        ),
    )


def _queues(firm: Firm) -> pd.DataFrame:
    rows = []
    for department in (firm.sales, firm.service):
        for work, stats in department.stats.items():
            left = stats.taken + stats.expired
            rows.append(
                {
                    "department": department.name,
                    "work": work,
                    "arrivals": stats.arrivals,
                    "taken": stats.taken,
                    "expired": stats.expired,
                    "waiting_at_end": stats.arrivals - left,
                    "mean_length": stats.area / firm.horizon,
                    "total_wait_h": stats.waited,
                    "horizon_h": firm.horizon,
                }
            )
    return _tag(firm, pd.DataFrame(rows))
