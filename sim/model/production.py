"""Chasing production: who keeps orders on time, and what it costs when nobody does.

MODEL.md, "Every shortcut has a price": some orders need someone to chase
production to be delivered on time (``production.chase_share``, read from the
order's own uniform, so the same order needs chasing in every firm). Who
chases is the firm's choice: sales (the salespeople book the hours as
expediting), an operations department, or nobody. Chasing must start before
the order is delivered: a chase still waiting in the queue at delivery is
dropped, and an order that needed chasing and did not get it in time is late
with ``production.late_share`` (again the order's own uniform). A late
delivery is a problem for the customer (``sim.model.customers``), so a firm
whose chasers cannot keep up pays in problems, complaints and churn.
"""

from __future__ import annotations

from sim.model.context import RunContext
from sim.model.customers import Customer
from sim.model.draws import CHASE, CHASE_TIME, LATE, quantile
from sim.model.work import Department, Job
from sim.scenario.schema import Production


class Chase:
    """One order that needs chasing: done in time or not, and late if not."""

    __slots__ = ("customer", "deadline", "done", "draws", "late_if_unchased")

    def __init__(
        self, customer: Customer, deadline: float, late_if_unchased: bool, draws: list[float]
    ) -> None:
        self.customer = customer
        self.deadline = deadline  # the delivery: a chase not started by then is too late
        self.late_if_unchased = late_if_unchased
        self.draws = draws  # the order's own uniforms (its chasing time among them)
        self.done = False

    def late(self) -> bool:
        """Whether the order arrives late (asked at delivery)."""
        return self.late_if_unchased and not self.done


class Chasing:
    """Decides, order by order, whether production needs chasing, and queues the chase."""

    def __init__(self, context: RunContext, spec: Production, chasers: Department | None) -> None:
        self.spec = spec
        self.department = chasers
        self._share = spec.chase_share
        if chasers is not None:
            self._time = quantile(spec.chase_time)
            self._category = chasers.ledger.index("expediting")
            chasers.handle("expedite", self.take_chase, on_expire=self.too_late)

    def order_placed(
        self, customer: Customer, draws: list[float], repeat: bool, delivery: float
    ) -> Chase | None:
        """The chase an order needs before ``delivery`` (queued if someone chases), or None."""
        if self._share == 0 or (repeat and not self.spec.repeat_orders):
            return None
        if draws[CHASE] >= self._share:
            return None  # this order is on time by itself
        chase = Chase(customer, delivery, draws[LATE] < self.spec.late_share, draws)
        if self.department is not None:
            self.department.submit("expedite", chase)
        return chase

    def take_chase(self, chase: Chase) -> Job:
        """Chase production for one order (in time: it was taken before delivery)."""
        chase.done = True
        return self._time(chase.draws[CHASE_TIME]), self._category, None

    def too_late(self, chase: Chase) -> None:
        """The order was delivered before anyone chased it."""
        return


__all__ = ["Chase", "Chasing"]
