"""The headline under uncertainty: what a sweep over the register's ranges says.

:func:`summarise_sweep` reads the folder of a sweep generated from the
register (``scenarios/sweeps/assumptions.toml``: Morris; ``assumptions_sobol``:
Sobol') and gives

- the share of the variants in which the compared firm's mean paired
  difference is in its favour, with a 95% Wilson interval: the variants of a
  Morris or Sobol' design spread evenly over the factors' ranges, so this is
  about the share of the plausible region where that firm wins;
- each factor's sensitivity index (Morris ``mu_star`` and the signed ``mu``;
  Sobol' ``ST`` and ``S1``, shares of the difference's variance), ranked, with
  its source and the firm the register says it favours;
- for each factor, the share of variants won with the factor in the lowest
  and in the highest quarter of its range: the conditions under which the
  other firm wins show as a share that falls towards one end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.analysis import wilson_interval
from sim.assumptions.register import LoadedRegister
from sim.figures import LOWER_IS_BETTER_FIGURES


@dataclass(frozen=True)
class SweepSummary:
    """The headline under uncertainty.

    Attributes
    ----------
    scenario, baseline : str
        The firm compared, and the one it is compared with.
    figure : str
        The figure (``profit``).
    variants, wins : int
        Variants with a result, and those in which ``scenario`` is ahead by
        the mean paired difference.
    share_low, share_high : float
        95% Wilson interval of the share ``wins / variants``.
    factors : pandas.DataFrame
        One row per factor, most influential first: ``factor``, the indices of
        the design, ``source``, ``favours``, ``wins_low`` and ``wins_high``
        (share of variants won with the factor in the lowest and in the
        highest quarter of its range), ``diff_low`` and ``diff_high`` (mean
        difference there).
    method : str
        ``morris`` or ``sobol``.
    note : str
        Empty, or which variants the indices had to leave out (and why there
        are none, if so).
    """

    scenario: str
    baseline: str
    figure: str
    variants: int
    wins: int
    share_low: float
    share_high: float
    factors: pd.DataFrame
    method: str
    note: str = ""

    @property
    def share(self) -> float:
        """Share of the variants ``scenario`` wins."""
        return self.wins / self.variants if self.variants else math.nan


def summarise_sweep(
    folder: str | Path,
    register: LoadedRegister | None = None,
    figure: str | None = None,
    scenario: str | None = None,
) -> SweepSummary:
    """Summarise a sweep over the register's ranges (see the module's docstring)."""
    from sim.sweeps import load_sweep
    from sim.sweeps.sensitivity import sweep_indices, variant_output

    results = load_sweep(folder)
    figure = figure or str(results.analysis.get("figure", "profit"))
    baseline = results.baseline
    scenario = scenario or next(name for name in results.scenarios if name != baseline)
    full = variant_output(results.summary, figure, baseline, scenario)
    output = full.dropna()
    lower = figure in LOWER_IS_BETTER_FIGURES
    won = output < 0 if lower else output > 0
    wins, variants = int(won.sum()), len(output)
    low, high = wilson_interval(wins, variants)
    design = results.design.set_index("variant")
    names = results.factors
    indices = sweep_indices(
        results.method,
        results.design,
        results.unit,
        full,
        names,
        int(results.manifest["design"].get("levels") or 4),
        int(results.manifest["seed"]),
    )
    note = indices.note if indices is not None else ""
    table = pd.DataFrame({"factor": list(names)})
    if indices is not None and not indices.table.empty:
        table = indices.table.copy()
    unit = results.unit
    rows = []
    for position, name in enumerate(names):
        if unit is not None:
            place = pd.Series(unit[:, position], index=results.design["variant"].to_numpy())
        else:
            values = pd.to_numeric(design[name], errors="coerce")
            span = values.max() - values.min()
            place = (values - values.min()) / span if span > 0 else values * 0
        place = place.reindex(output.index)
        bottom, top = place <= 0.25, place >= 0.75
        rows.append(
            {
                "factor": name,
                "wins_low": float(won[bottom].mean()) if bottom.any() else math.nan,
                "wins_high": float(won[top].mean()) if top.any() else math.nan,
                "diff_low": float(output[bottom].mean()) if bottom.any() else math.nan,
                "diff_high": float(output[top].mean()) if top.any() else math.nan,
            }
        )
    table = table.merge(pd.DataFrame(rows), on="factor", how="left")
    if register is not None:
        entries = {entry.path: entry for entry in register.spec.assumption}
        table["source"] = [
            entries[name].source if name in entries else "" for name in table["factor"]
        ]
        table["favours"] = [
            entries[name].favours if name in entries else "" for name in table["factor"]
        ]
    return SweepSummary(
        scenario=scenario,
        baseline=baseline,
        figure=figure,
        variants=variants,
        wins=wins,
        share_low=low,
        share_high=high,
        factors=table,
        method=results.method,
        note=note,
    )


__all__ = ["SweepSummary", "summarise_sweep"]
