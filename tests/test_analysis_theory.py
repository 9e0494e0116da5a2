"""Tests for the closed-form references in :mod:`sim.analysis.theory`."""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.theory import (
    ErlangA,
    ErlangC,
    bass_cdf,
    bass_pdf,
    erlang_a,
    erlang_c,
    little_law_residual,
)

# --------------------------------------------------------------------------- #
# Erlang C
# --------------------------------------------------------------------------- #


def test_erlang_c_textbook_three_servers() -> None:
    # a = 2, c = 3: sum_{k<3} a^k/k! = 5, a^3/3! * 1/(1-rho) = 4/3 * 3 = 4,
    # so C = 4 / (5 + 4) = 4/9 and W_q = C / (c mu - lambda) = 4/9.
    r = erlang_c(2.0, 1.0, 3)
    assert isinstance(r, ErlangC)
    assert r.p_wait == pytest.approx(4.0 / 9.0, rel=1e-12)
    assert r.mean_wait == pytest.approx(4.0 / 9.0, rel=1e-12)
    assert r.mean_queue_length == pytest.approx(8.0 / 9.0, rel=1e-12)
    assert r.utilisation == pytest.approx(2.0 / 3.0, rel=1e-12)


@pytest.mark.parametrize(("lam", "mu"), [(0.5, 1.0), (0.9, 1.0), (3.0, 4.0), (0.01, 2.0)])
def test_erlang_c_mm1(lam: float, mu: float) -> None:
    rho = lam / mu
    r = erlang_c(lam, mu, 1)
    assert r.p_wait == pytest.approx(rho, rel=1e-12)
    assert r.mean_wait == pytest.approx(rho / (mu - lam), rel=1e-12)
    assert r.mean_queue_length == pytest.approx(rho**2 / (1.0 - rho), rel=1e-12)


def test_erlang_c_two_servers_closed_form() -> None:
    # M/M/2: C = 2 rho^2 / (1 + rho) with rho = lambda / (2 mu).
    lam, mu = 1.2, 1.0
    rho = lam / (2 * mu)
    r = erlang_c(lam, mu, 2)
    assert r.p_wait == pytest.approx(2 * rho**2 / (1 + rho), rel=1e-12)


def _erlang_c_direct(lam: float, mu: float, c: int) -> float:
    """Textbook sum formula in log space, for moderate c."""
    a = lam / mu
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)]
    top = c * math.log(a) - math.lgamma(c + 1) - math.log1p(-a / c)
    m = max(*logs, top)
    s = sum(math.exp(x - m) for x in logs)
    t = math.exp(top - m)
    return t / (s + t)


@pytest.mark.parametrize(("lam", "c"), [(4.5, 5), (18.0, 20), (45.0, 60)])
def test_erlang_c_matches_direct_sum(lam: float, c: int) -> None:
    assert erlang_c(lam, 1.0, c).p_wait == pytest.approx(_erlang_c_direct(lam, 1.0, c), rel=1e-10)


def test_erlang_c_large_c_is_finite() -> None:
    r = erlang_c(490.0, 1.0, 500)
    for v in (r.p_wait, r.mean_wait, r.mean_queue_length):
        assert math.isfinite(v)
    assert 0.0 < r.p_wait < 1.0
    assert r.p_wait == pytest.approx(_erlang_c_direct(490.0, 1.0, 500), rel=1e-9)
    assert r.mean_queue_length == pytest.approx(490.0 * r.mean_wait)


@pytest.mark.parametrize(
    ("lam", "mu", "c"),
    [(3.0, 1.0, 3), (4.0, 1.0, 3), (0.0, 1.0, 1), (-1.0, 1.0, 1), (1.0, 0.0, 2), (1.0, 1.0, 0)],
)
def test_erlang_c_rejects_bad_input(lam: float, mu: float, c: int) -> None:
    with pytest.raises(ValueError, match=r"unstable|must be"):
        erlang_c(lam, mu, c)


