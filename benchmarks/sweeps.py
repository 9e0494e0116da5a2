"""The sweep part of the benchmark (``bench.py`` runs it; issue 9's targets).

* **Throughput**: one sweep (the full system over a small grid of salespeople
  and lead cost, paired with the sales-only firm) run with ``sim.sweep`` on
  the local executor with 1 and 2 workers, and on a Dask ``LocalCluster`` (on
  the loopback interface, started before the clock starts) with 1 and 2
  workers. Runs (replications simulated) per second, and the parallel
  efficiency of each executor: (rate with 2 workers / rate with 1) / 2. The
  local run with 2 workers includes starting its processes; the Dask runs
  include the workers' first import of flocksim. All four give identical rows,
  which is checked.
* **Pairing**: for each variant, the replications a paired comparison (common
  random numbers) needs for a given CI width of the profit difference, over
  those an unpaired one (independent seeds) needs: Var(B - A) / (Var(A) +
  Var(B)), the median over the variants. Below 1, pairing saves replications.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import sim

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

TARGETS = (
    ("sweep_local_efficiency", "sweep parallel efficiency, local executor, 2 workers", 0.9, "min"),
    (
        "sweep_dask_efficiency",
        "sweep parallel efficiency, Dask local cluster, 2 workers",
        0.75,
        "min",
    ),
    (
        "paired_replication_ratio",
        "replications a paired sweep needs / an unpaired one, same CI width",
        1.0,
        "max",
    ),
)


def sweep_text(horizon: str, replications: int, staff: list[int]) -> str:
    return f"""
name = "bench"
scenarios = ["{SCENARIOS / "sales_only.toml"}", "{SCENARIOS / "full_system.toml"}"]
replications = {replications}
seed = 20240601
[set]
"clock.horizon" = "{horizon}"
[[factors]]
path = "sales.staff"
values = {staff}
scenarios = ["full-system"]
[[factors]]
path = "marketing.channels.search.cost_per_lead"
values = [150, 600]
scenarios = ["full-system"]
[constraints]
keep_weekly_cost = "baseline"
fill = "marketing.budget_per_week"
"""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _timed_sweep(path: Path, out: Path, **options: Any) -> tuple[float, sim.SweepResults]:
    started = time.perf_counter()
    results = sim.sweep(path, out, **options)
    return time.perf_counter() - started, results


def pairing_ratio(summary: pd.DataFrame, figure: str = "profit") -> list[float]:
    """Per variant: Var(B - A) / (Var(A) + Var(B)) of ``figure`` (full system vs baseline)."""
    ratios = []
    for _, rows in summary.groupby("variant"):
        wide = rows.pivot_table(index="replication", columns="scenario", values=figure)
        a, b = wide["sales-only"].to_numpy(), wide["full-system"].to_numpy()
        unpaired = np.var(a, ddof=1) + np.var(b, ddof=1)
        if unpaired > 0:
            ratios.append(float(np.var(b - a, ddof=1) / unpaired))
    return ratios


def bench_sweeps(quick: bool) -> dict[str, Any]:
    """Throughput of one sweep on each executor and worker count, and the pairing ratio."""
    from distributed import LocalCluster

    # quick: one headcount at two lead costs, two weeks; enough to run all four ways
    horizon, replications, staff = ("2 w", 2, [5]) if quick else ("104 w", 16, [3, 4, 5, 6])
    times: dict[str, float] = {}
    summaries: dict[str, pd.DataFrame] = {}
    with tempfile.TemporaryDirectory(prefix="flocksim-bench-") as folder:
        path = Path(folder) / "bench.toml"
        path.write_text(sweep_text(horizon, replications, staff))
        runs = 0
        for workers in (1, 2):
            _log(f"sweep: local executor, {workers} worker(s)")
            wall, results = _timed_sweep(
                path, Path(folder) / f"local-{workers}", workers=workers, executor="local"
            )
            times[f"local_{workers}"] = wall
            summaries[f"local_{workers}"] = results.summary
            runs = int(results.manifest["runs"]) * replications
        for workers in (1, 2):
            _log(f"sweep: Dask local cluster, {workers} worker(s)")
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            try:
                wall, results = _timed_sweep(
                    path,
                    Path(folder) / f"dask-{workers}",
                    executor="dask",
                    address=cluster.scheduler_address,
                )
            finally:
                cluster.close()
            times[f"dask_{workers}"] = wall
            summaries[f"dask_{workers}"] = results.summary
    reference = summaries["local_1"]
    identical = all(frame.equals(reference) for frame in summaries.values())
    rates = {key: runs / wall for key, wall in times.items()}
    ratios = pairing_ratio(reference)
    return {
        "horizon": horizon,
        "replications": replications,
        "variants": len(staff) * 2,
        "runs": runs,
        "seconds": times,
        "runs_per_s": rates,
        "local_efficiency": rates["local_2"] / rates["local_1"] / 2,
        "dask_efficiency": rates["dask_2"] / rates["dask_1"] / 2,
        "identical_rows": identical,
        "paired_ratio": {
            "median": statistics.median(ratios),
            "min": min(ratios),
            "max": max(ratios),
        },
    }


def sweep_rows(sweeps: dict[str, Any]) -> list[tuple[str, str, Any, str]]:
    """Rows of the printed table: (name, unit, measured, note)."""
    label = f"sweep, {sweeps['runs']} runs ({sweeps['variants']} variants, {sweeps['horizon']})"
    out: list[tuple[str, str, Any, str]] = []
    for key, name in (
        ("local_1", "local, 1 worker"),
        ("local_2", "local, 2 workers"),
        ("dask_1", "Dask local cluster, 1 worker"),
        ("dask_2", "Dask local cluster, 2 workers"),
    ):
        out.append(
            (
                f"{label}, {name}",
                "runs/s",
                sweeps["runs_per_s"][key],
                f"{sweeps['seconds'][key]:.1f} s",
            )
        )
    identical = "rows identical on all four" if sweeps["identical_rows"] else "ROWS DIFFER"
    out.append(
        ("sweep parallel efficiency, local", "ratio", sweeps["local_efficiency"], "target >= 0.9")
    )
    out.append(
        (
            "sweep parallel efficiency, Dask",
            "ratio",
            sweeps["dask_efficiency"],
            f"target >= 0.75; {identical}",
        )
    )
    out.append(
        (
            "paired / unpaired replications, same CI width (profit)",
            "ratio",
            sweeps["paired_ratio"],
            "Var(B-A) / (Var(A)+Var(B)), median over variants; target < 1",
        )
    )
    return out


def measured(sweeps: dict[str, Any]) -> dict[str, float]:
    """The values the targets judge."""
    return {
        "sweep_local_efficiency": sweeps["local_efficiency"],
        "sweep_dask_efficiency": sweeps["dask_efficiency"],
        "paired_replication_ratio": sweeps["paired_ratio"]["median"],
    }
