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

Customer ``i`` of an origin draws the sequence of ``Philox(key,
counter=[0, i, 0, 0])``, but no generator is built per customer: building one
costs about 20 microseconds (numpy seeds every new bit generator from the
operating system's entropy before the key replaces it), a third of a run where
every inquiry is won (the Bass check). :class:`CustomerStream` holds one Philox
per origin and moves its counter to wherever a customer's row starts: Philox
makes four 64-bit words per counter step, one per uniform, so uniform ``j`` of
customer ``i`` is word ``j mod 4`` of counter ``[j // 4 + 1, i, 0, 0]``.
The numbers are those of a generator per customer (``tests/test_draws.py``).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Iterator
from typing import Any

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
ORDERS_PER_BLOCK = 8  # order rows drawn at once when a customer has used its first

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


class CustomerStream:
    """The counter-based generator of one origin's customers, moved to each customer's row.

    ``uniforms(i, start, count)`` are uniforms ``start`` to ``start + count - 1``
    of customer ``i``'s own sequence, the sequence of a fresh
    ``Generator(Philox(key, counter=[0, i, 0, 0]))``, reached by setting the
    counter rather than by building that generator (see the module's docstring).
    """

    __slots__ = ("_bit_generator", "_key", "_random")

    def __init__(self, key: tuple[int, int]) -> None:
        self._key = [int(key[0]), int(key[1])]
        self._bit_generator = np.random.Philox(key=np.array(key, dtype=np.uint64))
        self._random = np.random.Generator(self._bit_generator).random

    def uniforms(self, index: int, start: int, count: int) -> list[float]:
        """Uniforms ``start`` (0: the first) to ``start + count - 1`` of customer ``index``."""
        step, skip = divmod(start, 4)
        # the state of Philox(key, counter=[step, index, 0, 0]) with nothing buffered:
        # its next word is the first of counter step + 1, uniform 4 * step of the sequence.
        # Plain lists, though numpy's stubs say arrays: numpy reads them word by word,
        # and building arrays would cost more than the rest of this method.
        state: Any = {
            "bit_generator": "Philox",
            "state": {"counter": [step, index, 0, 0], "key": self._key},
            "buffer": [0, 0, 0, 0],
            "buffer_pos": 4,
            "has_uint32": 0,
            "uinteger": 0,
        }
        self._bit_generator.state = state
        drawn: list[float] = self._random(skip + count).tolist()
        return drawn[skip:] if skip else drawn


class CustomerDraws:
    """One customer's uniforms: a base row, and a row per order made on demand.

    The base row is uniforms ``0`` to ``BASE_WIDTH - 1`` of the customer's
    sequence, order ``n``'s row the :data:`ORDER_WIDTH` after it
    (``BASE_WIDTH + n * ORDER_WIDTH`` on).
    """

    __slots__ = ("_index", "_orders", "_stream", "base")

    def __init__(self, stream: CustomerStream, index: int) -> None:
        self._stream = stream
        self._index = index
        # every customer needs its base row and its first order at once
        first = stream.uniforms(index, 0, BASE_WIDTH + ORDER_WIDTH)
        self.base = first[:BASE_WIDTH]
        self._orders = [first[BASE_WIDTH:]]

    def order(self, number: int) -> list[float]:
        """The uniforms of the customer's order ``number`` (0: the first)."""
        orders = self._orders
        if number >= len(orders):
            rows = max(number + 1 - len(orders), ORDERS_PER_BLOCK)
            drawn = self._stream.uniforms(
                self._index, BASE_WIDTH + len(orders) * ORDER_WIDTH, rows * ORDER_WIDTH
            )
            orders.extend(drawn[n * ORDER_WIDTH : (n + 1) * ORDER_WIDTH] for n in range(rows))
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
    "CustomerStream",
    "LeadRows",
    "quantile",
]
