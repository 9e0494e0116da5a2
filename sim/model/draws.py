"""Per-entity random numbers: each lead and customer carries its own draws.

MODEL.md, "Randomness": pairing must reach the entities, not only the streams.
Each inquiry and each customer carries its own uniforms, made at its creation
from a stream keyed by its source and its index in that source, so the same
inquiry is the same buyer in every scenario that has it (Law, *Simulation
Modeling and Analysis*, on synchronising common random numbers). A quantity is
then the quantile of its distribution at the entity's uniform, so scenarios
that differ in a distribution still move the same buyer monotonically.

- **Leads**: every candidate of a source (a thinning candidate, accepted or
  not, or a cold call that hit) takes the next row of :data:`LEAD_WIDTH`
  uniforms from the source's stream, drawn in blocks; candidate ``k`` of a
  source always gets row ``k``, so two firms that share a source share its
  buyers row for row.
- **Customers**: a customer's uniforms come from a counter-based generator
  (Philox) keyed by the stream of its origin and the index of the lead that
  won it (or its place in the initial base), so it can be made at any moment
  without drawing the rows of every other candidate. Each order ``n`` of the
  customer has its own row of :data:`ORDER_WIDTH` uniforms, whatever happened
  to earlier orders.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Iterator

import numpy as np
from scipy import special

from sim.distributions import Dist

# the columns of a lead's row: its patience, its chances, its deal, and how long the
# work on it takes (the same buyer takes as long to contact in every firm)
PATIENCE, QUALIFY, WIN, DEAL_VALUE, CONTACT_TIME, COLLECTION_TIME = range(6)
MEETINGS = 6  # three uniforms per meeting from here: booking lead time, stall, length
MEETING_SLOTS = 5  # meetings that draw from the row; later ones from a department stream
LEAD_WIDTH = MEETINGS + 3 * MEETING_SLOTS

# the columns of a customer's base row and of each of its orders' rows
CHURN = 0
BASE_WIDTH = 2
(
    GAP,
    ORDER_VALUE,
    CHASE,
    LATE,
    DELIVERY,
    PROBLEM,
    COMPLAIN,
    LOYALTY,
    SATISFIED,
    HANDLING_TIME,
    COMPLAINT_TIME,
    CHASE_TIME,
) = range(12)
ORDER_WIDTH = 12
ORDERS_PER_BLOCK = 8

LEAD_BLOCK = 256


def quantile(dist: Dist) -> Callable[[float], float]:
    """The quantile function of ``dist``: ``u`` in [0, 1) to a draw, monotone in ``u``."""
    p = dict(dist.params)
    kind = dist.kind
    if kind == "fixed":
        value = float(p["value"])
        return lambda u: value
    if kind == "exponential":
        mean = float(p["mean"])
        return lambda u: -mean * math.log1p(-u)
    if kind == "uniform":
        low, width = float(p["low"]), float(p["high"]) - float(p["low"])
        return lambda u: low + width * u
    if kind == "triangular":
        low, mode, high = float(p["low"]), float(p["mode"]), float(p["high"])
        split = (mode - low) / (high - low)

        def triangular(u: float) -> float:
            if u < split:
                return low + math.sqrt(u * (high - low) * (mode - low))
            return high - math.sqrt((1.0 - u) * (high - low) * (high - mode))

        return triangular
    if kind == "lognormal":
        sigma2 = math.log1p((p["sd"] / p["mean"]) ** 2)
        mu = math.log(p["mean"]) - sigma2 / 2.0
        sigma = math.sqrt(sigma2)
        return lambda u: math.exp(mu + sigma * float(special.ndtri(u)))
    if kind == "gamma":
        shape = (p["mean"] / p["sd"]) ** 2
        scale = p["sd"] ** 2 / p["mean"]
        return lambda u: scale * float(special.gammaincinv(shape, u))
    values = [float(v) for v in p["values"]]
    cumulative = list(itertools.accumulate(float(w) for w in p["weights"]))
    last = len(values) - 1
    return lambda u: values[min(bisect.bisect_right(cumulative, u * cumulative[-1]), last)]


class LeadRows:
    """Rows of :data:`LEAD_WIDTH` uniforms for the candidates of one source, in blocks."""

    def __init__(self, generator: np.random.Generator, block: int = LEAD_BLOCK) -> None:
        self._rows = self._blocks(generator, block)
        self.taken = 0  # rows handed out so far: the next candidate's index

    @staticmethod
    def _blocks(generator: np.random.Generator, block: int) -> Iterator[list[float]]:
        while True:
            yield from generator.random((block, LEAD_WIDTH)).tolist()

    def next(self) -> list[float]:
        """The next candidate's row."""
        self.taken += 1
        return next(self._rows)


class CustomerDraws:
    """One customer's uniforms: a base row, and a row per order made on demand."""

    __slots__ = ("_generator", "_orders", "base")

    def __init__(self, key: tuple[int, int], index: int) -> None:
        # Philox is counter-based: the customer's index in the counter's second word
        # gives every customer of a stream its own, non-overlapping sequence
        bit_generator = np.random.Philox(
            key=np.array(key, dtype=np.uint64), counter=[0, index, 0, 0]
        )
        self._generator = np.random.Generator(bit_generator)
        first = self._generator.random(BASE_WIDTH + ORDERS_PER_BLOCK * ORDER_WIDTH).tolist()
        self.base = first[:BASE_WIDTH]
        self._orders = [
            first[BASE_WIDTH + n * ORDER_WIDTH : BASE_WIDTH + (n + 1) * ORDER_WIDTH]
            for n in range(ORDERS_PER_BLOCK)
        ]

    def order(self, number: int) -> list[float]:
        """The uniforms of the customer's order ``number`` (0: the first)."""
        orders = self._orders
        while number >= len(orders):
            orders.extend(self._generator.random((ORDERS_PER_BLOCK, ORDER_WIDTH)).tolist())
        return orders[number]


__all__ = [
    "BASE_WIDTH",
    "CHASE",
    "CHASE_TIME",
    "CHURN",
    "COLLECTION_TIME",
    "COMPLAIN",
    "COMPLAINT_TIME",
    "CONTACT_TIME",
    "DEAL_VALUE",
    "DELIVERY",
    "GAP",
    "HANDLING_TIME",
    "LATE",
    "LEAD_WIDTH",
    "LOYALTY",
    "MEETINGS",
    "MEETING_SLOTS",
    "ORDER_VALUE",
    "ORDER_WIDTH",
    "PATIENCE",
    "PROBLEM",
    "QUALIFY",
    "SATISFIED",
    "WIN",
    "CustomerDraws",
    "LeadRows",
    "quantile",
]
