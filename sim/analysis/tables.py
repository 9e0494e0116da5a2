"""What the analysis reads from the output tables, checked once for every module.

The analysis works on plain arrays and pandas DataFrames only; it knows nothing of
the simulation model. Tables follow ``docs/tables.md``: a *summary* table has one row
per replication with ``scenario`` and ``replication`` columns plus numeric figures; a
*weekly* table adds a 0-based ``week`` column. Scenarios share seeds, so replication
``r`` of one scenario is paired with replication ``r`` of another
(:func:`paired_values`).

These helpers are public so that the modules of :mod:`sim.analysis` share them
without reaching into each other's private names; they are not part of the
package's face (:mod:`sim.analysis` does not re-export them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "as_array",
    "check_summary",
    "figure_list",
    "paired_values",
    "require_columns",
    "scenarios_in_order",
]


def as_array(values: npt.ArrayLike, name: str = "values") -> npt.NDArray[np.float64]:
    """Return observations as a one-dimensional float array, NaNs kept.

    Parameters
    ----------
    values : array_like
        A scalar, a sequence, a NumPy array or a pandas Series or Index (missing
        values become NaN).
    name : str, default "values"
        Name used in error messages.

    Returns
    -------
    numpy.ndarray
        A 1-D float array; a scalar becomes an array of one.

    Raises
    ------
    ValueError
        If the values are not one-dimensional or contain an infinity.
    """
    if isinstance(values, pd.Series | pd.Index):
        array = values.to_numpy(dtype=float, na_value=np.nan)
    else:
        array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if np.isinf(array).any():
        raise ValueError(f"{name} contains infinite values")
    return array


def require_columns(frame: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    """Raise ValueError naming the table and the columns it lacks, if any.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to check.
    columns : iterable of str
        Columns it must have.
    table : str
        Name of the table in the message, e.g. ``"summary"``.
    """
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{table} table lacks column(s) {missing}")


def figure_list(figures: Sequence[str] | str) -> list[str]:
    """Return figure names as a list; a single name is one figure, not its letters."""
    return [figures] if isinstance(figures, str) else list(figures)


def scenarios_in_order(table: pd.DataFrame) -> list[str]:
    """Return the scenarios of a table in order of first appearance.

    Parameters
    ----------
    table : pandas.DataFrame
        A table with a ``scenario`` column.

    Returns
    -------
    list of str
        Each scenario name once.
    """
    return [str(scenario) for scenario in pd.unique(table["scenario"])]


def check_summary(summary: pd.DataFrame, figures: Sequence[str], baseline: str | None) -> None:
    """Check a summary table before comparing scenarios in it.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per (scenario, replication).
    figures : sequence of str
        Figures that must be columns of the table.
    baseline : str or None
        Scenario that must be present; None checks no scenario.

    Raises
    ------
    ValueError
        If a column is missing, a (scenario, replication) occurs twice, or the
        baseline is absent (the message lists the scenarios present).
    """
    require_columns(summary, ["scenario", "replication", *figures], "summary")
    if summary.duplicated(["scenario", "replication"]).any():
        raise ValueError("summary has more than one row for some (scenario, replication)")
    if baseline is not None and baseline not in set(summary["scenario"]):
        present = ", ".join(scenarios_in_order(summary)) or "none"
        raise ValueError(
            f"baseline scenario {baseline!r} is not in the summary (scenarios present: {present})"
        )


def paired_values(
    summary: pd.DataFrame, baseline: str, scenario: str, figure: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Values of a figure for a baseline and another scenario, paired on replication.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per (scenario, replication), checked by :func:`check_summary`.
    baseline, scenario : str
        The two scenarios.
    figure : str
        The column to pair.

    Returns
    -------
    tuple of numpy.ndarray
        ``(baseline values, scenario values)`` in replication order, only for
        replications present in both with a non-NaN value in both.

    Raises
    ------
    ValueError
        If no replication is left.
    """
    columns = ["replication", figure]
    base = summary.loc[summary["scenario"] == baseline, columns]
    other = summary.loc[summary["scenario"] == scenario, columns]
    paired = base.merge(other, on="replication", how="inner", suffixes=("_a", "_b"))
    paired = paired.sort_values("replication")
    a = paired[f"{figure}_a"].to_numpy(dtype=float, na_value=np.nan)
    b = paired[f"{figure}_b"].to_numpy(dtype=float, na_value=np.nan)
    keep = ~(np.isnan(a) | np.isnan(b))
    if not keep.any():
        raise ValueError(
            f"scenario {scenario!r} shares no replication with a value of {figure!r} "
            f"with baseline {baseline!r}"
        )
    return a[keep], b[keep]
