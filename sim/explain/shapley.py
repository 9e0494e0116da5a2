"""Shapley values over groups of settings: exact, or from sampled permutations.

A *coalition* is a subset of the ``k`` groups, written as a bit mask (bit ``i``
set: group ``i`` switched from scenario A to scenario B), and ``v(S)`` is a
figure of the scenario "A with the groups in S switched to B", so ``v(0)`` is
A and ``v(2^k - 1)`` is B. The Shapley value of group ``i`` is its marginal
contribution ``v(S + i) - v(S)`` averaged over every order in which the groups
could be switched (Shapley 1953)::

    phi_i = sum over S without i of |S|! (k - |S| - 1)! / k! * (v(S + i) - v(S))

The values add up to ``v(all) - v(none)`` (efficiency), a group that changes
nothing gets 0, and two groups that act only together share their effect
equally. Every function here works on arrays with one column per replication,
so that each replication gets its own Shapley values from its own paired runs
and the values add up exactly, replication by replication.

Above a few groups, :func:`permutation_shapley` averages the marginal
contributions along sampled orders instead (Castro, Gomez and Tejada 2009):
each order's contributions add up to the total as well, so the estimate stays
exact in its sum, and its sampling error is estimated from the spread of the
orders.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

#: Groups up to which every coalition is run (2^8 = 256 coalitions).
EXACT_LIMIT = 8


def full_mask(k: int) -> int:
    """The coalition of all ``k`` groups."""
    return (1 << k) - 1


def members(mask: int, k: int) -> list[int]:
    """The groups in a coalition, in order."""
    return [i for i in range(k) if mask >> i & 1]


def shapley_weights(k: int) -> list[float]:
    """``|S|! (k - |S| - 1)! / k!`` for coalitions of size 0 to ``k - 1``."""
    return [
        math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k) for size in range(k)
    ]


def exact_shapley(values: Mapping[int, npt.ArrayLike], k: int) -> np.ndarray:
    """Shapley values of ``k`` groups from the values of every coalition.

    Parameters
    ----------
    values
        ``v(S)`` for every coalition mask ``S`` from 0 to ``2^k - 1``: a number,
        or an array (one entry per replication, the same length for all).
    k
        Number of groups.

    Returns
    -------
    numpy.ndarray
        Shape ``(k,)`` or ``(k, n)``: row ``i`` is group ``i``'s Shapley value
        (per replication). The rows add up to ``v(all) - v(none)``.
    """
    if k == 0:
        return np.zeros((0, *np.shape(values[0])))
    missing = [mask for mask in range(1 << k) if mask not in values]
    if missing:
        raise ValueError(f"values lack {len(missing)} coalition(s), e.g. mask {missing[0]}")
    table = {mask: np.asarray(values[mask], dtype=float) for mask in range(1 << k)}
    weights = shapley_weights(k)
    result = np.zeros((k, *table[0].shape))
    for i in range(k):
        bit = 1 << i
        for mask in range(1 << k):
            if mask & bit:
                continue
            size = mask.bit_count()
            result[i] += weights[size] * (table[mask | bit] - table[mask])
    return result


def permutation_shapley(
    value: Callable[[int], float], orders: Sequence[Sequence[int]], k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shapley values estimated along given orders of the groups.

    Parameters
    ----------
    value
        ``v(S)`` of a coalition mask.
    orders
        Permutations of ``range(k)``: the orders in which groups are switched.
    k
        Number of groups.

    Returns
    -------
    estimate, standard_error : numpy.ndarray
        Each of shape ``(k,)``: the mean marginal contribution of each group over
        the orders (they add up to ``v(all) - v(none)`` whatever the orders), and
        the standard error of that mean from the orders' spread (NaN with one
        order).
    """
    if not orders:
        raise ValueError("permutation_shapley needs at least one order")
    marginals = np.zeros((len(orders), k))
    for row, order in enumerate(orders):
        if sorted(order) != list(range(k)):
            raise ValueError(f"order {list(order)} is not a permutation of 0..{k - 1}")
        mask, before = 0, value(0)
        for group in order:
            mask |= 1 << group
            after = value(mask)
            marginals[row, group] = after - before
            before = after
    estimate = marginals.mean(axis=0)
    if len(orders) > 1:
        error = marginals.std(axis=0, ddof=1) / math.sqrt(len(orders))
    else:
        error = np.full(k, math.nan)
    return estimate, error


def sample_orders(k: int, count: int, rng: np.random.Generator) -> list[list[int]]:
    """``count`` orders of ``k`` groups: random permutations, each followed by its
    reverse (antithetic pairs: a group switched early in one is switched late in
    the other, which halves much of the sampling error for the same runs)."""
    orders: list[list[int]] = []
    while len(orders) < count:
        order = [int(group) for group in rng.permutation(k)]
        orders.append(order)
        if len(orders) < count:
            orders.append(order[::-1])
    return orders


def order_coalitions(orders: Sequence[Sequence[int]]) -> set[int]:
    """Every coalition the orders pass through (the empty and the full one included)."""
    needed = {0}
    for order in orders:
        mask = 0
        for group in order:
            mask |= 1 << group
            needed.add(mask)
    return needed


__all__ = [
    "EXACT_LIMIT",
    "exact_shapley",
    "full_mask",
    "members",
    "order_coalitions",
    "permutation_shapley",
    "sample_orders",
    "shapley_weights",
]
