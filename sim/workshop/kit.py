"""The kit's four experiments and the numbers their questions ask for.

Each part of the workshop is one experiment on the scenario files' firms (the
pair ``make run``, the report and the app show, over the files' two years), run
paired on the same seeds with :func:`sim.compare`:

1. ``hours`` — where the hours go: the sales-only firm against the full system;
2. ``speed`` — speed to lead: the full system with its salespeople and with
   fewer, each with leads that cool while they wait and with leads that never do;
3. ``feedback`` — service as marketing's ear: the full system with and without
   the feedback loop;
4. ``threshold`` — when marketing does not pay: the sales-only firm against the
   full system at several multiples of today's cost per lead, and where the
   profit difference crosses zero.

:func:`run` runs a part (optionally with the exercise's change), :func:`facts`
reads the numbers its questions need off the comparison.  The notebooks, the
handouts and the answer key all call these, so a number in one is the number in
the others; none is typed.  With ``FLOCKSIM_KIT_CACHE`` set to a folder, runs are
kept there (``make workshop`` uses a fresh one per build so that the Chinese
notebooks, the handouts and the answer key reuse the English notebooks' runs).

With ``FLOCKSIM_KIT_QUICK`` set (to anything but ``""`` or ``0``; what
``tools/build_workshop.py --quick`` does for the tests) every run made with the
defaults is a smoke run: :data:`QUICK_REPLICATIONS` replications of
:data:`QUICK_HORIZON` instead of :data:`REPLICATIONS` of the scenario files'
two years.  Every mechanism, chart, question and page is made as in a real
build, from numbers too rough for a room.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from sim.analysis import paired_difference
from sim.analysis.tables import paired_values
from sim.app.model import NEUTRAL, Firms
from sim.experiments import Comparison, compare
from sim.scenario import Scenario, with_overrides
from sim.story import speed_to_lead_steps
from sim.sweeps.analysis import break_even

__all__ = [
    "COST_FACTORS",
    "EXERCISES",
    "FEWER_SALESPEOPLE",
    "PARTS",
    "QUICK_ENV",
    "QUICK_HORIZON",
    "QUICK_REPLICATIONS",
    "REPLICATIONS",
    "SEED",
    "default_firms",
    "default_replications",
    "experiment",
    "facts",
    "quick",
    "run",
]

#: Replications of every firm in every part: narrow intervals, each notebook well under 60 s.
REPLICATIONS: Final = 8
SEED: Final = 0
#: Set (not "" or "0"): runs with the defaults are smoke runs (``build_workshop.py --quick``).
QUICK_ENV: Final = "FLOCKSIM_KIT_QUICK"
#: A smoke run: the fewest replications that give an interval, over one quarter.
QUICK_REPLICATIONS: Final = 2
QUICK_HORIZON: Final = "13 w"
#: The parts in workshop order (part ``n`` is ``PARTS[n - 1]``).
PARTS: Final = ("hours", "speed", "feedback", "threshold")
#: Part 2: the full system with this many salespeople works its leads more slowly.
FEWER_SALESPEOPLE: Final = 3
#: Part 4: multiples of today's cost per lead (every channel) tried against the sales-only firm.
COST_FACTORS: Final = (1, 2, 4, 6, 8, 10)
#: Each part's "try it" change: what the exercise cell sets, and the answer key answers.
EXERCISES: Final[Mapping[str, Mapping[str, Any]]] = {
    "hours": {"sales_only_staff": 12},
    "speed": {"fewer": 4},
    "feedback": {"service_staff": 1},
    "threshold": {"market_size": 1000},
}
_NO_COOLING: Final = {"sales.speed_to_lead": {"curve": "none"}}


def quick() -> bool:
    """Whether runs with the defaults are smoke runs (``FLOCKSIM_KIT_QUICK`` set)."""
    return os.environ.get(QUICK_ENV, "").strip() not in ("", "0")


def default_replications() -> int:
    """Replications of a run with the defaults: :data:`REPLICATIONS`, or the quick ones."""
    return QUICK_REPLICATIONS if quick() else REPLICATIONS


def default_firms() -> Firms:
    """The scenario files' firms; over :data:`QUICK_HORIZON` when :func:`quick`."""
    firms = Firms.load()
    if not quick():
        return firms
    shorter = {"clock.horizon": QUICK_HORIZON}
    return Firms(
        with_overrides(firms.sales_only, shorter),
        with_overrides(firms.full_system, shorter),
        neutral=with_overrides(firms.neutral, shorter) if firms.neutral is not None else None,
    )


def _cost_factor_overrides(firm: Scenario, factor: float) -> dict[str, Any]:
    return {
        f"marketing.channels.{c.name}.cost_per_lead": c.cost_per_lead * factor
        for c in firm.marketing.channels
    }


