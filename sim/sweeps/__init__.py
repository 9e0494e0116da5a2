"""Sweeps: many variants of several scenarios, run paired, crash-safe, and analysed.

A sweep file (``scenarios/sweeps/*.toml``; :mod:`sim.sweeps.spec`) names the
scenarios (the first is the baseline), the factors and the design; the
variants are built with their constraints (:mod:`sim.sweeps.variants`), run on
a local pool or a Dask cluster (:mod:`sim.sweeps.execution`) into parts that
survive a crash (:mod:`sim.sweeps.store`, :mod:`sim.sweeps.engine`), assembled
into one summary table (:mod:`sim.sweeps.results`) and analysed
(:mod:`sim.sweeps.analysis`, :mod:`sim.sweeps.sensitivity`)::

    import sim
    results = sim.sweep("scenarios/sweeps/headcount_split.toml", "results/split")
    results = sim.load_sweep("results/split")      # the same, read back

"""

from __future__ import annotations

from sim.sweeps.engine import SweepProgress, available_workers, sweep
from sim.sweeps.results import SweepResults, load_sweep
from sim.sweeps.spec import SweepError, SweepSpec, parse_sweep, read_sweep
from sim.sweeps.store import SweepFolderError

__all__ = [
    "SweepError",
    "SweepFolderError",
    "SweepProgress",
    "SweepResults",
    "SweepSpec",
    "available_workers",
    "load_sweep",
    "parse_sweep",
    "read_sweep",
    "sweep",
]
