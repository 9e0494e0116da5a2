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

# why a lost lead was lost: it did not qualify, it decided against, or it never decided
UNQUALIFIED, NO_DEAL, NO_DECISION = "unqualified", "no_deal", "no_decision"
LOST_REASONS = (UNQUALIFIED, NO_DEAL, NO_DECISION)


class Lead:
    """One inquiry, from creation to its one final state.

    ``draws`` is the lead's own row of uniforms (``sim.model.draws``): the same
    inquiry has the same row in every scenario that has it. ``origin`` and
    ``index`` name that row (its source's stream and its candidate number), and
    key the draws of the customer it may become.
    """

    __slots__ = (
        "channel",
        "closed",
        "contacted",
        "created",
        "deadline",
        "draws",
        "id",
        "index",
        "intent",
        "lost_reason",
        "meetings",
        "origin",
        "outcome",
        "progress",
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
        draws: list[float],
        origin: str,
        index: int,
    ) -> None:
        self.id = lead_id
        self.source = source
        self.channel = channel
        self.segment = segment
        self.created = created
        self.intent = intent
        self.deadline = deadline  # when it buys elsewhere if still not contacted
        self.draws = draws
        self.origin = origin
        self.index = index
        self.meetings = 0  # closing meetings held
        self.progress = 0  # of which moved the deal on (the rest stalled)
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


def lead_summary(columns: dict[str, np.ndarray], horizon: float) -> dict[str, Any]:
    """The summary's lead figures, over the leads created after the warm-up.

    The wait figures describe inbound leads (cold leads are booked meetings).
    ``*_wait_to_contact_h`` count every inbound lead, each at the wait it had
    before first contact, before it left (abandoned), or until the horizon if
    it is still waiting there: censored waits, so a firm cannot look quick by
    letting its slowest leads walk away. ``*_wait_contacted_h`` are the same
    over the contacted leads only.
    """
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
    row["leads_no_decision"] = int((columns["lost_reason"][measured] == NO_DECISION).sum())
    row["leads_never_contacted"] = int(((outcome == OPEN) & ~contacted).sum())
    inbound = source != COLD
    waits = columns["wait_h"][measured]
    still_waiting = np.isnan(waits)  # open and never contacted: censored at the horizon
    censored = np.where(still_waiting, horizon - columns["created_h"][measured], waits)
    for label, values in (
        ("to_contact", censored[inbound]),
        ("contacted", waits[inbound & contacted]),
    ):
        has_waits = values.size > 0
        row[f"mean_wait_{label}_h"] = float(values.mean()) if has_waits else math.nan
        for pct in (50, 90):
            row[f"p{pct}_wait_{label}_h"] = (
                float(np.percentile(values, pct)) if has_waits else math.nan
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
    "NO_DECISION",
    "OPEN",
    "ORGANIC",
    "REFERRAL",
    "UNQUALIFIED",
    "WON",
    "Lead",
    "lead_columns",
    "lead_summary",
]
