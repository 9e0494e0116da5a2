"""Closed-form queueing and diffusion references the simulation is validated against.

Every function here is a deterministic, analytically derived quantity that the
discrete-event simulation of flocksim should reproduce statistically when it is
configured to match the model's assumptions:

* :func:`erlang_c` -- the M/M/c queue (Erlang C), the service desk without
  abandonment;
* :func:`erlang_a` -- the M/M/c+M queue (Palm's model, "Erlang A"; Garnett,
  Mandelbaum and Reiman 2002), the service desk with exponential patience;
* :func:`bass_cdf` and :func:`bass_pdf` -- the Bass (1969) diffusion curve that
  the marketing funnel's cumulative adoption is compared with;
* :func:`little_law_residual` -- the relative residual of Little's law
  ``L = lambda * W``, a model-free sanity check on any measured queue.

The module has no side effects on import and holds no state. It runs past 400
lines because Erlang A has no closed form short enough to trust unexplained: its
truncated birth-death chain is derived beside the code; the references are one
concept (what the model must reproduce) and stay together.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from numbers import Integral
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "ErlangA",
    "ErlangC",
    "bass_cdf",
    "bass_pdf",
    "erlang_a",
    "erlang_c",
    "little_law_residual",
]

#: Largest number of states the truncated Erlang A chain may use before giving up.
_MAX_STATES: Final[int] = 20_000_000


@dataclass(frozen=True, slots=True)
class ErlangC:
    """Stationary performance of an M/M/c queue.

    Attributes
    ----------
    p_wait : float
        Probability that an arrival finds all servers busy and has to wait
        (Erlang C formula; equals the time-stationary probability by PASTA).
    mean_wait : float
        Mean time spent in the queue (before service starts), averaged over all
        arrivals, including those that do not wait.
    mean_queue_length : float
        Mean number of customers waiting (not in service),
        ``arrival_rate * mean_wait`` by Little's law.
    utilisation : float
        Offered load per server, ``arrival_rate / (servers * service_rate)``.
    """

    p_wait: float
    mean_wait: float
    mean_queue_length: float
    utilisation: float


@dataclass(frozen=True, slots=True)
class ErlangA:
    """Stationary performance of an M/M/c+M queue (Erlang A).

    Attributes
    ----------
    p_wait : float
        Probability that an arrival finds all servers busy (PASTA).
    p_abandon : float
        Probability that an arrival abandons before service,
        ``abandonment_rate * mean_queue_length / arrival_rate``.
    mean_wait : float
        Mean time in queue over all arrivals: served customers until service
        starts, abandoning customers until they leave, zero for those served at
        once. Equals ``mean_queue_length / arrival_rate`` (Little's law).
    mean_wait_served : float
        Mean time in queue of the customers who are eventually served,
        ``E[wait | served]`` (zero-wait customers included).
    mean_queue_length : float
        Mean number of customers waiting (not in service).
    utilisation : float
        Mean fraction of busy servers,
        ``arrival_rate * (1 - p_abandon) / (servers * service_rate)``.
    """

    p_wait: float
    p_abandon: float
    mean_wait: float
    mean_wait_served: float
    mean_queue_length: float
    utilisation: float


def _check_rate(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float after checking it is a finite (non-)positive rate."""
    x = float(value)
    if not math.isfinite(x) or x < 0.0 or (x == 0.0 and not allow_zero):
        bound = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a finite {bound} number, got {value!r}")
    return x


def _check_servers(servers: int) -> int:
    """Return ``servers`` as an int after checking it is a positive integer."""
    if isinstance(servers, bool) or not isinstance(servers, Integral) or servers < 1:
        raise ValueError(f"servers must be a positive integer, got {servers!r}")
    return int(servers)


def _erlang_b(offered_load: float, servers: int) -> float:
    """Erlang B blocking probability by the stable recursion.

    ``B(0) = 1`` and ``B(k) = a B(k-1) / (k + a B(k-1))``; every iterate lies
    in ``(0, 1]``, so there is no overflow for any number of servers.
    """
    b = 1.0
    for k in range(1, servers + 1):
        ab = offered_load * b
        b = ab / (k + ab)
    return b


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> ErlangC:
    """Stationary waiting-time measures of the M/M/c queue.

    Parameters
    ----------
    arrival_rate : float
        Poisson arrival rate ``lambda`` (> 0).
    service_rate : float
        Exponential service rate per server ``mu`` (> 0).
    servers : int
        Number of servers ``c`` (>= 1).

    Returns
    -------
    ErlangC
        Probability of waiting, mean wait in queue over all arrivals, mean queue
        length and per-server utilisation.

    Raises
    ------
    ValueError
        If a rate is not finite and positive, ``servers`` is not a positive
        integer, or the queue is unstable (``lambda >= c * mu``).

    Notes
    -----
    With offered load ``a = lambda / mu`` and ``rho = a / c``, the Erlang C
    probability is obtained from Erlang B as
    ``C = c B / (c - a (1 - B))``, which is numerically stable for hundreds
    of servers. Then ``W_q = C / (c mu - lambda)`` and ``L_q = lambda W_q``.

    Examples
    --------
    >>> r = erlang_c(2.0, 1.0, 3)
    >>> round(r.p_wait, 6), round(r.mean_wait, 6)
    (0.444444, 0.444444)
    """
    lam = _check_rate("arrival_rate", arrival_rate)
    mu = _check_rate("service_rate", service_rate)
    c = _check_servers(servers)
    load = lam / mu
    rho = load / c
    if rho >= 1.0:
        raise ValueError(
            f"M/M/c queue is unstable: utilisation arrival_rate / (servers * service_rate)"
            f" = {rho:.6g} >= 1"
        )
    b = _erlang_b(load, c)
    p_wait = c * b / (c - load * (1.0 - b))
    mean_wait = p_wait / (c * mu - lam)
    return ErlangC(
        p_wait=p_wait,
        mean_wait=mean_wait,
        mean_queue_length=lam * mean_wait,
        utilisation=rho,
    )


def _erlang_a_log_weights(
    lam: float, mu: float, theta: float, c: int, n_max: int
) -> NDArray[np.float64]:
    """Unnormalised log stationary weights ``log pi_n``, ``n = 0..n_max``.

    Birth rate ``lam`` everywhere, death rate
    ``min(n, c) mu + max(n - c, 0) theta``, so
    ``log pi_n = sum_{k=1}^{n} [log lam - log death_k]``.
    """
    n = np.arange(1, n_max + 1, dtype=np.float64)
    death = np.minimum(n, c) * mu + np.maximum(n - c, 0.0) * theta
    log_w = np.empty(n_max + 1, dtype=np.float64)
    log_w[0] = 0.0
    np.cumsum(math.log(lam) - np.log(death), out=log_w[1:])
    return log_w


def erlang_a(
    arrival_rate: float,
    service_rate: float,
    abandonment_rate: float,
    servers: int,
    tol: float = 1e-12,
) -> ErlangA:
    """Exact stationary measures of the M/M/c+M (Erlang A) queue.

    Parameters
    ----------
    arrival_rate : float
        Poisson arrival rate ``lambda`` (> 0).
    service_rate : float
        Exponential service rate per server ``mu`` (> 0).
    abandonment_rate : float
        Exponential patience rate ``theta`` of each waiting customer (>= 0).
        ``0`` gives the M/M/c queue and is allowed only when it is stable.
    servers : int
        Number of servers ``c`` (>= 1).
    tol : float, optional
        The birth-death chain is truncated at the first state beyond which the
        (geometrically bounded) remaining probability mass is below ``tol``.

    Returns
    -------
    ErlangA
        Probabilities of waiting and abandoning, mean waits, mean queue length
        and server utilisation.

    Raises
    ------
    ValueError
        On invalid inputs, on ``abandonment_rate == 0`` with an unstable
        M/M/c queue, or if the truncated chain would need more than
        20 million states (extreme overload with a tiny abandonment rate).

    Notes
    -----
    The number in system is a birth-death chain with birth rate ``lambda``
    and death rate ``min(n, c) mu + max(n - c, 0) theta``; its stationary
    distribution is computed in log space (then shifted by its maximum before
    exponentiating), so it neither overflows nor underflows for large ``c``.
    By PASTA an arrival sees this distribution, hence
    ``p_wait = P(N >= c)``, and by Little's law
    ``mean_wait = E[Q] / lambda`` with ``Q = max(N - c, 0)``; since each
    waiting customer abandons at rate ``theta``,
    ``p_abandon = theta E[Q] / lambda``.

    ``mean_wait_served`` is derived from a tagged arrival that finds
    ``n = c + k`` customers (``k >= 0`` waiting ahead of it); see the comment
    in the body.
    """
    lam = _check_rate("arrival_rate", arrival_rate)
    mu = _check_rate("service_rate", service_rate)
    theta = _check_rate("abandonment_rate", abandonment_rate, allow_zero=True)
    c = _check_servers(servers)
    tol_f = float(tol)
    if not 0.0 < tol_f < 1.0:
        raise ValueError(f"tol must lie in (0, 1), got {tol!r}")

    if theta == 0.0:
        # No abandonment: exactly the M/M/c queue (raises if unstable).
        mmc = erlang_c(lam, mu, c)
        return ErlangA(
            p_wait=mmc.p_wait,
            p_abandon=0.0,
            mean_wait=mmc.mean_wait,
            mean_wait_served=mmc.mean_wait,
            mean_queue_length=mmc.mean_queue_length,
            utilisation=mmc.utilisation,
        )

    cmu = c * mu
    # The weights increase while lambda > death rate, i.e. up to the mode
    # n* ~ c + (lambda - c mu) / theta, and decay (at least geometrically) after.
    mode = c + max(0.0, (lam - cmu) / theta)
    # Start just past the mode and double until the tail bound below holds.
    n_max = int(min(_MAX_STATES, max(2.0 * c, mode) + 64.0))
    while True:
        log_w = _erlang_a_log_weights(lam, mu, theta, c, n_max)
        log_w -= log_w.max()
        w = np.exp(log_w)
        total = float(w.sum())
        # Tail bound: beyond n_max each ratio pi_{n+1}/pi_n = lambda / death_{n+1}
        # is at most r = lambda / (c mu + (n_max + 1 - c) theta), so the missing
        # mass is at most pi_{n_max} r / (1 - r).
        r = lam / (cmu + (n_max + 1 - c) * theta)
        if r < 1.0 and float(w[-1]) * r / (1.0 - r) <= tol_f * total:
            break
        if n_max >= _MAX_STATES:
            raise ValueError(
                "Erlang A chain needs more than "
                f"{_MAX_STATES} states; abandonment_rate={theta!r} is too small for "
                f"the overload arrival_rate / (servers * service_rate) = {lam / cmu:.6g}"
            )
        n_max = min(_MAX_STATES, 2 * n_max)

    # Sum the two parts separately so that p_wait = tail / (head + tail) <= 1
    # holds exactly in floating point, and is accurate both near 0 and near 1.
    head = float(w[:c].sum())
    tail = float(w[c:].sum())
    total = head + tail
    pi = w / total
    p_wait = tail / total
    pi_q = pi[c:]  # pi_q[k] = P(N = c + k): an arrival finds k customers waiting
    k = np.arange(pi_q.size, dtype=np.float64)
    mean_queue = float(np.dot(k, pi_q))
    mean_wait = mean_queue / lam
    p_abandon = min(theta * mean_queue / lam, p_wait)  # min() only guards rounding

    # E[wait | served].
    # A tagged FCFS arrival that finds k customers waiting passes through the
    # phases j = k, k-1, ..., 0 (j = number still ahead of it). In phase j all
    # c servers are busy, so the competing exponential clocks are: a service
    # completion (rate c mu) or an abandonment by one of the j ahead (rate
    # j theta) -- either moves it one place up -- and its own abandonment
    # (rate theta). The phase length is Exp(r_j), r_j = c mu + (j + 1) theta,
    # independent of which clock rings (memorylessness / competing exponentials);
    # customers behind it never matter. Hence
    #   P(served | k)  = prod_{j=0}^{k} (c mu + j theta) / (c mu + (j + 1) theta)
    #                  = c mu / (c mu + (k + 1) theta)            (telescoping),
    #   E[W 1{served} | k] = P(served | k) * T_k,  T_k = sum_{j=0}^{k} 1 / r_j,
    # because on {served} the wait is the sum of all k + 1 phase lengths and
    # those lengths are independent of the outcomes. (Likewise E[W | k] = T_k
    # for abandoners and served alike, and sum_k pi_q[k] T_k = E[Q] / lambda.)
    # Averaging over the arrival-stationary k (PASTA) and dividing by
    # P(served) = 1 - p_abandon gives E[W | served]. For theta -> 0 it becomes
    # sum_k pi_q[k] (k + 1) / (c mu), the Erlang C mean wait.
    rates = cmu + (k + 1.0) * theta
    t_k = np.cumsum(1.0 / rates)
    s_k = cmu / rates
    # Busy-server fraction E[min(N, c)] / c computed directly from pi; by flow
    # balance lambda (1 - p_abandon) = c mu utilisation, which gives P(served)
    # without the cancellation of 1 - p_abandon when nearly everyone abandons.
    busy = float(np.dot(np.arange(c, dtype=np.float64), pi[:c])) / c + p_wait
    utilisation = min(busy, 1.0)  # min() only guards rounding
    p_served = utilisation * cmu / lam
    mean_wait_served = float(np.dot(pi_q, s_k * t_k)) / p_served

    return ErlangA(
        p_wait=p_wait,
        p_abandon=p_abandon,
        mean_wait=mean_wait,
        mean_wait_served=mean_wait_served,
        mean_queue_length=mean_queue,
        utilisation=utilisation,
    )


def _bass_args(t: ArrayLike, p: float, q: float) -> tuple[NDArray[np.float64], float, float]:
    """Validate Bass-model arguments and return ``t`` as a float array."""
    p_f = _check_rate("p (innovation coefficient)", p)
    q_f = _check_rate("q (imitation coefficient)", q, allow_zero=True)
    t_arr = np.asarray(t, dtype=np.float64)
    if not np.all(np.isfinite(t_arr)) or np.any(t_arr < 0.0):
        raise ValueError("t must be finite and non-negative")
    return t_arr, p_f, q_f


def _as_result(x: NDArray[np.float64]) -> NDArray[np.float64] | float:
    """Return a Python float for 0-d results, the array otherwise."""
    return float(x) if x.ndim == 0 else x


def bass_cdf(t: ArrayLike, p: float, q: float) -> NDArray[np.float64] | float:
    """Cumulative adoption share of the Bass diffusion model.

    Parameters
    ----------
    t : array_like
        Time(s) since launch, ``t >= 0``.
    p : float
        Coefficient of innovation (external influence), ``p > 0``.
    q : float
        Coefficient of imitation (internal influence), ``q >= 0``.

    Returns
    -------
    numpy.ndarray or float
        ``F(t) = (1 - exp(-(p+q) t)) / (1 + (q/p) exp(-(p+q) t))``, the share of
        the eventual market that has adopted by ``t``; a float for scalar ``t``.

    Raises
    ------
    ValueError
        If ``p <= 0``, ``q < 0`` or any ``t`` is negative or not finite.

    Notes
    -----
    ``F`` solves ``F' = (p + q F)(1 - F)`` with ``F(0) = 0``.
    """
    t_arr, p_f, q_f = _bass_args(t, p, q)
    e = np.exp(-(p_f + q_f) * t_arr)
    f = -np.expm1(-(p_f + q_f) * t_arr) / (1.0 + (q_f / p_f) * e)
    return _as_result(f)


def bass_pdf(t: ArrayLike, p: float, q: float) -> NDArray[np.float64] | float:
    """Adoption density (rate of new adoption per unit market) of the Bass model.

    Parameters
    ----------
    t : array_like
        Time(s) since launch, ``t >= 0``.
    p : float
        Coefficient of innovation, ``p > 0``.
    q : float
        Coefficient of imitation, ``q >= 0``.

    Returns
    -------
    numpy.ndarray or float
        ``f(t) = dF/dt = ((p+q)^2 / p) e / (1 + (q/p) e)^2`` with
        ``e = exp(-(p+q) t)``; a float for scalar ``t``.

    Raises
    ------
    ValueError
        If ``p <= 0``, ``q < 0`` or any ``t`` is negative or not finite.
    """
    t_arr, p_f, q_f = _bass_args(t, p, q)
    s = p_f + q_f
    e = np.exp(-s * t_arr)
    f = (s * s / p_f) * e / (1.0 + (q_f / p_f) * e) ** 2
    return _as_result(f)


def little_law_residual(mean_length: float, arrival_rate: float, mean_time: float) -> float:
    """Relative residual of Little's law ``L = lambda W``.

    Parameters
    ----------
    mean_length : float
        Measured time-average number in the system (or queue), ``L``.
    arrival_rate : float
        Measured arrival (throughput) rate, ``lambda``.
    mean_time : float
        Measured mean time in the system (or queue) per customer, ``W``.

    Returns
    -------
    float
        ``(L - lambda W) / max(|L|, tiny)`` where ``tiny`` is the smallest
        positive normal float; zero when the law holds exactly, and a large
        magnitude when ``L`` is zero but ``lambda W`` is not.
    """
    length = float(mean_length)
    return (length - float(arrival_rate) * float(mean_time)) / max(abs(length), sys.float_info.min)
