"""Leads: one inquiry from creation to its one final state, and the lead figures.

MODEL.md, "What is measured": every lead ends in exactly one state (won, lost,
abandoned, or still open at the horizon); the lead table has one row per lead,
and the summary counts leads by source and outcome, the wait before first
contact and the conversion rate.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.model.segments import SegmentState

# where a lead comes from
ORGANIC, REFERRAL, MARKETING, COLD = "organic", "referral", "marketing", "cold"
LEAD_SOURCES = (ORGANIC, REFERRAL, MARKETING, COLD)

# how it ends (OPEN: still in the pipeline at the horizon)
WON, LOST, ABANDONED, OPEN = "won", "lost", "abandoned", "open"
LEAD_OUTCOMES = (WON, LOST, ABANDONED, OPEN)

# why a lost lead was lost
UNQUALIFIED, NO_DEAL = "unqualified", "no_deal"
LOST_REASONS = (UNQUALIFIED, NO_DEAL)


class Lead:
    """One inquiry, from creation to its one final state."""

    __slots__ = (
        "channel",
        "closed",
        "contacted",
        "created",
        "deadline",
        "id",
        "intent",
        "lost_reason",
        "outcome",
        "qualified",
        "segment",
        "source",
        "value",
        "waited",
    )

    def __init__(
        self,
        lead_id: int,
        source: str,
        channel: str,
        segment: SegmentState,
        created: float,
        intent: float,
        deadline: float,
    ) -> None:
        self.id = lead_id
        self.source = source
        self.channel = channel
        self.segment = segment
        self.created = created
        self.intent = intent
        self.deadline = deadline  # when it buys elsewhere if still not contacted
        self.contacted = math.nan
        self.qualified = False
        self.closed = math.nan
        self.outcome = OPEN
        self.lost_reason = ""
        self.value = math.nan
        self.waited = math.nan


def lead_columns(leads: list[Lead], measured_from: float) -> dict[str, np.ndarray]:
    """The lead table's columns (one entry per lead), ``in_warmup`` before ``measured_from``."""
    n = len(leads)
    return {
        "lead_id": np.fromiter((lead.id for lead in leads), np.int64, n),
        "source": np.array([lead.source for lead in leads], dtype=object),
        "channel": np.array([lead.channel for lead in leads], dtype=object),
        "segment": np.array([lead.segment.name for lead in leads], dtype=object),
        "created_h": np.fromiter((lead.created for lead in leads), float, n),
        "contacted_h": np.fromiter((lead.contacted for lead in leads), float, n),
        "qualified": np.fromiter((lead.qualified for lead in leads), bool, n),
        "closed_h": np.fromiter((lead.closed for lead in leads), float, n),
        "outcome": np.array([lead.outcome for lead in leads], dtype=object),
        "lost_reason": np.array([lead.lost_reason for lead in leads], dtype=object),
        "value": np.fromiter((lead.value for lead in leads), float, n),
        "intent": np.fromiter((lead.intent for lead in leads), float, n),
        "wait_h": np.fromiter((lead.waited for lead in leads), float, n),
        "in_warmup": np.fromiter((lead.created < measured_from for lead in leads), bool, n),
    }


def lead_summary(columns: dict[str, np.ndarray]) -> dict[str, Any]:
    """The summary's lead figures, over the leads created after the warm-up."""
    measured = ~columns["in_warmup"]
    outcome = columns["outcome"][measured]
    source = columns["source"][measured]
    contacted = ~np.isnan(columns["contacted_h"][measured])
    row: dict[str, Any] = {"leads": int(measured.sum())}
    for name in LEAD_SOURCES:
        row[f"leads_{name}"] = int((source == name).sum())
    row["leads_contacted"] = int(contacted.sum())
    row["leads_qualified"] = int(columns["qualified"][measured].sum())
    for state in LEAD_OUTCOMES:
        row[f"leads_{state}"] = int((outcome == state).sum())
    row["leads_never_contacted"] = int(((outcome == OPEN) & ~contacted).sum())
    # cold leads are booked meetings: the wait figures describe inbound leads
    inbound_waits = columns["wait_h"][measured][contacted & (source != COLD)]
    has_waits = inbound_waits.size > 0
    row["mean_wait_to_contact_h"] = float(inbound_waits.mean()) if has_waits else math.nan
    for pct in (50, 90):
        row[f"p{pct}_wait_to_contact_h"] = (
            float(np.percentile(inbound_waits, pct)) if has_waits else math.nan
        )
    row["conversion_rate"] = row["leads_won"] / row["leads"] if row["leads"] else math.nan
    return row


__all__ = [
    "ABANDONED",
    "COLD",
    "LEAD_OUTCOMES",
    "LEAD_SOURCES",
    "LOST",
    "LOST_REASONS",
    "MARKETING",
    "NO_DEAL",
    "OPEN",
    "ORGANIC",
    "REFERRAL",
    "UNQUALIFIED",
    "WON",
    "Lead",
    "lead_columns",
    "lead_summary",
]
