"""Variants: the design's points turned into scenarios to run, constraints applied.

For every variant and scenario the scenario's settings get the factors that
apply to it; then the constraints: ``keep_weekly_cost`` sets the ``fill``
setting (a budget, say) so that the scenario's weekly cost (staff plus
marketing budget) equals the baseline's in the same variant, or a number. A
variant that cannot meet it (the fill would be negative, or a fraction of a
head), or whose settings are not a valid scenario, is recorded as infeasible
with the reason, and not run.

Identical settings simulate identically (``Scenario.hash``), so each distinct
setting is one *run* however many variants share it: the baseline, untouched
by the factors, is simulated once per replication for the whole sweep. Its
rows are repeated for every variant, so every variant is paired with the
baseline on the same replications.
"""

from __future__ import annotations

import copy
import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel

from sim.scenario import Scenario, ScenarioError, load_scenario, scenario_from_dict
from sim.scenario.fields import kind_of
from sim.scenario.paths import PathError, get_path, set_path
from sim.sweeps.design import build_design, written_value
from sim.sweeps.spec import SweepError, SweepSpec


@dataclass(frozen=True)
class Run:
    """One distinct scenario to simulate: its settings and their hash (the run's key)."""

    key: str
    scenario: str
    raw: dict[str, Any]
    source: str


@dataclass(frozen=True)
class Plan:
    """What a sweep runs.

    Attributes
    ----------
    spec : SweepSpec
        The sweep file.
    source : str
        The sweep file's path.
    scenarios : list of str
        Scenario names, the baseline first.
    base_hashes : dict of str to str
        Each scenario's settings hash before the factors (after the file's ``set``).
    design : pandas.DataFrame
        One row per variant: ``variant``, each factor's value (column named by its
        path), ``feasible`` and ``infeasible_reason``.
    unit : numpy.ndarray or None
        The design's unit-cube points (for the sensitivity analysis).
    cells : pandas.DataFrame
        One row per feasible variant and scenario: ``variant``, ``scenario``,
        ``run`` (the key of the settings it simulates) and, with a constraint, the
        fill setting's value (column named by its path).
    runs : dict of str to Run
        The distinct runs by key.
    """

    spec: SweepSpec
    source: str
    scenarios: list[str]
    base_hashes: dict[str, str]
    design: pd.DataFrame
    unit: npt.NDArray[np.float64] | None
    cells: pd.DataFrame
    runs: dict[str, Run]

    @property
    def baseline(self) -> str:
        """The first scenario: the one the others are compared with."""
        return self.scenarios[0]

    @property
    def feasible(self) -> list[int]:
        """Variants that are run."""
        return [int(v) for v in self.design.loc[self.design["feasible"], "variant"]]


def _names(scenario: Scenario, written: str) -> set[str]:
    return {scenario.name, written, Path(written).stem}


def load_base_scenarios(spec: SweepSpec, source: str) -> tuple[list[Scenario], list[set[str]]]:
    """The sweep's scenarios with the file's ``set`` applied, and what each may be called."""
    folder = Path(source).parent
    common = {key: value for key, value in spec.set.items() if ":" not in key}
    targeted = [(*key.split(":", 1), value) for key, value in spec.set.items() if ":" in key]
    scenarios, aliases = [], []
    for written in spec.scenarios:
        path = folder / written
        if not path.is_file():
            raise SweepError(source, [("scenarios", f"file not found: {written!r} ({path})")])
        scenario = load_scenario(path, common)
        names = _names(scenario, written)
        mine = {k.strip(): v for target, k, v in targeted if target.strip() in names}
        if mine:
            scenario = load_scenario(path, {**common, **mine})
        scenarios.append(scenario)
        aliases.append(names)
    listed = [scenario.name for scenario in scenarios]
    repeated = sorted({name for name in listed if listed.count(name) > 1})
    if repeated:
        raise SweepError(source, [("scenarios", f"names must differ; repeated: {repeated}")])
    known = set().union(*aliases)
    for target, key, _ in targeted:
        if target.strip() not in known:
            raise SweepError(
                source, [(f"set.{target}:{key}", f"no scenario {target!r}; scenarios: {listed}")]
            )
    return scenarios, aliases


