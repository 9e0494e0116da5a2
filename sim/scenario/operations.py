"""Orders after the sale: delivery, chasing production, and the operations department.

Part of the scenario schema (re-exported by ``sim.scenario.schema``). MODEL.md,
"Every shortcut has a price": an order reaches the customer after a delivery
time, and problems show then, not at booking; some orders need someone to
chase production to arrive on time, and an order that needed chasing but was
not chased is late with a chance, which is a problem for the customer. Who
chases is a choice of the firm: sales (the sales-only firm's salespeople
expedite), a small operations department, or nobody.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.distributions import Dist
from sim.scenario.fields import (
    CHOICE,
    DurationDist,
    FieldProblem,
    Headcount,
    Money,
    Share,
    Spec,
    Switch,
    kind,
)

CHASERS = ("sales", "operations", "nobody")


class Production(Spec):
    """How orders reach the customer, and who chases production to keep them on time."""

    delivery: DurationDist = Field(
        default_factory=lambda: Dist.fixed(0.0),
        description="Time from an order to its delivery; a problem shows at delivery.",
    )
    chase_share: Share = Field(
        0.0, description="Share of orders that need someone to chase production to be on time."
    )
    chased_by: Literal["sales", "operations", "nobody"] = Field(
        "sales",
        description="Who chases those orders: 'sales', 'operations' or 'nobody'.",
        json_schema_extra=kind(CHOICE),
    )
    chase_time: DurationDist = Field(
        default_factory=lambda: Dist.fixed(0.0), description="Time to chase one order."
    )
    late_share: Share = Field(
        0.0,
        description="Chance an order that needed chasing is late when nobody chased it; a "
        "late delivery is a problem for the customer.",
    )
    repeat_orders: Switch = Field(True, description="Repeat orders need chasing too.")


class Operations(Spec):
    """Operations: staff who chase production when ``production.chased_by = 'operations'``."""

    staff: Headcount = Field(0, description="Operations staff.")
    cost_per_head: Money = Field(0.0, description="Weekly cost of one operations employee.")


def check_chasers(production: Production, operations: Operations) -> None:
    """Chasing by operations needs operations staff (else orders would wait for nobody)."""
    if production.chased_by == "operations" and operations.staff == 0:
        raise FieldProblem(
            "production.chased_by",
            "chased_by = 'operations' needs operations.staff > 0; or let 'sales' or "
            "'nobody' chase production",
        )


__all__ = ["CHASERS", "Operations", "Production", "check_chasers"]