def test_erlang_c_rejects_non_integer_servers() -> None:
    with pytest.raises(ValueError, match="positive integer"):
        erlang_c(1.0, 1.0, 2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        erlang_c(math.nan, 1.0, 2)


# --------------------------------------------------------------------------- #
# Erlang A
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(("lam", "mu", "c"), [(2.0, 1.0, 3), (0.7, 1.0, 1), (45.0, 1.0, 50)])
def test_erlang_a_small_theta_reproduces_erlang_c(lam: float, mu: float, c: int) -> None:
    a = erlang_a(lam, mu, 1e-9, c)
    ref = erlang_c(lam, mu, c)
    assert a.p_wait == pytest.approx(ref.p_wait, abs=1e-6)
    assert a.mean_wait == pytest.approx(ref.mean_wait, abs=1e-6)
    assert a.mean_wait_served == pytest.approx(ref.mean_wait, abs=1e-6)
    assert a.mean_queue_length == pytest.approx(ref.mean_queue_length, abs=1e-6)
    assert a.utilisation == pytest.approx(ref.utilisation, abs=1e-6)
    assert a.p_abandon < 1e-6


def test_erlang_a_zero_theta_is_erlang_c() -> None:
    a = erlang_a(2.0, 1.0, 0.0, 3)
    ref = erlang_c(2.0, 1.0, 3)
    assert isinstance(a, ErlangA)
    assert a.p_abandon == 0.0
    assert a.p_wait == pytest.approx(ref.p_wait, rel=1e-14)
    assert a.mean_wait == pytest.approx(ref.mean_wait, rel=1e-14)
    assert a.mean_wait_served == pytest.approx(ref.mean_wait, rel=1e-14)
    assert a.mean_queue_length == pytest.approx(ref.mean_queue_length, rel=1e-14)


def test_erlang_a_zero_theta_unstable_raises() -> None:
    with pytest.raises(ValueError, match="unstable"):
        erlang_a(3.0, 1.0, 0.0, 3)


def test_erlang_a_overload_with_abandonment_is_fine() -> None:
    # With theta > 0 the chain is always stable, even when lambda > c mu.
    r = erlang_a(5.0, 1.0, 0.5, 3)
    assert 0.0 < r.p_abandon < 1.0
    # Throughput lambda (1 - P_ab) cannot exceed the capacity c mu.
    assert 5.0 * (1.0 - r.p_abandon) < 3.0
    assert 0.0 < r.utilisation < 1.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"abandonment_rate": -0.1},
        {"abandonment_rate": math.inf},
        {"servers": 0},
        {"arrival_rate": 0.0},
        {"service_rate": -1.0},
        {"tol": 0.0},
        {"tol": 1.5},
    ],
)
def test_erlang_a_rejects_bad_input(kwargs: dict[str, float]) -> None:
    args: dict[str, float] = {
        "arrival_rate": 1.0,
        "service_rate": 1.0,
        "abandonment_rate": 0.5,
        "servers": 2,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=r"must"):
        erlang_a(**args)  # type: ignore[arg-type]


def _brute_force_mm1m(lam: float, mu: float, theta: float, n_states: int) -> np.ndarray:
    """Stationary distribution of the truncated M/M/1+M generator via lstsq."""
    q = np.zeros((n_states, n_states))
    for n in range(n_states):
        if n + 1 < n_states:
            q[n, n + 1] = lam
        if n > 0:
            q[n, n - 1] = mu + (n - 1) * theta
        q[n, n] = -q[n].sum()
    # Solve pi Q = 0 together with sum(pi) = 1 as an overdetermined system.
    a = np.vstack([q.T, np.ones(n_states)])
    b = np.zeros(n_states + 1)
    b[-1] = 1.0
    pi, *_ = np.linalg.lstsq(a, b, rcond=None)
    return pi


