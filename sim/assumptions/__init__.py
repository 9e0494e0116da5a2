"""The assumptions register of the headline pair (``scenarios/assumptions.toml``).

::

    from sim.assumptions import load_register, check_register, register_frame
    register = load_register("scenarios/assumptions.toml")
    check_register(register)        # [] when it lists every setting, with the values shipped
    register_frame(register)        # one row per setting: values, range, source, favours

``register`` holds the schema and the checks; this module turns a register
into a table (``flocksim assumptions``), a report section, and a sweep file
over its ranges (``flocksim assumptions --sweep``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from sim.assumptions.register import (
    CONVENTIONS,
    FAVOURS_NEITHER,
    RELIED_ON,
    Assumption,
    LoadedRegister,
    Register,
    RegisterError,
    check_register,
    load_register,
    number,
    required_paths,
    unit_of,
    varied,
)
from sim.i18n import DEFAULT_LANG, has_text, text
from sim.scenario.settings import group_of

#: The register shipped beside the headline scenarios.
DEFAULT_REGISTER = Path("scenarios") / "assumptions.toml"


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ", ".join(f"{key} {_shown(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    return str(value)


def register_frame(register: LoadedRegister) -> pd.DataFrame:
    """One row per setting: path, group, role, the value in each scenario, range, source,
    favours, note (values as written in the register)."""
    names = register.names
    rows = []
    for entry in register.spec.assumption:
        row: dict[str, Any] = {
            "path": entry.path,
            "group": group_of(entry.path),
            "role": entry.role,
        }
        for name in names:
            row[f"value {name}"] = _shown(entry.shipped(name))
        row.update(
            low=_shown(entry.low),
            high=_shown(entry.high),
            source=entry.source,
            favours=entry.favours,
            note=entry.note,
        )
        rows.append(row)
    return pd.DataFrame(rows)


def favours_label(favours: str, lang: str = DEFAULT_LANG) -> str:
    """Who an entry favours, in ``lang``."""
    from sim.figures import scenario_label

    if favours == FAVOURS_NEITHER:
        return text("assumptions.neither", lang)
    return scenario_label(favours, lang)


def source_label(source: str, lang: str = DEFAULT_LANG) -> str:
    """An entry's source, with "judgement" in ``lang``."""
    return text("assumptions.judgement", lang) if source.strip().lower() == "judgement" else source