def _select(
    wanted: tuple[str, ...], aliases: list[set[str]], names: list[str], where: str, source: str
) -> set[str]:
    chosen = set()
    for item in wanted:
        matches = [name for name, known in zip(names, aliases, strict=True) if item in known]
        if not matches:
            hint = difflib.get_close_matches(item, names, n=1)
            did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise SweepError(
                source, [(where, f"no scenario {item!r}{did_you_mean}; scenarios: {names}")]
            )
        chosen.update(matches)
    return chosen


def check_schema_path(path: str) -> str | None:
    """Why ``path`` names no setting of the scenario schema (None when it does)."""
    model: Any = Scenario
    in_list = False
    distribution = False
    parts = path.split(".")
    for depth, part in enumerate(parts):
        if in_list:  # an index or an item's name
            in_list = False
            continue
        if model is None:
            if distribution and depth == len(parts) - 1:
                return None  # a distribution's parameter: `deal_value.mean`
            return None if part.isdigit() else f"{part!r}: cannot look inside a plain value"
        fields = model.model_fields
        if part not in fields:
            hint = difflib.get_close_matches(part, list(fields), n=1)
            did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
            return f"unknown key {part!r}{did_you_mean}; allowed: {', '.join(fields)}"
        annotation = fields[part].annotation
        model, in_list = _inner_model(annotation)
        distribution = (kind_of(fields[part]) or "").startswith("distribution")
    return None


def _inner_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg, typing.get_origin(annotation) is tuple
    return None, False


def _value_at(scenario: Scenario, path: str) -> Any:
    """The validated value at ``path`` (None where the scenario has no such item)."""
    node: Any = scenario
    try:
        for part in path.split("."):
            if isinstance(node, tuple):
                names = [getattr(item, "name", None) for item in node]
                node = node[int(part)] if part.isdigit() else node[names.index(part)]
            else:
                node = getattr(node, part)
    except (AttributeError, IndexError, ValueError):
        return None
    return node


def _build(raw: dict[str, Any], source: str) -> Scenario:
    return scenario_from_dict(raw, source=source)


def _fill(
    raw: dict[str, Any], path: str, target: float, source: str
) -> tuple[Scenario, float] | str:
    """The scenario with ``path`` set so that its weekly cost is ``target``, or why not."""
    costs = []
    for trial in (0, 1):
        attempt = copy.deepcopy(raw)
        set_path(attempt, path, trial)
        costs.append(_build(attempt, source))
    before, slope = costs[0].weekly_cost, costs[1].weekly_cost - costs[0].weekly_cost
    if slope <= 0:
        return f"{path} does not change the weekly cost, so it cannot fill it"
    value = round((target - before) / slope, 6)
    if value < 0:
        return f"weekly cost {before:,.0f} without {path} already exceeds the target {target:,.0f}"
    current = _value_at(costs[0], path)
    if isinstance(current, int) and not isinstance(current, bool):
        if abs(value - round(value)) > 1e-6:
            return f"{path} would have to be {value:g}, not a whole number"
        value = round(value)
    set_path(raw, path, value)
    return _build(raw, source), float(value)


