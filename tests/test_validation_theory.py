"""Validation against theory (MODEL.md, "Validation against theory").

The simulator, configured to match a closed-form model's assumptions, must
reproduce that model's numbers (:mod:`sim.analysis.theory`):

* **Erlang C** (``scenarios/validation/mmc.toml``): mean wait before first
  contact, probability of waiting, mean number waiting and sales utilisation of
  an M/M/c lead queue;
* **Erlang A** (``scenarios/validation/mmc_patience.toml``): the same with
  exponential patience, plus the abandonment share and the mean wait of the
  leads that are contacted;
* **Little's law** on every queue of the ``queues`` table (the validation
  scenarios and both headline scenarios), and an independent reconstruction of
  the lead queue's time-average length from the lead table;
* **Bass** (``scenarios/validation/bass.toml``): mean cumulative adoption over
  replications follows the Bass curve.

Tolerance policy (the same for every statistical check here): each figure is
estimated once per replication, and the two-sided Student-t confidence
interval of the replication means, at 99% for the family of figures one test
checks (Bonferroni: each of ``k`` figures at ``1 - 0.01 / k``), must contain the
theory value. So that a test cannot pass by being imprecise, the interval's
half-width must also be below a stated bound (``max_half_width``, relative to
the theory value for the queues, absolute for adoption shares). Seeds are fixed,
so the tests are deterministic; they were not chosen to pass. A failure means
the simulation and the theory disagree by more than sampling error: treat it
as a possible model bug, not as a reason to widen the interval.

Waits are measured over the leads created after a warm-up of one week (the
queue starts empty) and at least eight hours before the horizon (so that every
one of them has finished waiting: waits that long have probability below
``1e-6`` in both queues).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.analysis.theory import bass_cdf, erlang_a, erlang_c, little_law_residual
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
VALIDATION = SCENARIOS / "validation"
MMC = VALIDATION / "mmc.toml"
MMC_PATIENCE = VALIDATION / "mmc_patience.toml"
BASS = VALIDATION / "bass.toml"

WEEK_H = 40.0
WARMUP_H = WEEK_H  # leads created earlier are left out of the wait estimates
END_MARGIN_H = 8.0  # leads created later may still be waiting at the horizon
FAMILY_CONFIDENCE = 0.99
LITTLE_RTOL = 1e-9  # Little's law is exact bookkeeping: only rounding may differ


# --------------------------------------------------------------------- helpers


class Plan(NamedTuple):
    """How much to simulate for one queueing check."""

    replications: int
    weeks: int
    seed: int


@functools.cache
def _load(path: Path) -> Scenario:
    return sim.load_scenario(path)


def _run(
    path: Path,
    replications: int,
    seed: int,
    overrides: tuple[tuple[str, object], ...] = (),
    keep: tuple[str, ...] = ("leads", "queues"),
) -> sim.Results:
    """Run ``replications`` of a scenario with dotted-path overrides."""
    scenario = sim.with_overrides(_load(path), dict(overrides))
    return sim.run(scenario, replications=replications, seed=seed, keep=keep)


def _queue_overrides(weeks: int) -> tuple[tuple[str, object], ...]:
    return (("clock.horizon", f"{weeks} w"), ("clock.warmup", "1 w"))


def _assert_matches_theory(
    estimates: pd.DataFrame,
    theory: Mapping[str, float],
    max_half_width: Mapping[str, float],
    *,
    relative: bool,
) -> None:
    """Each figure's replication-mean CI (Bonferroni, family 99%) contains the theory.

    ``estimates`` has one row per replication and one column per figure;
    ``max_half_width`` bounds each interval's half-width (relative to the theory
    value when ``relative``), so that the check has the power to fail.
    """
    n = len(estimates)
    assert n >= 3, "need at least three replications for a confidence interval"
    each = 1.0 - (1.0 - FAMILY_CONFIDENCE) / len(theory)
    quantile = float(stats.t.ppf(0.5 + each / 2.0, n - 1))
    report = []
    failures = []
    for figure, expected in theory.items():
        values = estimates[figure].to_numpy(dtype=float)
        assert np.all(np.isfinite(values)), f"{figure}: non-finite replication estimate"
        mean = float(values.mean())
        half_width = quantile * float(values.std(ddof=1)) / math.sqrt(n)
        bound = max_half_width[figure] * (abs(expected) if relative else 1.0)
        line = (
            f"{figure}: simulated {mean:.5g} +/- {half_width:.3g} "
            f"({each:.2%} CI, {n} replications), theory {expected:.5g}, "
            f"error {mean - expected:+.3g}"
        )
        report.append(line)
        if half_width > bound:
            failures.append(f"{line}: interval wider than {bound:.3g}, too imprecise to test")
        elif abs(mean - expected) > half_width:
            failures.append(f"{line}: theory outside the interval (possible model bug)")
    assert not failures, "\n".join(failures + ["all figures:"] + report)


def _wait_window(results: sim.Results, horizon: float) -> pd.DataFrame:
    """The leads whose wait is measured: created after warm-up, finished waiting."""
    leads = results.leads
    window = leads[(leads["created_h"] >= WARMUP_H) & (leads["created_h"] < horizon - END_MARGIN_H)]
    assert len(window) > 0
    unfinished = window["wait_h"].isna()
    assert not unfinished.any(), f"{int(unfinished.sum())} leads in the window still waiting"
    return window


def _lead_queue(results: sim.Results) -> pd.DataFrame:
    queues = results.queues
    lead_queue = queues[(queues["department"] == "sales") & (queues["work"] == "contact")]
    return lead_queue.set_index("replication").sort_index()


def _mmc_parameters(scenario: Scenario) -> tuple[float, float, int]:
    """Arrival rate, service rate (per hour) and servers of a validation scenario."""
    (segment,) = scenario.market.segments
    assert segment.size == "unlimited"
    assert scenario.sales.first_contact.kind == "exponential"
    assert scenario.sales.closing_meetings == 0
    assert segment.intent_organic == 0.0  # first contact is the only work
    assert scenario.marketing.budget_per_week == 0
    assert not scenario.sales.prospecting.enabled
    return segment.lead_rate, 1.0 / scenario.sales.first_contact.mean, scenario.sales.staff


# --------------------------------------------------------------------- Erlang C


def _check_erlang_c(run: Plan, max_half_width: Mapping[str, float]) -> None:
    scenario = _load(MMC)
    lam, mu, servers = _mmc_parameters(scenario)
    assert scenario.market.segments[0].patience is None
    theory = erlang_c(lam, mu, servers)
    results = _run(MMC, run.replications, run.seed, _queue_overrides(run.weeks))
    window = _wait_window(results, run.weeks * WEEK_H)

    # Without patience every lead is contacted; the table's wait is the gap to contact.
    assert (window["outcome"] != "abandoned").all()
    wait = window["contacted_h"] - window["created_h"]
    np.testing.assert_allclose(wait, window["wait_h"], rtol=0, atol=1e-9)
    replication = window["replication"]
    estimates = pd.DataFrame(
        {
            "mean_wait": wait.groupby(replication).mean(),
            "p_wait": (wait > 0).groupby(replication).mean(),
            "mean_queue_length": _lead_queue(results)["mean_length"],
            "utilisation": results.summary.set_index("replication")["utilisation_sales"],
        }
    )
    assert len(estimates) == run.replications
    _assert_matches_theory(
        estimates,
        {
            "mean_wait": theory.mean_wait,
            "p_wait": theory.p_wait,
            "mean_queue_length": theory.mean_queue_length,
            "utilisation": theory.utilisation,
        },
        max_half_width,
        relative=True,
    )


def test_erlang_c_wait_matches_theory() -> None:
    """M/M/10 at utilisation 0.8, 20 replications of 60 weeks.

    Interval half-widths at most: mean wait and mean number waiting 15%,
    probability of waiting 6%, utilisation 1.5% (relative). The mean wait of a
    queue this loaded is the noisiest figure (about 10% expected half-width).
    """
    _check_erlang_c(
        Plan(replications=20, weeks=60, seed=20240601),
        {"mean_wait": 0.15, "p_wait": 0.06, "mean_queue_length": 0.15, "utilisation": 0.015},
    )


@pytest.mark.slow
def test_erlang_c_wait_matches_theory_precisely() -> None:
    """M/M/10 at utilisation 0.8, 24 replications of 160 weeks.

    Interval half-widths at most: mean wait and mean number waiting 8%,
    probability of waiting 3.5%, utilisation 0.8% (relative).
    """
    _check_erlang_c(
        Plan(replications=24, weeks=160, seed=20240602),
        {"mean_wait": 0.08, "p_wait": 0.035, "mean_queue_length": 0.08, "utilisation": 0.008},
    )


# --------------------------------------------------------------------- Erlang A


def _check_erlang_a(run: Plan, max_half_width: Mapping[str, float]) -> None:
    scenario = _load(MMC_PATIENCE)
    lam, mu, servers = _mmc_parameters(scenario)
    patience = scenario.market.segments[0].patience
    assert patience is not None
    assert patience.kind == "exponential"
    theory = erlang_a(lam, mu, 1.0 / patience.mean, servers)
    assert theory.p_abandon > 0.1, "the scenario should make abandonment substantial"
    results = _run(MMC_PATIENCE, run.replications, run.seed, _queue_overrides(run.weeks))
    window = _wait_window(results, run.weeks * WEEK_H)

    replication = window["replication"]
    abandoned = window["outcome"] == "abandoned"
    # abandoners never met a salesperson; everyone else did, after wait_h
    assert window.loc[abandoned, "contacted_h"].isna().all()
    contacted = window.loc[~abandoned]
    np.testing.assert_allclose(
        contacted["contacted_h"] - contacted["created_h"], contacted["wait_h"], rtol=0, atol=1e-9
    )
    estimates = pd.DataFrame(
        {
            "p_abandon": abandoned.groupby(replication).mean(),
            "mean_wait": window["wait_h"].groupby(replication).mean(),
            "mean_wait_served": contacted["wait_h"].groupby(contacted["replication"]).mean(),
            "p_wait": (window["wait_h"] > 0).groupby(replication).mean(),
            "mean_queue_length": _lead_queue(results)["mean_length"],
            "utilisation": results.summary.set_index("replication")["utilisation_sales"],
        }
    )
    assert len(estimates) == run.replications
    _assert_matches_theory(
        estimates,
        {
            "p_abandon": theory.p_abandon,
            "mean_wait": theory.mean_wait,
            "mean_wait_served": theory.mean_wait_served,
            "p_wait": theory.p_wait,
            "mean_queue_length": theory.mean_queue_length,
            "utilisation": theory.utilisation,
        },
        max_half_width,
        relative=True,
    )


def test_erlang_a_abandonment_and_wait_match_theory() -> None:
    """M/M/10+M, offered load 1.1, mean patience 0.5 h: 20 replications of 30 weeks.

    Interval half-widths at most: mean waits (all leads, contacted leads) and
    mean number waiting 5%, abandonment share 4%, probability of waiting 2.5%,
    utilisation 1% (relative).
    """
    _check_erlang_a(
        Plan(replications=20, weeks=30, seed=20240611),
        {
            "p_abandon": 0.04,
            "mean_wait": 0.05,
            "mean_wait_served": 0.05,
            "p_wait": 0.025,
            "mean_queue_length": 0.05,
            "utilisation": 0.01,
        },
    )


@pytest.mark.slow
def test_erlang_a_abandonment_and_wait_match_theory_precisely() -> None:
    """M/M/10+M: 36 replications of 80 weeks.

    Interval half-widths at most: mean waits and mean number waiting 2.5%,
    abandonment share 2%, probability of waiting 1.2%, utilisation 0.4%. (Each
    lead's patience is its own draw since the model's second pass; 24
    replications left the probability of waiting at a 1.35% interval.)
    """
    _check_erlang_a(
        Plan(replications=36, weeks=80, seed=20240612),
        {
            "p_abandon": 0.02,
            "mean_wait": 0.025,
            "mean_wait_served": 0.025,
            "p_wait": 0.012,
            "mean_queue_length": 0.025,
            "utilisation": 0.004,
        },
    )


# --------------------------------------------------------------------- Little's law

# (scenario, replications, seed, overrides): short runs of the validation queues,
# the headline scenarios at their own horizon
_LITTLE_RUNS = {
    "mmc": (MMC, 2, 20240621, _queue_overrides(20)),
    "mmc_patience": (MMC_PATIENCE, 2, 20240621, _queue_overrides(20)),
    "full_system": (SCENARIOS / "full_system.toml", 2, 20240621, ()),
    "sales_only": (SCENARIOS / "sales_only.toml", 2, 20240621, ()),
}


@functools.cache
def _little_run(name: str) -> sim.Results:
    """The run behind the Little's-law checks of one scenario (made once per session)."""
    path, replications, seed, overrides = _LITTLE_RUNS[name]
    return _run(path, replications, seed, overrides)