@pytest.mark.parametrize(
    ("lam", "mu", "theta"), [(0.8, 1.0, 0.3), (2.0, 1.0, 0.7), (1.0, 1.0, 2.0)]
)
def test_erlang_a_single_server_matches_generator(lam: float, mu: float, theta: float) -> None:
    pi = _brute_force_mm1m(lam, mu, theta, 150)
    n = np.arange(pi.size)
    queue = np.maximum(n - 1, 0)
    mean_queue = float(queue @ pi)
    r = erlang_a(lam, mu, theta, 1)
    assert r.p_wait == pytest.approx(1.0 - pi[0], rel=1e-9)
    assert r.mean_queue_length == pytest.approx(mean_queue, rel=1e-9)
    assert r.p_abandon == pytest.approx(theta * mean_queue / lam, rel=1e-9)
    # Flow balance: served throughput lambda (1 - P_ab) = mu P(server busy).
    assert lam * (1.0 - r.p_abandon) == pytest.approx(mu * (1.0 - pi[0]), rel=1e-9)
    assert r.utilisation == pytest.approx(1.0 - pi[0], rel=1e-9)


def test_erlang_a_p_abandon_increases_with_theta() -> None:
    thetas = [0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 10.0]
    p_ab = [erlang_a(1.8, 1.0, th, 2).p_abandon for th in thetas]
    assert all(b > a for a, b in zip(p_ab, p_ab[1:], strict=False))
    # ... and waits get shorter as customers become more impatient.
    waits = [erlang_a(1.8, 1.0, th, 2).mean_wait for th in thetas]
    assert all(b < a for a, b in zip(waits, waits[1:], strict=False))


def test_erlang_a_heavy_overload_fluid_limit() -> None:
    # lambda = 2 c mu, theta = mu: fluid limit gives P_ab -> 1/2, queue
    # -> (lambda - c mu) / theta and served customers wait ln(2) / theta.
    r = erlang_a(1000.0, 1.0, 1.0, 500)
    assert r.p_abandon == pytest.approx(0.5, rel=1e-3)
    assert r.mean_queue_length == pytest.approx(500.0, rel=1e-3)
    assert r.mean_wait_served == pytest.approx(math.log(2.0), rel=1e-2)


@settings(max_examples=60, deadline=None)
@given(
    lam=st.floats(0.05, 20.0),
    mu=st.floats(0.1, 5.0),
    theta=st.floats(0.01, 5.0),
    c=st.integers(1, 30),
)
def test_erlang_a_invariants(lam: float, mu: float, theta: float, c: int) -> None:
    r = erlang_a(lam, mu, theta, c)
    assert 0.0 <= r.p_abandon <= r.p_wait <= 1.0
    assert r.mean_wait >= 0.0
    assert r.mean_wait_served >= 0.0
    assert 0.0 <= r.utilisation <= 1.0 + 1e-12
    assert r.utilisation <= lam / (c * mu) * (1.0 + 1e-9)
    # Flow balance: served throughput equals busy-server capacity.
    assert lam * (1.0 - r.p_abandon) == pytest.approx(c * mu * r.utilisation, rel=1e-6, abs=1e-12)


def _simulate_mmcm(
    lam: float, mu: float, theta: float, c: int, n: int, seed: int
) -> tuple[float, float, float]:
    """Exact FCFS event simulation of M/M/c+M.

    Under FCFS a customer starts service at max(arrival, earliest time a
    server is freed by the earlier customers who stayed); if that wait exceeds
    its patience it abandons and occupies no server. Returns (P(abandon),
    mean wait over all arrivals, mean wait of the served).
    """
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1.0 / lam, n))
    patience = rng.exponential(1.0 / theta, n)
    service = rng.exponential(1.0 / mu, n)
    free = [0.0] * c
    waits = np.empty(n)
    served = np.zeros(n, dtype=bool)
    for i in range(n):
        t = arrivals[i]
        w = max(free[0] - t, 0.0)
        if w <= patience[i]:
            heapq.heapreplace(free, t + w + service[i])
            served[i] = True
            waits[i] = w
        else:
            waits[i] = patience[i]
    burn = n // 20
    waits, served = waits[burn:], served[burn:]
    return float(1.0 - served.mean()), float(waits.mean()), float(waits[served].mean())


