"""Designs: which values the factors take in each variant.

* ``grid``: every combination of each factor's levels (its ``values``, or
  ``levels`` points over ``low``..``high``, evenly spaced or log-spaced).
* ``lhs``: a Latin hypercube of ``samples`` points (``scipy.stats.qmc``).
* ``sobol``: Saltelli's scheme for Sobol' indices, ``samples`` x (factors + 2)
  points (SALib, first and total order).
* ``morris``: ``trajectories`` one-at-a-time paths over a ``levels`` grid
  (SALib), for Morris' elementary effects.

The space-filling designs draw points in the unit cube, seeded by the sweep's
seed, and map each coordinate onto its factor: linearly or log-uniformly over
the range, rounded for ``integer`` factors, or picking one of a factor's
``values`` in equal slices. The unit coordinates are kept: the sensitivity
analysis needs them in the order the sampler made them.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sim.sweeps.spec import Factor, SweepSpec


@dataclass(frozen=True)
class DesignPoints:
    """The variants of a design.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per variant (numbered from 0), one column per factor path: the
        value the factor takes (a number, or one of the factor's ``values``).
    unit : numpy.ndarray or None
        The points in the unit cube (variants x factors) for lhs, sobol and
        morris; None for a grid.
    """

    table: pd.DataFrame
    unit: npt.NDArray[np.float64] | None


def _rounded(factor: Factor, numbers: npt.NDArray[np.float64]) -> list[Any]:
    if factor.integer:
        return [int(round(value)) for value in numbers]
    return [float(value) for value in numbers]


def factor_levels(factor: Factor) -> list[Any]:
    """A factor's levels on a grid, in order, without repeats."""
    if factor.listed is not None:
        return list(factor.listed)
    assert factor.low is not None
    assert factor.high is not None
    assert factor.levels is not None
    if factor.scale == "log":
        numbers = np.geomspace(factor.low, factor.high, factor.levels)
    else:
        numbers = np.linspace(factor.low, factor.high, factor.levels)
    return list(dict.fromkeys(_rounded(factor, numbers)))


def from_unit(factor: Factor, unit: npt.NDArray[np.float64]) -> list[Any]:
    """Map unit-cube coordinates in [0, 1] onto a factor's values."""
    unit = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
    if factor.listed is not None:
        count = len(factor.listed)
        slots = np.minimum((unit * count).astype(int), count - 1)
        return [factor.listed[slot] for slot in slots]
    assert factor.low is not None
    assert factor.high is not None
    if factor.scale == "log":
        low, high = math.log(factor.low), math.log(factor.high)
        numbers = np.exp(low + unit * (high - low))
    else:
        numbers = factor.low + unit * (factor.high - factor.low)
    return _rounded(factor, numbers)


def unit_points(spec: SweepSpec) -> npt.NDArray[np.float64]:
    """The space-filling design's points in the unit cube, seeded by the sweep's seed."""
    design = spec.design
    dimensions = len(spec.factors)
    problem = {
        "num_vars": dimensions,
        "names": [factor.path for factor in spec.factors],
        "bounds": [[0.0, 1.0]] * dimensions,
    }
    if design.method == "lhs":
        # imported here, like SALib below: scipy.stats takes most of a second to
        # import, and every command, worker and notebook kernel imports this module
        from scipy.stats import qmc

        assert design.samples is not None
        sampler = qmc.LatinHypercube(d=dimensions, rng=np.random.default_rng(spec.seed))
        return np.asarray(sampler.random(design.samples), dtype=float)
    if design.method == "sobol":
        from SALib.sample import sobol

        assert design.samples is not None
        points = sobol.sample(problem, design.samples, calc_second_order=False, seed=spec.seed)
        return np.asarray(points, dtype=float)
    if design.method == "morris":
        from SALib.sample import morris

        assert design.trajectories is not None
        points = morris.sample(
            problem, design.trajectories, num_levels=design.levels, seed=spec.seed
        )
        return np.asarray(points, dtype=float)
    raise ValueError(f"no unit points for method {design.method!r}")


def build_design(spec: SweepSpec) -> DesignPoints:
    """Every variant's factor values (and unit coordinates where the design has them)."""
    paths = [factor.path for factor in spec.factors]
    if spec.design.method == "grid":
        combinations = itertools.product(*(factor_levels(factor) for factor in spec.factors))
        frame = pd.DataFrame(list(combinations), columns=paths)
        return DesignPoints(_with_variant_index(frame), None)
    unit = unit_points(spec)
    columns = {
        factor.path: from_unit(factor, unit[:, index]) for index, factor in enumerate(spec.factors)
    }
    return DesignPoints(_with_variant_index(pd.DataFrame(columns, columns=paths)), unit)


def _with_variant_index(frame: pd.DataFrame) -> pd.DataFrame:
    frame.index = pd.RangeIndex(len(frame), name="variant")
    return frame


def written_value(factor: Factor, value: Any) -> Any:
    """The value as a scenario file takes it (with the factor's unit, if any)."""
    if factor.unit is None:
        return value.item() if isinstance(value, np.generic) else value
    return f"{value:g} {factor.unit}"


__all__ = ["DesignPoints", "build_design", "factor_levels", "from_unit", "written_value"]