# queues that must see work in each run, so that the check is not vacuous
_BUSY_QUEUES = {
    "mmc": {("sales", "contact")},
    "mmc_patience": {("sales", "contact")},
    "full_system": {
        ("sales", "contact"),
        ("sales", "meeting"),
        ("sales", "collection"),
        ("operations", "expedite"),
        ("service", "complaint"),
        ("service", "reorder"),
        ("service", "onboarding"),
        ("service", "analysis"),
    },
    "sales_only": {
        ("sales", "contact"),
        ("sales", "meeting"),
        ("sales", "collection"),
        ("sales", "complaint"),
        ("sales", "reorder"),
        ("sales", "onboarding"),
        ("sales", "expedite"),
    },
}


@pytest.mark.parametrize("name", list(_LITTLE_RUNS))
def test_little_law_on_every_queue(name: str) -> None:
    """L = lambda W on every queue with arrivals, to relative rounding (1e-9).

    ``L`` is the queue's time-average length over the horizon, ``lambda`` its
    arrivals per hour and ``W`` the mean time an item waited (until taken, until
    its patience ran out, or until the horizon if still waiting). With every
    item's waiting time counted to the end, the law holds exactly, not only in
    the limit: any residual is a bookkeeping error.
    """
    queues = _little_run(name).queues
    busy = queues[queues["arrivals"] > 0]
    seen = set(zip(busy["department"], busy["work"], strict=True))
    assert _BUSY_QUEUES[name] <= seen, f"queues without work: {_BUSY_QUEUES[name] - seen}"
    assert (queues.loc[queues["arrivals"] == 0, "mean_length"] == 0).all()
    problems = []
    for row in busy.itertuples():
        assert row.taken + row.expired + row.waiting_at_end == row.arrivals
        arrival_rate = row.arrivals / row.horizon_h
        mean_wait = row.total_wait_h / row.arrivals
        if row.mean_length > 0:
            residual = little_law_residual(row.mean_length, arrival_rate, mean_wait)
        else:  # nobody ever waited: then nobody may have been counted as waiting
            residual = arrival_rate * mean_wait
        if not abs(residual) <= LITTLE_RTOL:
            problems.append(
                f"{row.department}/{row.work} replication {row.replication}: "
                f"L = {row.mean_length:.9g}, lambda W = {arrival_rate * mean_wait:.9g}"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["mmc", "mmc_patience"])
