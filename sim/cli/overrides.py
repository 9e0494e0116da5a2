"""``--set`` on the command line: overrides for every scenario, or for one by name.

``--set sales.staff=6`` changes every scenario; ``--set
full-system:marketing.channels.search.cost_per_lead=1000`` changes only the
scenario named ``full-system`` (its name, its file or its file stem), so a
comparison can vary a setting that only one of its files has. What each
scenario received, and the command line itself, go into ``manifest.json``
(:func:`provenance`).
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.cli.common import UsageError
from sim.experiments import resolve
from sim.scenario import Scenario, load_scenario, parse_override

#: Overrides by target: ``None`` for every scenario, else the name (or file) given.
Overrides = list[tuple[str | None, str, Any]]


def parse_overrides(texts: Sequence[str]) -> Overrides:
    """Read ``[NAME:]KEY=VALUE`` texts, keeping their order."""
    parsed: Overrides = []
    for text in texts:
        key, value = parse_override(text)
        target: str | None = None
        if ":" in key:
            target, key = (part.strip() for part in key.split(":", 1))
            if not target or not key:
                raise UsageError(f"--set {text!r}: expected NAME:KEY=VALUE or KEY=VALUE")
        parsed.append((target, key, value))
    return parsed


def _names(scenario: Scenario, path: str) -> set[str]:
    """What a ``--set NAME:`` may call a scenario: its name, its file, its file stem."""
    return {scenario.name, path, str(Path(path)), Path(path).stem}


def load_one(path: str, overrides: Overrides) -> tuple[Scenario, dict[str, Any]]:
    """One scenario file with the overrides meant for it, and those overrides."""
    common = {key: value for target, key, value in overrides if target is None}
    scenario = load_scenario(path, common)
    names = _names(scenario, path)
    mine = {key: value for target, key, value in overrides if target is None or target in names}
    if len(mine) > len(common):
        scenario = load_scenario(path, mine)
    return scenario, mine


def load_with_overrides(
    paths: Sequence[str], texts: Sequence[str]
) -> tuple[list[Scenario], dict[str, dict[str, Any]]]:
    """Scenarios (named apart), and the overrides each received by scenario name.

    A ``NAME:`` that matches none of the scenarios is a usage error listing them.
    """
    overrides = parse_overrides(texts)
    loaded = [load_one(path, overrides) for path in paths]
    known: set[str] = set()
    for path, (scenario, _) in zip(paths, loaded, strict=True):
        known |= _names(scenario, path)
    for target, key, _ in overrides:
        if target is not None and target not in known:
            names = ", ".join(scenario.name for scenario, _ in loaded)
            raise UsageError(f"--set {target}:{key}: no scenario {target!r}; scenarios: {names}")
    scenarios = resolve([scenario for scenario, _ in loaded])
    applied = {scenario.name: mine for scenario, mine in loaded if mine}
    return scenarios, applied


def provenance(args: argparse.Namespace, applied: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The command line and the overrides, for ``manifest.json`` and the report."""
    argv = getattr(args, "argv", None) or []
    return {"command": shlex.join(["flocksim", *argv]), "overrides": applied}


__all__ = ["load_one", "load_with_overrides", "parse_overrides", "provenance"]
