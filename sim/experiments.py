"""Experiments: several scenarios run paired on the same seeds and compared to a baseline.

This is the seam between the model and everything that asks it a question (the
command line, the notebooks, the tests, the sweeps): :func:`run_paired` runs
every scenario on the same replication seeds (common random numbers), and
:func:`compare` adds the paired comparison table, optionally adding
replications until the comparison is precise enough. Nothing here prints; the
caller decides what to show. An interrupt (``sim.interrupts.RunInterrupted``)
leaves every scenario's finished replications in the exception, scenario by
scenario, so the caller can keep them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from sim.analysis import compare_to_baseline, precision_of_differences, sequential_replications
from sim.arguments import check_keep, check_share, check_whole_number
from sim.figures import COMPARE_FIGURES, with_story_figures
from sim.interrupts import RunInterrupted
from sim.model import simulate
from sim.results import TABLES, Results
from sim.runner import ReplicationModel, run
from sim.scenario import Scenario, load_scenario

log = logging.getLogger(__name__)

ScenarioLike = Scenario | str | Path


class ExperimentError(ValueError):
    """An experiment that cannot be run as asked; the message says which argument and why."""


@dataclass(frozen=True)
class Comparison:
    """Scenarios run paired on the same seeds, and their comparison with a baseline.

    Attributes
    ----------
    results : Results
        Every scenario's per-replication tables (``summary``, ``weekly``, ...).
    table : pandas.DataFrame
        The comparison table of ``compare_to_baseline``: one row per figure and
        scenario, with the paired difference to the baseline.
    baseline : str
        Name of the scenario the others are compared with.
    replications : int
        Replications run of each scenario.
    precision : float or None
        The relative precision asked for, if any.
    reached : bool or None
        Whether that precision was reached before the cap (None without one).
    """

    results: Results
    table: pd.DataFrame
    baseline: str
    replications: int
    precision: float | None = None
    reached: bool | None = None

    @property
    def summary(self) -> pd.DataFrame:
        """One row per scenario and replication."""
        return self.results.summary

    @property
    def scenarios(self) -> list[str]:
        """Scenario names in the order they were given."""
        return self.results.scenarios

    def stop_note(self, cap: str = "max_replications") -> str:
        """One sentence saying how many replications ran and why it stopped there.

        ``cap`` names the setting that raises the cap (the CLI's ``--max-reps``).
        """
        if self.precision is None:
            return f"{self.replications} replications"
        target = f"{100 * self.precision:g}%"
        if self.reached:
            return (
                f"revenue difference within {target} of its mean after "
                f"{self.replications} replications"
            )
        return (
            f"precision {target} NOT reached; stopped at the cap of "
            f"{self.replications} replications (raise {cap})"
        )


def resolve(scenarios: Sequence[ScenarioLike]) -> list[Scenario]:
    """Scenarios as objects (files are read), with names that tell them apart."""
    if isinstance(scenarios, Scenario | str | Path):
        raise ExperimentError("scenarios must be a list of scenarios or scenario files")
    resolved = [item if isinstance(item, Scenario) else load_scenario(item) for item in scenarios]
    names = [scenario.name for scenario in resolved]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ExperimentError(
            f"scenario names must differ to be compared; repeated: {', '.join(repeated)} "
            "(set a different `name` in each file)"
        )
    return resolved


def baseline_name(requested: str | None, scenarios: Sequence[Scenario]) -> str:
    """The baseline's scenario name: the first scenario, or the one named (or its file)."""
    names = [scenario.name for scenario in scenarios]
    if requested is None:
        return names[0]
    if requested in names:
        return requested
    for scenario in scenarios:  # a path or file stem names its scenario too
        if requested in (scenario.source, Path(scenario.source).stem):
            return scenario.name
    raise ExperimentError(f"baseline {requested!r} is not one of: {', '.join(names)}")


def comparable_figures(
    summary: pd.DataFrame, figures: Collection[str] = COMPARE_FIGURES
) -> list[str]:
    """The figures every scenario has a value for (a firm without complaints has no
    resolution time to compare)."""
    summary = with_story_figures(summary)
    return [
        figure
        for figure in figures
        if figure in summary.columns
        and summary.groupby("scenario", sort=False)[figure].count().min() > 0
    ]


def run_paired(
    scenarios: Sequence[ScenarioLike],
    replications: int,
    *,
    seed: int = 0,
    workers: int = 1,
    keep: Collection[str] = TABLES,
    first_replication: int = 0,
    model: ReplicationModel = simulate,
) -> Results:
    """Run every scenario on the same replication seeds and stack their tables.

    Replication ``r`` of every scenario draws from the streams of ``(seed, r)``,
    so replication ``r`` of one scenario is paired with replication ``r`` of
    another (common random numbers).
    """
    parts: list[Results] = []
    for scenario in resolve(scenarios):
        try:
            parts.append(
                run(
                    scenario,
                    replications,
                    seed=seed,
                    workers=workers,
                    keep=keep,
                    model=model,
                    first_replication=first_replication,
                )
            )
        except RunInterrupted as exc:
            _keep_finished(exc, [*parts, exc.results])
            raise
    return Results.combine(parts)


def _keep_finished(exc: RunInterrupted, parts: Sequence[Results | None]) -> None:
    """Leave the finished replications of every scenario in the interrupt."""
    finished = [part for part in parts if part is not None and not part.summary.empty]
    exc.results = Results.combine(finished) if finished else None


def compare(
    scenarios: Sequence[ScenarioLike],
    replications: int = 20,
    *,
    precision: float | None = None,
    max_replications: int = 200,
    precision_figures: Sequence[str] = ("revenue",),
    seed: int = 0,
    workers: int = 1,
    baseline: str | None = None,
    keep: Collection[str] = TABLES,
    figures: Collection[str] = COMPARE_FIGURES,
    model: ReplicationModel = simulate,
    on_batch: Callable[[Results], None] | None = None,
) -> Comparison:
    """Run scenarios paired on the same seeds and compare each with the baseline.

    Parameters
    ----------
    scenarios
        Two or more scenarios (objects or file paths); names must differ.
    replications
        Replications of each scenario; with ``precision``, the first batch.
    precision
        If given (e.g. ``0.05``), add replications until the 95% CI half-width
        of each ``precision_figures`` paired difference is within this share of
        the mean difference, or ``max_replications`` is reached.
    max_replications
        Cap for ``precision``.
    precision_figures
        Figures whose paired differences must reach the precision.
    seed
        Base seed; replication ``r`` uses the streams of ``(seed, r)``.
    workers
        Processes to use; the tables do not depend on it.
    baseline
        Scenario (name, file or file stem) the others are compared with
        (default: the first).
    keep
        Tables to keep besides ``summary``.
    figures
        Figures of the comparison table (those every scenario has values for).
    model
        The replication function (the seam the tests use).
    on_batch
        Called with each batch's results as it finishes, so that a caller can
        keep them if the experiment is interrupted.
    """
    resolved = resolve(scenarios)
    if len(resolved) < 2:
        raise ExperimentError("compare needs at least two scenarios")
    check_whole_number("replications", replications, 1)
    check_whole_number("seed", seed, 0)
    check_whole_number("workers", workers, 1)
    keep = check_keep(keep)
    if precision is not None:
        check_share("precision", precision)
        check_whole_number("max_replications", max_replications, 1)
        if replications < 2:
            raise ExperimentError("precision needs a first batch of at least 2 replications")
        if max_replications < replications:
            raise ExperimentError(
                f"max_replications {max_replications} is below replications {replications}"
            )
    reference = baseline_name(baseline, resolved)
    runs: dict[str, list[Results]] = {scenario.name: [] for scenario in resolved}

    def run_more(start: int, count: int) -> pd.DataFrame:
        batch = []
        for scenario in resolved:
            try:
                part = run(
                    scenario,
                    count,
                    seed=seed,
                    workers=workers,
                    keep=keep,
                    model=model,
                    first_replication=start,
                )
            except RunInterrupted as exc:
                if exc.results is not None:
                    runs[scenario.name].append(exc.results)
                raise
            runs[scenario.name].append(part)
            batch.append(part)
        combined = Results.combine(batch)
        if on_batch is not None:
            on_batch(combined)
        return combined.summary

    reached: bool | None = None
    try:
        if precision is None:
            run_more(0, replications)
        else:
            outcome = sequential_replications(
                run_more,
                precision_of_differences(list(precision_figures), reference),
                target=precision,
                initial=replications,
                max_replications=max_replications,
            )
            replications, reached = outcome.replications, outcome.reached
    except RunInterrupted as exc:
        _keep_finished(exc, [part for parts in runs.values() for part in parts])
        raise
    # scenario by scenario, replications in order, however many batches ran
    results = Results.combine(part for parts in runs.values() for part in parts)
    table = compare_to_baseline(
        results.summary, comparable_figures(results.summary, figures), reference
    )
    log.info("compared %s with %s over %d replications", results.scenarios, reference, replications)
    return Comparison(
        replace(results, comparison=table), table, reference, replications, precision, reached
    )


__all__ = [
    "Comparison",
    "ExperimentError",
    "baseline_name",
    "comparable_figures",
    "compare",
    "resolve",
    "run_paired",
]
