"""Where a difference comes from: the paired difference B - A split over groups of settings.

:func:`explain` finds the settings in which scenarios A and B differ, groups
them by mechanism (``sim.explain.groups``), and runs "A with the groups in S
switched to B" for every subset S of the groups (up to
``shapley.EXACT_LIMIT`` groups; above, the subsets along sampled orders), all
paired on the same seeds: replication ``r`` of every subset draws from
``(seed, r)``, so its runs differ only by the settings switched. Each
replication's Shapley values come from its own runs and add up to its own
difference B - A; the table gives their mean and a t-interval across
replications. Subsets that lead to the same simulation (``sim.explain.inert``)
are run once per replication.

The runs go through the sweeps' executor (``sim.sweeps.execution``: local
processes, one task per run and a few replications) and the runner's model
seam, so the whole is tested with fake models.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import mean_ci
from sim.arguments import check_whole_number
from sim.explain.groups import ExplainError, Group, resolve_groups
from sim.explain.inert import run_key, with_counterparts
from sim.explain.runs import (
    ProgressCallback,
    build_coalitions,
    coalition_name,
    execute,
    lookup,
    probe_figures,
)
from sim.explain.shapley import (
    EXACT_LIMIT,
    exact_shapley,
    full_mask,
    order_coalitions,
    permutation_shapley,
    sample_orders,
)
from sim.model import simulate
from sim.results import package_version
from sim.runner import ReplicationModel
from sim.scenario import Scenario, load_scenario
from sim.scenario.paths import get_path
from sim.scenario.settings import difference_units, flatten, resolved_settings

log = logging.getLogger(__name__)

#: Replications by default: the headline pair's 80 distinct runs, three times each,
#: take about a minute and a half on two quiet cores (README, "Where a difference
#: comes from"); paired on the same seeds, three already separate its groups.
DEFAULT_REPLICATIONS = 3

#: Orders sampled per replication when there are more groups than ``EXACT_LIMIT``.
DEFAULT_ORDERS = 32

# a stream of its own for the sampled orders, apart from every stream of the model
_ORDERS_STREAM = 0x0E_C5_1A_1D


@dataclass(frozen=True)
class Explanation:
    """The paired difference B - A of some figures, split over groups of settings.

    Attributes
    ----------
    contributions : pandas.DataFrame
        Per figure, rows in waterfall order: ``kind`` "start" (A's mean),
        "group" (each group's Shapley value), "total" (the paired difference
        B - A) and "end" (B's mean), with ``group`` (the group's name, or the
        scenario's), ``n``, ``mean``, ``ci_low``, ``ci_high`` (95% t-interval
        across replications), ``share`` (of the total difference) and
        ``sampling_se`` (the part of the error due to sampled orders; 0 when
        every subset was run).
    replication_values : pandas.DataFrame
        ``figure, replication, group, value``: each replication's Shapley value
        of each group, and its ``start``, ``end`` and ``total`` rows; the
        groups' values add up to ``total`` in every replication.
    runs : pandas.DataFrame
        One row per distinct run and replication: ``run`` (its key), the
        coalitions it stands for, and every summary figure.
    groups : tuple of Group
        The groups, in table order.
    manifest : dict
        What was run: scenarios, groups with their settings in A and B, seed,
        replications, method, run counts, version, time.
    """

    contributions: pd.DataFrame
    replication_values: pd.DataFrame
    runs: pd.DataFrame
    groups: tuple[Group, ...]
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def figures(self) -> list[str]:
        """The figures explained, in order."""
        return list(dict.fromkeys(self.contributions["figure"]))

    @property
    def scenarios(self) -> tuple[str, str]:
        """Names of A and B."""
        return self.manifest["a"]["name"], self.manifest["b"]["name"]

    def table(self, figure: str) -> pd.DataFrame:
        """The rows of one figure."""
        if figure not in self.figures:
            raise ExplainError(f"figure {figure!r} was not explained; explained: {self.figures}")
        rows = self.contributions[self.contributions["figure"] == figure]
        return rows.reset_index(drop=True)


def _scenario(item: Scenario | str | Path, which: str) -> Scenario:
    if isinstance(item, Scenario):
        return item
    if isinstance(item, str | Path):
        return load_scenario(item)
    raise ExplainError(f"{which} must be a Scenario or a scenario file, got {item!r}")


def _at(value: Callable[[int, int], float], replication: int, mask: int) -> float:
    return value(mask, replication)


def _interval_row(
    figure: str, kind: str, group: str, values: np.ndarray, total: float, error: float = 0.0
) -> dict[str, Any]:
    interval = mean_ci(values)
    share = interval.mean / total if total != 0 else math.nan
    return {
        "figure": figure,
        "kind": kind,
        "group": group,
        "n": interval.n,
        "mean": interval.mean,
        "ci_low": interval.low,
        "ci_high": interval.high,
        "share": share if kind == "group" else math.nan,
        "sampling_se": error,
    }


def explain(
    a: Scenario | str | Path,
    b: Scenario | str | Path,
    figures: Sequence[str] = ("profit",),
    replications: int = DEFAULT_REPLICATIONS,
    *,
    seed: int = 0,
    workers: int = 1,
    groups: str | Path | Mapping[str, Sequence[str]] = "auto",
    orders: int = DEFAULT_ORDERS,
    exact_limit: int = EXACT_LIMIT,
    counterparts: bool = True,
    model: ReplicationModel = simulate,
    progress: ProgressCallback | None = None,
) -> Explanation:
    """Split the paired difference B - A of ``figures`` over groups of differing settings.

    Parameters
    ----------
    a, b
        The two scenarios (objects or files); the difference is B - A.
    figures
        Summary figures to explain (``profit``, ``revenue``, ...).
    replications
        Replications of every distinct run.
    seed
        Base seed; replication ``r`` of every run uses ``(seed, r)``.
    workers
        Processes; the values do not depend on it.
    groups
        ``"auto"`` (the mechanisms of MODEL.md), a group file, or a mapping
        of group names to dotted paths (``sim.explain.groups``).
    orders
        Orders sampled per replication above ``exact_limit`` groups (even:
        each with its reverse).
    exact_limit
        Up to this many groups every subset is run (2^k coalitions).
    counterparts
        Set what each scenario does not read to its counterpart first
        (``sim.explain.inert.with_counterparts``: service agents that a firm
        does not have work as its salespeople do; a feedback loop that cannot
        run is off). False compares the settings as written, defaults a firm
        never reads included.
    model
        The replication function (the seam the tests use).
    progress
        Called with (replications done, replications to run).

    Returns
    -------
    Explanation
        The contributions with their intervals, each replication's values,
        the runs and the manifest.
    """
    started = time.monotonic()
    given = _scenario(a, "a"), _scenario(b, "b")
    first, second = given
    changed: dict[str, list[str]] = {"a": [], "b": []}
    if counterparts:
        first, changed["a"] = with_counterparts(first)
        second, changed["b"] = with_counterparts(second)
    replications = check_whole_number("replications", replications, 1)
    seed = check_whole_number("seed", seed, 0)
    workers = check_whole_number("workers", workers, 1)
    orders = check_whole_number("orders", orders, 1)
    exact_limit = check_whole_number("exact_limit", exact_limit, 0)
    if isinstance(figures, str) or not figures:
        raise ExplainError("figures must be a non-empty list of figure names, e.g. ['profit']")
    figures = list(dict.fromkeys(figures))
    probe_figures(first, figures, model)
    units = difference_units(first, second)
    found = resolve_groups(groups, units, first, second)
    k = len(found)
    numbers = list(range(replications))
    exact = k <= exact_limit
    if exact:
        needed = {mask: set(numbers) for mask in range(1 << k)}
        plans: dict[int, list[list[int]]] = {}
    else:
        plans = {
            r: sample_orders(
                k, orders, np.random.default_rng(np.random.SeedSequence([seed, r, _ORDERS_STREAM]))
            )
            for r in numbers
        }
        needed = {}
        for r, plan in plans.items():
            for mask in order_coalitions(plan):
                needed.setdefault(mask, set()).add(r)
    scenarios = build_coalitions(first, second, found, list(needed))
    keys = {mask: run_key(scenario) for mask, scenario in scenarios.items()}
    runs: dict[str, tuple[Scenario, set[int]]] = {}
    for mask, scenario in scenarios.items():
        entry = runs.setdefault(keys[mask], (scenario, set()))
        entry[1].update(needed[mask])
    log.info(
        "explain %s -> %s: %d groups, %d coalitions, %d distinct runs, %d replications",
        first.name,
        second.name,
        k,
        len(scenarios),
        len(runs),
        replications,
    )
    rows = execute(runs, seed, workers, model, progress)
    full = full_mask(k)
    contributions, values = [], []
    for figure in figures:
        value = lookup(rows, keys, figure, found)
        start = np.array([value(0, r) for r in numbers])
        end = np.array([value(full, r) for r in numbers])
        total = end - start
        errors = np.zeros(k)
        if exact:
            shapley = exact_shapley(
                {mask: np.array([value(mask, r) for r in numbers]) for mask in range(1 << k)}, k
            )
        else:
            shapley = np.zeros((k, replications))
            variance = np.zeros(k)
            for r in numbers:
                estimate, error = permutation_shapley(partial(_at, value, r), plans[r], k)
                shapley[:, r] = estimate
                variance += np.nan_to_num(error) ** 2
            errors = np.sqrt(variance) / replications
        mean_total = float(total.mean())
        contributions.append(_interval_row(figure, "start", first.name, start, mean_total))
        for i, group in enumerate(found):
            contributions.append(
                _interval_row(figure, "group", group.name, shapley[i], mean_total, errors[i])
            )
        contributions.append(_interval_row(figure, "total", "total", total, mean_total))
        contributions.append(_interval_row(figure, "end", second.name, end, mean_total))
        for r in numbers:
            values.append((figure, r, "start", start[r]))
            values.extend((figure, r, group.name, shapley[i, r]) for i, group in enumerate(found))
            values.extend([(figure, r, "total", total[r]), (figure, r, "end", end[r])])
    coalitions: dict[str, list[str]] = {}
    for mask, key in keys.items():
        coalitions.setdefault(key, []).append(coalition_name(mask, found))
    rows = rows.assign(coalitions=rows["run"].map(lambda key: " | ".join(coalitions[key])))
    manifest = _manifest(first, second, found, figures, replications, seed, workers)
    for key, scenario in zip(("a", "b"), given, strict=True):
        manifest[key].update(source=scenario.source, hash=scenario.hash)
    manifest.update(
        counterparts=changed if counterparts else None,
        method="exact" if exact else "sampled orders",
        orders=None if exact else orders,
        coalitions=len(scenarios),
        distinct_runs=len(runs),
        seconds=round(time.monotonic() - started, 1),
    )
    return Explanation(
        contributions=pd.DataFrame(contributions),
        replication_values=pd.DataFrame(
            values, columns=["figure", "replication", "group", "value"]
        ),
        runs=rows,
        groups=tuple(found),
        manifest=manifest,
    )


def _manifest(
    a: Scenario,
    b: Scenario,
    groups: Sequence[Group],
    figures: Sequence[str],
    replications: int,
    seed: int,
    workers: int,
) -> dict[str, Any]:
    left, right = resolved_settings(a), resolved_settings(b)

    def shown(settings: Mapping[str, Any], unit: str) -> Any:
        try:
            return get_path(settings, unit)
        except ValueError:
            return None

    return {
        "package": "flocksim",
        "version": package_version(),
        "created": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "a": {"name": a.name, "source": a.source, "hash": a.hash},
        "b": {"name": b.name, "source": b.source, "hash": b.hash},
        "figures": list(figures),
        "replications": replications,
        "seed": seed,
        "workers": workers,
        "groups": [
            {
                "name": group.name,
                "settings": {
                    unit: {"a": shown(left, unit), "b": shown(right, unit)} for unit in group.units
                },
            }
            for group in groups
        ],
        "settings_compared": len(flatten(right)),
    }


__all__ = ["DEFAULT_ORDERS", "DEFAULT_REPLICATIONS", "Explanation", "explain"]