def experiment(part: str, firms: Firms, **change: Any) -> tuple[list[Scenario], tuple[str, ...]]:
    """The scenarios a part compares (the first is the baseline) and the tables it keeps.

    ``change`` is the part's exercise (see :data:`EXERCISES`): ``sales_only_staff``
    (part 1), ``fewer`` (part 2), ``service_staff`` (part 3), ``market_size`` (part 4).
    """
    alone, full = firms.sales_only, firms.full_system
    if part == "hours":
        staff = change.get("sales_only_staff")
        if staff is not None:
            alone = with_overrides(alone, {"sales.staff": int(staff)})
        return [alone, full], ()
    if part == "speed":
        fewer = int(change.get("fewer", FEWER_SALESPEOPLE))
        slow = with_overrides(full, {"sales.staff": fewer, "name": "fewer-salespeople"})
        return [
            full,
            slow,
            with_overrides(full, {**_NO_COOLING, "name": "no-cooling"}),
            with_overrides(slow, {**_NO_COOLING, "name": "fewer-salespeople-no-cooling"}),
        ], ("leads",)
    if part == "feedback":
        staff = change.get("service_staff")
        if staff is not None:
            full = with_overrides(full, {"service.staff": int(staff)})
        deaf = with_overrides(full, {"service.feedback.enabled": False, "name": "no-feedback"})
        return [deaf, full], ("weekly",)
    if part == "threshold":
        size = change.get("market_size")
        if size is not None:
            alone = with_overrides(alone, {"market.segments.0.size": int(size)})
            full = with_overrides(full, {"market.segments.0.size": int(size)})
        variants = [
            with_overrides(
                full, {**_cost_factor_overrides(full, factor), "name": f"full-system-x{factor}"}
            )
            for factor in COST_FACTORS
        ]
        if firms.neutral is None:
            raise FileNotFoundError(f"part 4 needs the neutral full system ({NEUTRAL})")
        neutral = firms.neutral
        if size is not None:
            neutral = with_overrides(neutral, {"market.segments.0.size": int(size)})
        return [alone, *variants, neutral], ()
    raise KeyError(f"no workshop part {part!r}; one of: {', '.join(PARTS)}")


def _cache_file(part: str, scenarios: Sequence[Scenario], replications: int, seed: int) -> Path:
    folder = os.environ.get("FLOCKSIM_KIT_CACHE")
    assert folder  # only called when set
    key = json.dumps(
        [part, replications, seed, [s.model_dump(mode="json") for s in scenarios]],
        sort_keys=True,
        default=str,
    )
    return Path(folder) / f"{part}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.pickle"


def run(
    part: str,
    replications: int | None = None,
    *,
    firms: Firms | None = None,
    seed: int = SEED,
    **change: Any,
) -> Comparison:
    """Run one part's experiment (with the exercise's ``change``, if given).

    ``replications`` and ``firms`` default to :func:`default_replications` and
    :func:`default_firms`.
    """
    replications = replications if replications is not None else default_replications()
    firms = firms if firms is not None else default_firms()
    scenarios, keep = experiment(part, firms, **change)
    cached = (
        _cache_file(part, scenarios, replications, seed)
        if os.environ.get("FLOCKSIM_KIT_CACHE")
        else None
    )
    if cached is not None and cached.is_file():
        with cached.open("rb") as stored:
            comparison: Comparison = pickle.load(stored)  # noqa: S301 (our own file, this build)
        return comparison
    comparison = compare(scenarios, replications, seed=seed, keep=keep)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        with partial.open("wb") as stored:
            pickle.dump(comparison, stored)
        partial.replace(cached)
    return comparison


# ---------------------------------------------------------------- the numbers


def _mean(comparison: Comparison, figure: str, scenario: str) -> float:
    """The mean of a summary figure over a scenario's replications."""
    summary = comparison.summary
    values = summary.loc[summary["scenario"].astype(str) == scenario, figure]
    if values.empty:
        raise KeyError(f"no {figure} of {scenario} in the comparison")
    return float(values.mean())


def _difference(comparison: Comparison, figure: str, a: str, b: str) -> dict[str, float]:
    """``b - a`` paired by replication: mean, low, high (95%)."""
    values_a, values_b = paired_values(comparison.summary, a, b, figure)
    found = paired_difference(values_a, values_b).difference
    return {"mean": found.mean, "low": found.low, "high": found.high}


def _hours_facts(comparison: Comparison) -> dict[str, Any]:
    alone, full = comparison.scenarios
    share = {
        (name, category): _mean(comparison, f"sales_share_{category}", name)
        for name in (alone, full)
        for category in ("selling", "prospecting", "servicing", "expediting", "idle")
    }
    others = ("prospecting", "servicing", "expediting")
    return {
        "selling_alone": share[alone, "selling"],
        "selling_full": share[full, "selling"],
        "idle_full": share[full, "idle"],
        "nonselling_alone": sum(share[alone, c] for c in others),
        "shares_alone": {c: share[alone, c] for c in others},
        "biggest_other": max(others, key=lambda c: share[alone, c]),
        "profit_alone": _mean(comparison, "profit", alone),
        "profit_full": _mean(comparison, "profit", full),
        "profit_diff": _difference(comparison, "profit", alone, full),
    }