def test_lead_queue_length_equals_waiting_intervals_of_lead_table(name: str) -> None:
    """The lead queue's mean length is the time-average of the leads' waiting intervals.

    An independent path to ``L``: from the lead table alone, each lead waits
    from ``created_h`` for ``wait_h`` hours (to first contact or to abandoning),
    or until the horizon if it is still waiting there; the integral of the number
    waiting over time is the sum of those intervals. Divided by the horizon it
    must equal the queue's ``mean_length`` (relative 1e-9), and the queue's
    counts must match the lead table's outcomes.
    """
    results = _little_run(name)
    lead_queue = _lead_queue(results)
    for replication, leads in results.leads.groupby("replication"):
        queue = lead_queue.loc[replication]
        horizon = float(queue["horizon_h"])
        still_waiting = leads["wait_h"].isna()
        assert (leads.loc[still_waiting, "outcome"] == "open").all()
        assert leads.loc[still_waiting, "contacted_h"].isna().all()
        assert (leads["wait_h"].dropna() >= 0).all()
        ends = leads["created_h"] + leads["wait_h"]
        assert (ends.dropna() <= horizon + 1e-9).all()
        waiting_hours = float(
            leads["wait_h"].sum() + (horizon - leads.loc[still_waiting, "created_h"]).sum()
        )
        assert queue["arrivals"] == len(leads)
        assert queue["expired"] == int((leads["outcome"] == "abandoned").sum())
        assert queue["waiting_at_end"] == int(still_waiting.sum())
        assert waiting_hours / horizon == pytest.approx(queue["mean_length"], rel=LITTLE_RTOL)


