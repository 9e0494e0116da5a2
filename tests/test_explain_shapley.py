"""Shapley values of toy games, without the model: known answers, exactly."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from sim.explain.shapley import (
    exact_shapley,
    full_mask,
    members,
    order_coalitions,
    permutation_shapley,
    sample_orders,
    shapley_weights,
)


def table(k: int, value) -> dict[int, float]:
    return {mask: value(set(members(mask, k))) for mask in range(1 << k)}


def test_an_additive_game_gives_each_player_its_own_effect():
    effects = [3.0, -1.5, 0.25, 10.0]
    values = table(4, lambda s: 100.0 + sum(effects[i] for i in s))
    assert exact_shapley(values, 4).tolist() == pytest.approx(effects, abs=1e-12)


def test_two_players_who_act_only_together_share_their_effect_equally():
    # v = 6 when 0 and 1 are both in; 2 is a dummy; 3 adds 1 on its own
    values = table(4, lambda s: 6.0 * ({0, 1} <= s) + 1.0 * (3 in s))
    assert exact_shapley(values, 4).tolist() == pytest.approx([3.0, 3.0, 0.0, 1.0], abs=1e-12)


def test_the_glove_game_has_its_textbook_values():
    # one left glove (0) and two right gloves (1, 2): a pair is worth 1
    values = table(3, lambda s: float(0 in s and bool({1, 2} & s)))
    assert exact_shapley(values, 3).tolist() == pytest.approx([2 / 3, 1 / 6, 1 / 6], abs=1e-12)


def test_an_interaction_of_three_is_split_in_three_and_values_add_up():
    values = table(3, lambda s: 5.0 * len(s) ** 2)
    shapley = exact_shapley(values, 3)
    assert shapley.tolist() == pytest.approx([15.0, 15.0, 15.0])
    assert shapley.sum() == pytest.approx(values[full_mask(3)] - values[0])


def test_values_per_replication_add_up_to_each_replications_difference():
    rng = np.random.default_rng(3)
    k, n = 5, 7
    values = {mask: rng.normal(size=n) * 100 for mask in range(1 << k)}
    shapley = exact_shapley(values, k)
    assert shapley.shape == (k, n)
    np.testing.assert_allclose(shapley.sum(axis=0), values[full_mask(k)] - values[0], atol=1e-9)


def test_the_weights_of_all_orders_sum_to_one_for_each_player():
    for k in range(1, 9):
        weights = shapley_weights(k)
        total = sum(math.comb(k - 1, size) * weights[size] for size in range(k))
        assert total == pytest.approx(1.0)


def test_every_order_gives_the_exact_values():
    values = table(4, lambda s: 2.0 * (0 in s) * (2 in s) + 3.0 * (1 in s) - (3 in s) * len(s))
    orders = [list(order) for order in itertools.permutations(range(4))]
    estimate, error = permutation_shapley(lambda mask: values[mask], orders, 4)
    np.testing.assert_allclose(estimate, exact_shapley(values, 4), atol=1e-12)
    assert np.all(np.isfinite(error))


def test_sampled_orders_add_up_exactly_and_an_additive_game_needs_one_order():
    effects = [1.0, 2.0, 4.0, 8.0, 16.0]
    values = table(5, lambda s: sum(effects[i] for i in s))
    orders = sample_orders(5, 3, np.random.default_rng(0))
    estimate, error = permutation_shapley(lambda mask: values[mask], orders, 5)
    assert estimate.tolist() == pytest.approx(effects)
    assert error.tolist() == pytest.approx([0.0] * 5)
    assert estimate.sum() == pytest.approx(values[full_mask(5)] - values[0])


def test_orders_come_in_antithetic_pairs_and_their_coalitions_are_listed():
    orders = sample_orders(6, 4, np.random.default_rng(1))
    assert len(orders) == 4
    assert orders[1] == orders[0][::-1]
    assert orders[3] == orders[2][::-1]
    assert all(sorted(order) == list(range(6)) for order in orders)
    needed = order_coalitions(orders)
    assert 0 in needed
    assert full_mask(6) in needed
    assert len(needed) <= 2 + 4 * 5


def test_missing_coalitions_and_bad_orders_are_refused():
    with pytest.raises(ValueError, match="lack"):
        exact_shapley({0: 1.0, 1: 2.0}, 2)
    with pytest.raises(ValueError, match="not a permutation"):
        permutation_shapley(lambda mask: 0.0, [[0, 0]], 2)
    with pytest.raises(ValueError, match="at least one order"):
        permutation_shapley(lambda mask: 0.0, [], 2)


def test_no_groups_give_no_values():
    assert exact_shapley({0: np.array([1.0, 2.0])}, 0).shape == (0, 2)
