"""Per-entity random numbers (sim.model.draws): quantiles, lead rows, customer draws."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.distributions import Dist, parse_dist
from sim.model.draws import (
    BASE_WIDTH,
    LEAD_WIDTH,
    ORDER_WIDTH,
    CustomerDraws,
    CustomerStream,
    LeadRows,
    quantile,
)

UNIFORMS = np.linspace(0.001, 0.999, 57)

CASES = [
    ({"dist": "exponential", "mean": "2 h"}, stats.expon(scale=2.0)),
    ({"dist": "uniform", "low": "1 h", "high": "3 h"}, stats.uniform(1.0, 2.0)),
    ({"dist": "triangular", "low": "1 h", "mode": "2 h", "high": "5 h"}, stats.triang(0.25, 1, 4)),
    ({"dist": "gamma", "mean": "2 h", "sd": "1 h"}, stats.gamma(4.0, scale=0.5)),
    ({"dist": "lognormal", "mean": 6000, "sd": 3000}, None),
]


def _quantity(raw):
    return "money" if isinstance(raw.get("mean"), int) else "duration"


@pytest.mark.parametrize(("raw", "reference"), CASES)
def test_quantiles_match_scipy(raw, reference):
    dist = parse_dist(
        raw, "money" if "mean" in raw and isinstance(raw["mean"], int) else "duration", 40.0
    )
    if reference is None:  # lognormal by mean and sd
        sigma2 = np.log1p((3000 / 6000) ** 2)
        reference = stats.lognorm(np.sqrt(sigma2), scale=np.exp(np.log(6000) - sigma2 / 2))
    q = quantile(dist)
    np.testing.assert_allclose([q(u) for u in UNIFORMS], reference.ppf(UNIFORMS), rtol=1e-9)


def test_fixed_and_empirical_quantiles():
    assert quantile(Dist.fixed(3.5))(0.7) == 3.5
    empirical = Dist("empirical", (("values", (1.0, 5.0, 9.0)), ("weights", (0.5, 0.3, 0.2))))
    q = quantile(empirical)
    assert [q(u) for u in (0.0, 0.49, 0.5, 0.79, 0.8, 0.999)] == [1.0, 1.0, 5.0, 5.0, 9.0, 9.0]


@pytest.mark.parametrize(("raw", "reference"), CASES)
def test_quantiles_are_monotone(raw, reference):
    dist = parse_dist(raw, _quantity(raw), 40.0)
    values = [quantile(dist)(u) for u in UNIFORMS]
    assert all(b >= a for a, b in zip(values, values[1:], strict=False))


def test_lead_row_k_does_not_depend_on_the_block_size():
    small = LeadRows(np.random.default_rng(7), block=3)
    large = LeadRows(np.random.default_rng(7), block=1000)
    rows_small = [small.next() for _ in range(10)]
    rows_large = [large.next() for _ in range(10)]
    assert rows_small == rows_large
    assert all(len(row) == LEAD_WIDTH for row in rows_small)
    assert small.taken == 10
    flat = np.random.default_rng(7).random(10 * LEAD_WIDTH).reshape(10, LEAD_WIDTH).tolist()
    assert rows_small == flat


def test_customer_draws_depend_on_key_and_index_only():
    stream = CustomerStream((11, 22))
    a = CustomerDraws(stream, 5)
    late = CustomerDraws(CustomerStream((11, 22)), 5)
    assert late.order(20) == a.order(20)  # asked out of order: the same rows
    assert [late.order(n) for n in range(21)] == [a.order(n) for n in range(21)]
    assert late.base == a.base
    assert CustomerDraws(stream, 6).base != a.base
    assert CustomerDraws(CustomerStream((11, 23)), 5).base != a.base
    assert all(len(a.order(n)) == ORDER_WIDTH for n in range(30))
    values = np.array([a.order(n) for n in range(200)]).ravel()
    assert 0.0 <= values.min() < 0.01
    assert 0.99 < values.max() < 1.0
    assert stats.kstest(values, "uniform").pvalue > 1e-3


@pytest.mark.parametrize("index", [0, 5, 2**40 + 3])
def test_customer_draws_are_the_sequence_of_a_philox_of_their_own(index):
    """One Philox per origin, moved customer to customer, gives each customer the
    numbers of ``Philox(key, counter=[0, index, 0, 0])`` (what a generator per
    customer gave, and the back-tests hold), in any order of asking."""
    key = (2**63 + 12345, 678)
    own = np.random.Generator(
        np.random.Philox(key=np.array(key, dtype=np.uint64), counter=[0, index, 0, 0])
    )
    sequence = own.random(BASE_WIDTH + 40 * ORDER_WIDTH).tolist()
    stream = CustomerStream(key)
    draws = CustomerDraws(stream, index)
    CustomerDraws(stream, index + 1).order(30)  # another customer moves the counter meanwhile
    assert draws.base == sequence[:BASE_WIDTH]
    for number in (0, 1, 17, 9, 39, 8):
        start = BASE_WIDTH + number * ORDER_WIDTH
        assert draws.order(number) == sequence[start : start + ORDER_WIDTH], number
    for start, count in ((0, 1), (1, 6), (3, 9), (4, 4), (97, 30)):
        assert stream.uniforms(index, start, count) == sequence[start : start + count]