# --------------------------------------------------------------------- Bass

BASS_YEARS = (1.0, 2.0, 3.0, 5.0, 7.0, 10.0)


def _check_bass(replications: int, seed: int, size: int, max_half_width: float) -> None:
    scenario = sim.with_overrides(_load(BASS), {"market.segments.0.size": size})
    (segment,) = scenario.market.segments
    p, q = segment.p_organic, segment.q  # per working hour, like the clock
    assert segment.initial_customers == 0
    results = _run(
        BASS,
        replications,
        seed,
        (("market.segments.0.size", size),),
        keep=("leads", "weekly", "customers"),
    )

    # The premise of the theory: every inquiry is won the instant it arrives.
    leads = results.leads
    assert (leads["outcome"] == "won").all()
    np.testing.assert_array_equal(leads["closed_h"], leads["created_h"])
    customers = results.customers
    assert (customers["origin"] == "won").all()
    assert customers["churned_h"].isna().all()

    weekly = results.weekly.sort_values(["replication", "week"])
    cumulative = weekly.groupby("replication")["customers_won"].cumsum()
    adopted = pd.DataFrame(
        {"replication": weekly["replication"], "week": weekly["week"], "adopted": cumulative}
    ).set_index(["replication", "week"])["adopted"]
    hours_per_year = 52 * WEEK_H
    estimates = {}
    theory = {}
    for years in BASS_YEARS:
        t = years * hours_per_year
        last_week = round(t / WEEK_H) - 1  # weekly counts to the end of this week
        by_week = adopted.xs(last_week, level="week")
        by_table = (customers["won_h"] < t).groupby(customers["replication"]).sum()
        # two independent tables must tell the same story
        pd.testing.assert_series_equal(
            by_week.astype(np.int64), by_table.astype(np.int64), check_names=False
        )
        estimates[f"F({years:g} y)"] = by_week / size
        theory[f"F({years:g} y)"] = float(bass_cdf(t, p, q))
    _assert_matches_theory(
        pd.DataFrame(estimates),
        theory,
        dict.fromkeys(theory, max_half_width),
        relative=False,
    )


def test_bass_adoption_follows_bass_curve() -> None:
    """N = 3000, p = 0.03 / y, q = 0.38 / y, 40 replications of 10 years.

    F(t) at 1, 2, 3, 5, 7 and 10 years; interval half-widths at most 0.015
    (absolute adoption share; about 0.009 expected at the steepest point).
    """
    _check_bass(replications=40, seed=20240631, size=3000, max_half_width=0.015)


@pytest.mark.slow
def test_bass_adoption_follows_bass_curve_precisely() -> None:
    """N = 5000, 120 replications of 10 years; half-widths at most 0.006 (absolute)."""
    _check_bass(replications=120, seed=20240632, size=5000, max_half_width=0.006)
