"""A finished sweep's tables: assembled from its parts, saved, and read back.

``summary.parquet`` has one row per variant, scenario and replication: the
``variant``, each factor's value (a column named by its path), the
constraint's fill setting (named by its path), ``scenario``, ``replication``,
``seed``, ``run`` (the hash of the settings simulated) and every summary
figure. ``failures.parquet`` lists the replications that raised, and
``manifest.json`` the sweep file, its hash, the resolved design, versions and
timing. :func:`load_sweep` reads them back and checks them against the manifest.
"""

from __future__ import annotations

import json
import logging
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sim.results import package_version
from sim.storage import atomic_write_parquet, atomic_write_text
from sim.sweeps.store import DESIGN, SweepFolder
from sim.sweeps.variants import Plan

log = logging.getLogger(__name__)

SUMMARY = "summary.parquet"
FAILURES = "failures.parquet"
MANIFEST = "manifest.json"
UNIT_PREFIX = "unit:"


@dataclass(frozen=True)
class SweepResults:
    """The tables of a finished sweep and its manifest."""

    directory: Path
    summary: pd.DataFrame
    design: pd.DataFrame
    failures: pd.DataFrame
    manifest: dict[str, Any]

    @property
    def factors(self) -> list[str]:
        """Factor paths, in the sweep file's order."""
        return [str(factor["path"]) for factor in self.manifest["design"]["factors"]]

    @property
    def scenarios(self) -> list[str]:
        """Scenario names, the baseline first."""
        return list(self.manifest["scenarios"])

    @property
    def baseline(self) -> str:
        """The scenario the others are compared with."""
        return str(self.manifest["baseline"])

    @property
    def method(self) -> str:
        """The design: grid, lhs, sobol or morris."""
        return str(self.manifest["design"]["method"])

    @property
    def analysis(self) -> dict[str, Any]:
        """The sweep file's ``[analysis]`` table (figure, figures, scenario)."""
        return dict(self.manifest["analysis"])

    @property
    def unit(self) -> npt.NDArray[np.float64] | None:
        """The design's unit-cube points in variant order (None for a grid)."""
        columns = [f"{UNIT_PREFIX}{path}" for path in self.factors]
        if not all(column in self.design.columns for column in columns):
            return None
        return self.design[columns].to_numpy(dtype=float)

    def factor_scale(self, path: str) -> str:
        """``log`` or ``linear``: how the factor's axis is best drawn."""
        for factor in self.manifest["design"]["factors"]:
            if factor["path"] == path:
                return str(factor.get("scale", "linear"))
        raise KeyError(path)


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "flocksim": package_version()}
    for name in ("numpy", "pandas", "scipy", "simpy", "pyarrow", "SALib", "dask", "distributed"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def assemble(
    plan: Plan, rows: pd.DataFrame, failures: pd.DataFrame, counts: dict[int, int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The summary and failure tables from the parts' rows."""
    keys = ["variant", "run", "replication"]
    if rows.empty:
        summary = pd.DataFrame(columns=["variant", "scenario", "replication", "seed", "run"])
    else:
        doubled = rows.duplicated(keys)
        if doubled.any():  # only possible if a part was copied in by hand
            log.warning("%d rows appear in two parts; each is kept once", int(doubled.sum()))
        summary = rows.loc[~doubled]
        wanted = summary["variant"].map(counts).fillna(0)
        summary = summary.loc[summary["replication"] < wanted]
        summary = _with_design(plan, summary)
    if not failures.empty:
        done = set(zip(summary["run"], summary["replication"], strict=True))
        open_ = [
            (run, int(r)) not in done
            for run, r in zip(failures["run"], failures["replication"], strict=True)
        ]
        failures = failures.loc[open_].drop_duplicates(keys, keep="last")
        failures = failures.sort_values(["variant", "replication"], kind="stable")
        failures = failures.reset_index(drop=True)
    return summary, failures


def _with_design(plan: Plan, rows: pd.DataFrame) -> pd.DataFrame:
    factors = [factor.path for factor in plan.spec.factors]
    design = plan.design[["variant", *factors]]
    merged = rows.merge(design, on="variant", how="left")
    fill = plan.spec.constraints.fill
    extra = []
    if fill is not None:
        merged = merged.merge(plan.cells[["variant", "scenario", fill]], on=["variant", "scenario"])
        extra = [fill]
    order = {name: index for index, name in enumerate(plan.scenarios)}
    merged = merged.assign(_order=merged["scenario"].map(order))
    merged = merged.sort_values(["variant", "_order", "replication"], kind="stable")
    front = ["variant", *factors, *extra, "scenario", "replication", "seed", "run"]
    rest = [c for c in merged.columns if c not in front and c != "_order"]
    return merged[front + rest].reset_index(drop=True)


def finish(
    plan: Plan,
    folder: SweepFolder,
    counts: dict[int, int],
    seconds: float,
    extra: dict[str, Any],
) -> SweepResults:
    """Assemble the parts into the final tables and write them with the manifest."""
    rows, failures = folder.load_parts()
    summary, failures = assemble(plan, rows, failures, counts)
    record = folder.record()
    design = plan.design.copy()
    if plan.unit is not None:
        for index, factor in enumerate(plan.spec.factors):
            design[f"{UNIT_PREFIX}{factor.path}"] = plan.unit[:, index]
    spec = plan.spec
    sessions = record.get("sessions", [])
    manifest: dict[str, Any] = {
        "package": "flocksim",
        "kind": "sweep",
        "version": package_version(),
        "name": spec.name,
        "description": spec.description,
        "sweep_file": record["file"],
        "hash": record["hash"],
        "sweep_text": record["text"],
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": spec.seed,
        "baseline": plan.baseline,
        "replications": {
            "first_batch": spec.first_batch,
            "precision": spec.precision,
            "max_replications": spec.max_replications if spec.precision else None,
            "fewest": min(counts.values(), default=0),
            "most": max(counts.values(), default=0),
        },
        "design": {
            "method": spec.design.method,
            "samples": spec.design.samples,
            "trajectories": spec.design.trajectories,
            "levels": spec.design.levels,
            "factors": [factor.model_dump(exclude_none=True) for factor in spec.factors],
            "variants": len(design),
            "feasible": int(design["feasible"].sum()),
        },
        "constraints": spec.constraints.model_dump(),
        "analysis": spec.analysis.model_dump(),
        "overrides": dict(spec.set),
        "scenarios": {
            name: {
                "source": next(r.source for r in plan.runs.values() if r.scenario == name)
                if any(r.scenario == name for r in plan.runs.values())
                else "",
                "hash": plan.base_hashes[name],
            }
            for name in plan.scenarios
        },
        "rows": len(summary),
        "failed": len(failures),
        "runs": len(plan.runs),
        "timing": {
            "first_started": sessions[0]["started"] if sessions else None,
            "sessions": len(sessions),
            "last_session_seconds": round(seconds, 3),
        },
        "versions": _versions(),
        **extra,
    }
    directory = folder.directory
    atomic_write_parquet(directory / DESIGN, design)
    atomic_write_parquet(directory / SUMMARY, summary)
    atomic_write_parquet(directory / FAILURES, _failure_table(failures))
    atomic_write_text(directory / MANIFEST, json.dumps(manifest, indent=2, default=str) + "\n")
    return SweepResults(directory, summary, design, failures, manifest)


def _failure_table(failures: pd.DataFrame) -> pd.DataFrame:
    if failures.empty:
        columns = ["variant", "scenario", "run", "replication", "seed", "error"]
        return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})
    return failures


def load_sweep(directory: str | Path) -> SweepResults:
    """Read a finished sweep's folder, checked against its manifest."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.is_file():
        hint = (
            " (the sweep has not finished: run it again with --resume)"
            if (directory / "sweep.json").is_file()
            else ""
        )
        raise FileNotFoundError(f"{directory}: no {MANIFEST}; not a finished sweep{hint}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a readable manifest ({exc})") from None
    if manifest.get("kind") != "sweep":
        raise ValueError(f"{directory}: not a sweep folder (its manifest is not a sweep's)")
    summary = pd.read_parquet(directory / SUMMARY)
    if len(summary) != manifest.get("rows"):
        raise ValueError(
            f"{directory / SUMMARY}: {len(summary)} rows, the manifest says {manifest.get('rows')}"
        )
    design = pd.read_parquet(directory / DESIGN)
    failures_path = directory / FAILURES
    failures = pd.read_parquet(failures_path) if failures_path.is_file() else pd.DataFrame()
    return SweepResults(directory, summary, design, failures, manifest)


__all__ = ["FAILURES", "MANIFEST", "SUMMARY", "SweepResults", "assemble", "finish", "load_sweep"]
