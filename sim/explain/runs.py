"""Running the subsets of groups: each coalition's scenario, validated, and every distinct run.

``sim.explain.core`` asks for the coalitions it needs; here they are built as
scenarios ("A with these groups switched to B", refused with the reason when
a mix is not a valid scenario), run once per distinct simulation
(``sim.explain.inert.run_key``) and replication on the sweeps' executor
(``sim.sweeps.execution``: local processes, a task per run and a few
replications), and looked up again as one figure of one coalition in one
replication.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from sim.explain.groups import ExplainError, Group
from sim.explain.shapley import members
from sim.figures import with_story_figures
from sim.runner import ReplicationModel
from sim.scenario import Scenario, ScenarioError, scenario_from_dict
from sim.scenario.settings import resolved_settings, switched
from sim.sweeps.execution import LocalExecutor, Task

#: Replications per task: small, so two workers finish together.
_CHUNK = 2

ProgressCallback = Callable[[int, int], None]


def probe_figures(a: Scenario, figures: Sequence[str], model: ReplicationModel) -> None:
    """Refuse unknown figures before the long run: one short replication gives the columns."""
    settings = resolved_settings(a)
    week = settings["clock"]["week_hours"]
    settings["clock"].update(horizon=f"{week!r} h", warmup="0 h")
    probe = scenario_from_dict(settings, source=a.source)
    summary = with_story_figures(model(probe, 0, 0, ())["summary"])
    numeric = [
        column
        for column in summary.columns
        if column not in ("scenario", "replication", "seed")
        and pd.api.types.is_numeric_dtype(summary[column])
    ]
    for figure in figures:
        if figure not in numeric:
            hint = difflib.get_close_matches(figure, numeric, n=1)
            did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ExplainError(
                f"figure {figure!r} is not a summary figure{did_you_mean}; "
                f"figures: {', '.join(numeric)}"
            )


def coalition_name(mask: int, groups: Sequence[Group]) -> str:
    names = [groups[i].name for i in members(mask, len(groups))]
    return " + ".join(names) if names else "none"


def build_coalitions(
    a: Scenario, b: Scenario, groups: Sequence[Group], masks: Sequence[int]
) -> dict[int, Scenario]:
    """Each coalition's scenario, validated; an invalid mix is an ExplainError."""
    built: dict[int, Scenario] = {}
    for mask in sorted(masks, key=lambda m: (m.bit_count(), m)):
        units = [unit for i in members(mask, len(groups)) for unit in groups[i].units]
        try:
            built[mask] = switched(a, b, units, name=f"{a.name} + {coalition_name(mask, groups)}")
        except ScenarioError as exc:
            problem = "; ".join(f"{path}: {msg}" if path else msg for path, msg in exc.problems)
            raise ExplainError(
                f"switching {coalition_name(mask, groups)} from {a.name!r} to {b.name!r} "
                f"gives no valid scenario ({problem}); put the settings that must change "
                "together in one group (--groups FILE)"
            ) from None
    return built


def execute(
    runs: Mapping[str, tuple[Scenario, set[int]]],
    seed: int,
    workers: int,
    model: ReplicationModel,
    progress: ProgressCallback | None,
) -> pd.DataFrame:
    """Every run's replications on the sweeps' executor; one summary row each."""
    tasks = []
    for key, (scenario, replications) in runs.items():
        ordered = sorted(replications)
        for start in range(0, len(ordered), _CHUNK):
            tasks.append(
                Task(
                    run=key,
                    raw=scenario.raw,
                    source=scenario.source,
                    seed=seed,
                    replications=tuple(ordered[start : start + _CHUNK]),
                    model=model,
                )
            )
    total = sum(len(task.replications) for task in tasks)
    done = 0
    frames = []
    with LocalExecutor(workers) as executor:
        for outcome in executor.outcomes(tasks):
            if outcome.errors:
                replication, error = outcome.errors[0]
                name = runs[outcome.run][0].name
                raise ExplainError(f"{name!r}, replication {replication}: {error}")
            frames.append(outcome.rows.assign(run=outcome.run))
            done += len(outcome.rows)
            if progress is not None:
                progress(done, total)
    return with_story_figures(pd.concat(frames, ignore_index=True))


def lookup(
    rows: pd.DataFrame,
    keys: Mapping[int, str],
    figure: str,
    groups: Sequence[Group],
) -> Callable[[int, int], float]:
    table = rows.set_index(["run", "replication"])[figure]
    if not table.index.is_unique:
        raise ExplainError("a run was recorded twice for one replication")

    def value(mask: int, replication: int) -> float:
        number = float(table.loc[(keys[mask], replication)])
        if not math.isfinite(number):
            raise ExplainError(
                f"figure {figure!r} has no value for {coalition_name(mask, groups)!r} "
                f"(replication {replication}): a firm without what it counts; choose another"
            )
        return number

    return value


__all__ = [
    "ProgressCallback",
    "build_coalitions",
    "coalition_name",
    "execute",
    "lookup",
    "probe_figures",
]