def test_erlang_a_matches_monte_carlo() -> None:
    lam, mu, theta, c = 1.5, 1.0, 0.5, 2
    p_ab, w_all, w_served = _simulate_mmcm(lam, mu, theta, c, 200_000, seed=20240601)
    r = erlang_a(lam, mu, theta, c)
    assert r.p_abandon == pytest.approx(p_ab, rel=0.03)
    assert r.mean_wait == pytest.approx(w_all, rel=0.03)
    assert r.mean_wait_served == pytest.approx(w_served, rel=0.03)
    # The served customers' mean wait is a distinct quantity from the all-arrival one.
    assert abs(r.mean_wait_served - r.mean_wait) > 0.1 * r.mean_wait


# --------------------------------------------------------------------------- #
# Bass diffusion
# --------------------------------------------------------------------------- #

P, Q = 0.03, 0.38


def test_bass_cdf_starts_at_zero_and_tends_to_one() -> None:
    assert bass_cdf(0.0, P, Q) == 0.0
    assert bass_cdf(200.0, P, Q) == pytest.approx(1.0, abs=1e-12)
    assert bass_pdf(0.0, P, Q) == pytest.approx(P, rel=1e-12)


def test_bass_cdf_is_vectorised_and_monotone() -> None:
    t = np.linspace(0.0, 60.0, 2001)
    f = bass_cdf(t, P, Q)
    assert isinstance(f, np.ndarray)
    assert f.shape == t.shape
    assert np.all(np.diff(f) > 0.0)
    assert np.all((f >= 0.0) & (f < 1.0))
    assert isinstance(bass_cdf(1.0, P, Q), float)


def test_bass_cdf_known_value_and_q_zero() -> None:
    # With q = 0 the model is exponential adoption F = 1 - exp(-p t).
    t = np.array([0.5, 3.0, 10.0])
    np.testing.assert_allclose(bass_cdf(t, 0.2, 0.0), 1.0 - np.exp(-0.2 * t), rtol=1e-14)
    # Peak of the density is at t* = ln(q/p) / (p + q), where F = (q - p) / (2q).
    t_star = math.log(Q / P) / (P + Q)
    assert bass_cdf(t_star, P, Q) == pytest.approx((Q - P) / (2 * Q), rel=1e-12)
    h = 1e-3
    assert bass_pdf(t_star, P, Q) > bass_pdf(t_star - h, P, Q)
    assert bass_pdf(t_star, P, Q) > bass_pdf(t_star + h, P, Q)


def test_bass_pdf_is_derivative_of_cdf() -> None:
    t = np.linspace(0.01, 40.0, 500)
    h = 1e-5
    numeric = (np.asarray(bass_cdf(t + h, P, Q)) - np.asarray(bass_cdf(t - h, P, Q))) / (2 * h)
    np.testing.assert_allclose(bass_pdf(t, P, Q), numeric, rtol=1e-6, atol=1e-10)


@settings(max_examples=50, deadline=None)
@given(
    p=st.floats(1e-3, 1.0),
    q=st.floats(0.0, 2.0),
    t=st.floats(0.0, 100.0),
)
def test_bass_hazard_identity(p: float, q: float, t: float) -> None:
    f = bass_cdf(t, p, q)
    assert isinstance(f, float)
    assert bass_pdf(t, p, q) == pytest.approx((p + q * f) * (1.0 - f), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(("t", "p", "q"), [(-1.0, P, Q), (1.0, 0.0, Q), (1.0, P, -0.1)])
def test_bass_rejects_bad_input(t: float, p: float, q: float) -> None:
    with pytest.raises(ValueError, match="must"):
        bass_cdf(t, p, q)
    with pytest.raises(ValueError, match="must"):
        bass_pdf(t, p, q)


# --------------------------------------------------------------------------- #
# Little's law
# --------------------------------------------------------------------------- #


def test_little_law_residual() -> None:
    assert little_law_residual(6.0, 2.0, 3.0) == 0.0
    assert little_law_residual(6.0, 2.0, 2.7) == pytest.approx(0.1)
    assert little_law_residual(6.0, 2.0, 3.3) == pytest.approx(-0.1)
    assert little_law_residual(0.0, 0.0, 5.0) == 0.0
    assert abs(little_law_residual(0.0, 1.0, 1.0)) > 1e100