def display_rows(
    register: LoadedRegister, lang: str = DEFAULT_LANG
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Headers and rows of the register as people read it (report, terminal table)."""
    from sim.figures import scenario_label

    names = register.names
    headers = (
        text("assumptions.column.setting", lang),
        *(scenario_label(name, lang) for name in names),
        text("assumptions.column.range", lang),
        text("assumptions.column.source", lang),
        text("assumptions.column.favours", lang),
    )
    rows = []
    for entry in register.spec.assumption:
        values = [_shown(entry.shipped(name)) for name in names]
        if entry.low is None:
            span = text("assumptions.design", lang)
        else:
            span = text("assumptions.range", lang, low=_shown(entry.low), high=_shown(entry.high))
        rows.append(
            (
                entry.path,
                *values,
                span,
                source_label(entry.source, lang),
                favours_label(entry.favours, lang),
            )
        )
    return headers, rows


def register_counts(register: LoadedRegister) -> dict[str, int]:
    """How many entries are design, sourced, judgement, and favour each firm."""
    entries = register.spec.assumption
    assumptions = [entry for entry in entries if entry.role == "assumption"]
    counts = {
        "settings": len(entries),
        "design": len(entries) - len(assumptions),
        "judgement": sum(entry.judgement for entry in assumptions),
        "sourced": sum(not entry.judgement for entry in assumptions),
    }
    for name in (*register.names, FAVOURS_NEITHER):
        counts[f"favours {name}"] = sum(entry.favours == name for entry in assumptions)
    return counts


def register_section(register: LoadedRegister, lang: str = DEFAULT_LANG) -> Any:
    """The report section listing the register (``sim.report.ExtraSection``)."""
    from sim.figures import scenario_label
    from sim.report import ExtraSection

    headers, rows = display_rows(register, lang)
    counts = register_counts(register)
    first, second = register.names[:2]
    intro = text(
        "assumptions.section_intro",
        lang,
        settings=counts["settings"],
        design=counts["design"],
        judgement=counts["judgement"],
        sourced=counts["sourced"],
        assumptions=counts["judgement"] + counts["sourced"],
        a=scenario_label(first, lang),
        b=scenario_label(second, lang),
        favours_a=counts[f"favours {first}"],
        favours_b=counts[f"favours {second}"],
    )
    return ExtraSection(
        key="assumptions",
        heading=text("assumptions.section", lang),
        paragraphs=(intro, text("assumptions.section_sweep", lang)),
        headers=headers,
        rows=tuple(rows),
        place="after_charts",
    )


def unsourced_advantage(entry: Assumption) -> bool:
    """An assumption on judgement alone that favours one firm."""
    return entry.role == "assumption" and entry.judgement and entry.favours != FAVOURS_NEITHER


def sweep_factors(
    register: LoadedRegister, *, advantages_only: bool = False
) -> list[dict[str, Any]]:
    """The register's numeric ranges as sweep factors (design entries and non-numbers left
    out); with ``advantages_only``, only the unsourced advantages."""
    factors = []
    for entry in register.spec.assumption:
        if entry.role != "assumption" or (advantages_only and not unsourced_advantage(entry)):
            continue
        low, high = number(entry.low), number(entry.high)
        unit = unit_of(entry.low)
        if low is None or high is None or unit != unit_of(entry.high):
            continue
        factor: dict[str, Any] = {"path": entry.path, "low": low, "high": high}
        if entry.scale != "linear":
            factor["scale"] = entry.scale
        if entry.integer:
            factor["integer"] = True
        if unit:
            factor["unit"] = unit
        applies = [scenario.name for scenario in varied(register, entry)]
        if applies != register.names:
            factor["scenarios"] = applies
        factors.append(factor)
    return factors


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return repr(value)


def sweep_text(
    register: LoadedRegister,
    sweep_folder: str | Path,
    *,
    method: str = "morris",
    samples: int = 10,
    replications: int = 1,
    advantages_only: bool = False,
    name: str = "assumptions",
    description: str | None = None,
    command: str = "",
) -> str:
    """A sweep file over the register's ranges, to be saved in ``sweep_folder``."""
    factors = sweep_factors(register, advantages_only=advantages_only)
    base = Path(register.source).parent
    scenarios = [
        os.path.relpath(base / path, sweep_folder).replace(os.sep, "/")
        for path in register.spec.scenarios
    ]
    lines = [
        f"# Generated from {Path(register.source).name} by: {command}".rstrip(": "),
        "# Do not edit: change the register and generate it again "
        "(tests/test_assumptions.py checks that it is current).",
        f"name = {_toml(name)}",
        f"description = {_toml(description or register.spec.description or 'the ranges')}",
        f"scenarios = {_toml(scenarios)}",
        f"replications = {replications}",
        "seed = 0",
        "",
        "[design]",
        f'method = "{method}"',
    ]
    if method == "morris":
        lines += [f"trajectories = {samples}", "levels = 4"]
    else:
        lines.append(f"samples = {samples}")
    for factor in factors:
        lines += ["", "[[factors]]"] + [f"{key} = {_toml(value)}" for key, value in factor.items()]
    lines += ["", "[analysis]", 'figure = "profit"', 'figures = ["profit"]', ""]
    return "\n".join(lines)


def meaning(path: str, lang: str = DEFAULT_LANG) -> str:
    """What a setting means, where the catalogue says it."""
    generic = ".".join(
        "N" if part in ("search", "events", "smb") else part for part in path.split(".")
    )
    for key in (f"setting.{path}", f"setting.{generic}"):
        if has_text(key, lang):
            return text(key, lang)
    return ""


#: The sweeps generated from the register: a Morris screening of every range (which
#: assumptions move the profit difference, which way, and where each firm wins), and
#: Sobol' indices of the unsourced advantages (how much of the difference's variance
#: each carries).
DEFAULT_SWEEPS: dict[str, dict[str, Any]] = {
    "assumptions": {"method": "morris", "samples": 10, "replications": 1},
    "assumptions_sobol": {
        "method": "sobol",
        "samples": 16,
        "replications": 1,
        "advantages_only": True,
        "description": "Sobol' indices of the unsourced advantages of the full system",
    },
}


def shipped_sweeps(register: LoadedRegister, folder: str | Path) -> dict[str, str]:
    """The sweep files generated from the register: file name to text."""
    return {
        f"{name}.toml": sweep_text(
            register,
            folder,
            name=name,
            command="flocksim assumptions --write-sweeps scenarios/sweeps",
            **options,
        )
        for name, options in DEFAULT_SWEEPS.items()
    }


__all__ = [
    "CONVENTIONS",
    "DEFAULT_REGISTER",
    "FAVOURS_NEITHER",
    "RELIED_ON",
    "Assumption",
    "LoadedRegister",
    "Register",
    "RegisterError",
    "check_register",
    "display_rows",
    "favours_label",
    "load_register",
    "meaning",
    "register_counts",
    "register_frame",
    "register_section",
    "required_paths",
    "shipped_sweeps",
    "source_label",
    "sweep_factors",
    "sweep_text",
    "unsourced_advantage",
    "varied",
]
