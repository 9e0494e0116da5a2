"""Sensitivity indices of a sweep's output to its factors (SALib).

Which assumption carries the answer? For a ``sobol`` design, Sobol' indices:
the first-order index ``S1`` is the share of the output's variance a factor
explains alone, the total index ``ST`` the share it takes part in, with its
interactions (Saltelli 2010 estimators, bootstrap 95% CIs). For a ``morris``
design, Morris' elementary effects: ``mu_star`` (mean absolute effect of moving
the factor across a level step, in units of the output per unit of the factor's
normalised range) ranks the factors, ``sigma`` says how much the effect
depends on the others (interactions or curvature).

The output is one number per variant: the mean over replications of the paired
difference between two scenarios (or of one scenario's figure), in the
variants' design order, which the estimators need. A variant that was not run
(infeasible) or has failed replications takes its whole trajectory (Morris) or
Saltelli block (Sobol') out of the estimate; the note says how many.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd


@dataclass(frozen=True)
class Indices:
    """Sensitivity indices, or why there are none.

    Attributes
    ----------
    method : str
        ``sobol`` or ``morris``.
    table : pandas.DataFrame
        One row per factor, ranked (most influential first). Sobol: ``factor, S1,
        S1_conf, ST, ST_conf``; Morris: ``factor, mu, mu_star, mu_star_conf, sigma``.
    note : str
        Empty, or why the table is empty.
    """

    method: str
    table: pd.DataFrame
    note: str = ""


def _problem(names: Sequence[str]) -> dict[str, object]:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def sobol_indices(
    output: npt.ArrayLike, names: Sequence[str], seed: int = 0, confidence: float = 0.95
) -> pd.DataFrame:
    """First and total Sobol' indices from outputs at a Saltelli design (no second order)."""
    from SALib.analyze import sobol

    values = np.asarray(output, dtype=float)
    found = sobol.analyze(
        _problem(names), values, calc_second_order=False, conf_level=confidence, seed=seed
    )
    table = pd.DataFrame(
        {
            "factor": list(names),
            "S1": found["S1"],
            "S1_conf": found["S1_conf"],
            "ST": found["ST"],
            "ST_conf": found["ST_conf"],
        }
    )
    return table.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)


def morris_indices(
    unit: npt.ArrayLike,
    output: npt.ArrayLike,
    names: Sequence[str],
    levels: int,
    seed: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Morris' mu, mu* (with CI) and sigma from outputs at a Morris design in the unit cube."""
    from SALib.analyze import morris

    found = morris.analyze(
        _problem(names),
        np.asarray(unit, dtype=float),
        np.asarray(output, dtype=float),
        num_levels=levels,
        conf_level=confidence,
        seed=seed,
    )
    table = pd.DataFrame(
        {
            "factor": list(names),
            "mu": np.asarray(found["mu"], dtype=float),
            "mu_star": np.asarray(found["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(found["mu_star_conf"], dtype=float),
            "sigma": np.asarray(found["sigma"], dtype=float),
        }
    )
    return table.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)


def variant_output(
    summary: pd.DataFrame, figure: str, baseline: str, scenario: str | None
) -> pd.Series:
    """Per variant, the mean over replications of the paired difference ``scenario -
    baseline`` of ``figure`` (or, with ``scenario`` None, of the baseline's figure)."""
    index = ["variant", "replication"]
    base = summary.loc[summary["scenario"] == baseline, [*index, figure]].set_index(index)[figure]
    if scenario is None:
        return base.groupby(level="variant").mean()
    other = summary.loc[summary["scenario"] == scenario, [*index, figure]].set_index(index)
    difference = other[figure] - base.reindex(other.index)
    return difference.groupby(level="variant").mean()


def sweep_indices(
    method: str,
    design: pd.DataFrame,
    unit: npt.NDArray[np.float64] | None,
    output: pd.Series,
    names: Sequence[str],
    levels: int,
    seed: int,
) -> Indices | None:
    """The indices a design supports (None for grid and lhs)."""
    if method not in ("sobol", "morris") or unit is None:
        return None
    variants = design["variant"].to_numpy()
    complete = np.array([v in output.index and np.isfinite(output[v]) for v in variants])
    # The estimators read the design in blocks: a Morris trajectory (k + 1 points)
    # or a Saltelli block (k + 2). A block with a missing point is dropped whole,
    # which leaves the others' estimates as they are, only less precise.
    block = len(names) + (2 if method == "sobol" else 1)
    blocks = len(variants) // block
    if blocks * block != len(variants):
        return Indices(method, pd.DataFrame(), "the design is not made of whole blocks")
    whole = complete.reshape(blocks, block).all(axis=1)
    note = ""
    if not whole.all():
        missing = [int(v) for v in variants[~complete]]
        note = (
            f"{len(missing)} of {len(variants)} variants have no complete result "
            f"(infeasible or failed, e.g. variant {missing[0]}); "
            f"{int((~whole).sum())} of {blocks} "
            f"{'trajectories' if method == 'morris' else 'Saltelli blocks'} left out"
        )
        if whole.sum() < 2:
            return Indices(method, pd.DataFrame(), note + ": too few left for the estimators")
    kept = np.repeat(whole, block)
    variants, unit = variants[kept], np.asarray(unit)[kept]
    values = output.reindex(variants).to_numpy(dtype=float)
    if method == "sobol":
        return Indices(method, sobol_indices(values, names, seed), note)
    return Indices(method, morris_indices(unit, values, names, levels, seed), note)


__all__ = ["Indices", "morris_indices", "sobol_indices", "sweep_indices", "variant_output"]