def _within(leads: Any, scenario: str, hours: float) -> float:
    inbound = leads[
        (leads["scenario"].astype(str) == scenario)
        & (leads["source"].astype(str) != "cold")
        & leads["wait_h"].notna()
    ]
    return float((inbound["wait_h"] <= hours).mean()) if len(inbound) else math.nan


def _speed_facts(comparison: Comparison, firms: Firms, fewer: int) -> dict[str, Any]:
    full, slow, full_warm, slow_warm = comparison.scenarios
    steps = speed_to_lead_steps(firms.full_system)
    first_step = steps[0][0] if steps else math.nan
    leads = comparison.results.leads
    staff = firms.full_system.sales.staff
    weeks = float(comparison.summary["weeks"].max())
    return {
        "staff": staff,
        "fewer": fewer,
        "first_step_h": first_step,
        "wait_full": _mean(comparison, "mean_wait_to_contact_h", full),
        "wait_slow": _mean(comparison, "mean_wait_to_contact_h", slow),
        "within_full": _within(leads, full, first_step),
        "within_slow": _within(leads, slow, first_step),
        "won_lost_full": _difference(comparison, "customers_won", full, full_warm),
        "won_lost_slow": _difference(comparison, "customers_won", slow, slow_warm),
        "profit_lost_full": _difference(comparison, "profit", full, full_warm),
        "profit_lost_slow": _difference(comparison, "profit", slow, slow_warm),
        "profit_fewer": _difference(comparison, "profit", full, slow),
        "wages_saved": (staff - fewer) * firms.full_system.sales.cost_per_head * weeks,
    }


def _feedback_facts(comparison: Comparison) -> dict[str, Any]:
    deaf, full = comparison.scenarios
    return {
        "profit_gain": _difference(comparison, "profit", deaf, full),
        "insight_end": _mean(comparison, "insight_end", full),
        "conversion_full": _mean(comparison, "conversion_rate", full),
        "conversion_deaf": _mean(comparison, "conversion_rate", deaf),
        "complaints_full": _mean(comparison, "complaints", full),
        "complaints_deaf": _mean(comparison, "complaints", deaf),
        "churned_full": _mean(comparison, "customers_churned", full),
        "churned_deaf": _mean(comparison, "customers_churned", deaf),
    }


def _threshold_facts(comparison: Comparison, firms: Firms) -> dict[str, Any]:
    alone, *variants, neutral = comparison.scenarios
    today = firms.full_system.marketing.channels[0].cost_per_lead
    prices = [today * factor for factor in COST_FACTORS]
    rows = [_difference(comparison, "profit", alone, name) for name in variants]
    found = break_even(
        prices, [r["mean"] for r in rows], [r["low"] for r in rows], [r["high"] for r in rows]
    )
    return {
        "today": today,
        "channel": firms.full_system.marketing.channels[0].name,
        "prices": prices,
        "differences": rows,
        "break_even": found.estimate,
        "break_even_low": found.low,
        "break_even_high": found.high,
        "sign": found.sign_before,
        "diff_today": rows[0],
        "diff_dearest": rows[-1],
        "idle_today": _mean(comparison, "sales_share_idle", variants[0]),
        "idle_dearest": _mean(comparison, "sales_share_idle", variants[-1]),
        "diff_neutral": _difference(comparison, "profit", alone, neutral),
    }


def facts(
    part: str, comparison: Comparison, firms: Firms | None = None, **change: Any
) -> dict[str, Any]:
    """The numbers a part's questions and answers need, read off its comparison."""
    firms = firms if firms is not None else default_firms()
    readers: dict[str, Callable[[], dict[str, Any]]] = {
        "hours": lambda: _hours_facts(comparison),
        "speed": lambda: _speed_facts(
            comparison, firms, int(change.get("fewer", FEWER_SALESPEOPLE))
        ),
        "feedback": lambda: _feedback_facts(comparison),
        "threshold": lambda: _threshold_facts(comparison, firms),
    }
    if part not in readers:
        raise KeyError(f"no workshop part {part!r}; one of: {', '.join(PARTS)}")
    found = readers[part]()
    found["summary"] = comparison.summary
    found["baseline"] = comparison.baseline
    found["week_hours"] = firms.full_system.clock.week_hours
    found["customers"] = firms.customers
    found["staff_alone"] = firms.sales_only.sales.staff
    found["weeks"] = float(comparison.summary["weeks"].max())
    found["replications"] = comparison.replications
    found["currency"] = firms.currency
    return found