def plan_sweep(spec: SweepSpec, source: str) -> Plan:
    """Build every variant's scenarios (constraints applied) and the distinct runs."""
    bases, aliases = load_base_scenarios(spec, source)
    names = [scenario.name for scenario in bases]
    applies: list[set[str]] = []
    for index, factor in enumerate(spec.factors):
        problem = check_schema_path(factor.path)
        if problem is not None:
            raise SweepError(source, [(f"factors.{index}.path", f"{factor.path}: {problem}")])
        where = f"factors.{index}.scenarios"
        chosen = _select(factor.scenarios, aliases, names, where, source) or set(names)
        for scenario in bases:
            if scenario.name in chosen:
                _check_reachable(scenario, factor.path, f"factors.{index}.path", source)
        applies.append(chosen)
    constraint = spec.constraints
    constrained: set[str] = set()
    if constraint.keep_weekly_cost is not None:
        assert constraint.fill is not None
        problem = check_schema_path(constraint.fill)
        if problem is not None:
            raise SweepError(source, [("constraints.fill", f"{constraint.fill}: {problem}")])
        default = set(names[1:]) if constraint.keep_weekly_cost == "baseline" else set(names)
        chosen = _select(constraint.scenarios, aliases, names, "constraints.scenarios", source)
        constrained = chosen or default
        if constraint.keep_weekly_cost == "baseline":
            constrained.discard(names[0])

    points = build_design(spec)
    runs: dict[str, Run] = {}
    cells: list[dict[str, Any]] = []
    feasible: list[bool] = []
    reasons: list[str] = []
    for variant, row in points.table.iterrows():
        built, reason = _variant(spec, bases, applies, constrained, row, source)
        feasible.append(reason is None)
        reasons.append(reason or "")
        if reason is not None:
            continue
        for scenario, fill in built:
            runs.setdefault(scenario.hash, Run(scenario.hash, scenario.name, scenario.raw, source))
            cell = {"variant": int(str(variant)), "scenario": scenario.name, "run": scenario.hash}
            if constraint.fill is not None:
                cell[constraint.fill] = fill
            cells.append(cell)
    design = points.table.reset_index()
    design["feasible"] = feasible
    design["infeasible_reason"] = reasons
    return Plan(
        spec=spec,
        source=source,
        scenarios=names,
        base_hashes={scenario.name: scenario.hash for scenario in bases},
        design=design,
        unit=points.unit,
        cells=pd.DataFrame(cells),
        runs=runs,
    )


def _check_reachable(scenario: Scenario, path: str, where: str, source: str) -> None:
    """A path through a list must find its item in the scenario as written."""
    parts = path.split(".")
    for depth in range(1, len(parts)):
        prefix = ".".join(parts[:depth])
        try:
            node = get_path(scenario.raw, prefix)
        except PathError:
            node = None
        if isinstance(node, list):
            try:
                get_path(scenario.raw, ".".join(parts[: depth + 1]))
            except PathError as exc:
                raise SweepError(
                    source,
                    [(where, f"in scenario {scenario.name!r}: {exc}; "
                             "limit the factor with scenarios = [...]")],
                ) from None  # fmt: skip
            return
        if node is None and _is_list_field(prefix):
            raise SweepError(
                source,
                [(where, f"in scenario {scenario.name!r}: {prefix} is not written there; "
                         "limit the factor with scenarios = [...]")],
            )  # fmt: skip


def _is_list_field(prefix: str) -> bool:
    model: Any = Scenario
    for part in prefix.split("."):
        if model is None or part not in model.model_fields:
            return False
        model, in_list = _inner_model(model.model_fields[part].annotation)
        if in_list:
            return part == prefix.split(".")[-1]
    return False


def _variant(
    spec: SweepSpec,
    bases: list[Scenario],
    applies: list[set[str]],
    constrained: set[str],
    row: pd.Series,
    source: str,
) -> tuple[list[tuple[Scenario, float]], str | None]:
    """A variant's scenarios with their fill values, or why it is infeasible."""
    built: list[tuple[Scenario, float]] = []
    baseline_cost = math.nan
    for scenario in bases:
        raw = scenario.raw
        for factor, names in zip(spec.factors, applies, strict=True):
            if scenario.name in names:
                set_path(raw, factor.path, written_value(factor, row[factor.path]))
        try:
            target = spec.constraints.keep_weekly_cost
            if scenario.name in constrained:
                assert spec.constraints.fill is not None
                goal = baseline_cost if target == "baseline" else float(target or 0)
                outcome = _fill(raw, spec.constraints.fill, goal, scenario.source)
                if isinstance(outcome, str):
                    return [], f"{scenario.name}: {outcome}"
                built.append(outcome)
            else:
                made = _build(raw, scenario.source)
                fill = spec.constraints.fill
                built.append((made, _number(_value_at(made, fill)) if fill else math.nan))
        except ScenarioError as exc:
            problems = "; ".join(f"{path}: {message}" for path, message in exc.problems)
            return [], f"{scenario.name}: {problems}"
        if scenario is bases[0]:
            baseline_cost = built[0][0].weekly_cost
    return built, None


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


__all__ = ["Plan", "Run", "check_schema_path", "load_base_scenarios", "plan_sweep"]
