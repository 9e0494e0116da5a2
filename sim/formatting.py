"""How the values of figures are written in tables: money, shares, counts, intervals.

:func:`format_value` writes one value, :func:`format_interval` a value with its
confidence interval, :func:`format_percent` a fraction as a percentage;
:func:`is_finite` tells which table cells can be written as numbers at all.
Money gets thousands separators, shares (stored as fractions, see
:func:`sim.figures.is_share`) are shown in % and their differences in
percentage points, and the number of decimals follows the size of the value.
The command line, the report and the charts write numbers with these, so a
value reads the same everywhere.

Like :mod:`sim.figures` (whose vocabulary it uses), the module does not import
matplotlib.
"""

from __future__ import annotations

import math
import re
from typing import Any

from sim.figures import is_money, is_share

__all__ = ["format_interval", "format_percent", "format_value", "is_finite"]


def is_finite(value: Any) -> bool:
    """Tell whether a value is a real, finite number.

    Parameters
    ----------
    value : any
        A table cell: a number, ``None``, NaN, a string, ...

    Returns
    -------
    bool
        True when ``float(value)`` works and is finite.
    """
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _decimals(figure: str, magnitude: float) -> int:
    """Decimals that suit a figure of a given size (shares already in %)."""
    if is_share(figure):
        return 1
    if is_money(figure):
        return 0 if magnitude >= 100 else 2
    if magnitude >= 100:
        return 0
    if magnitude >= 10:
        return 1
    return 2


def _number(figure: str, value: float, decimals: int, difference: bool) -> str:
    """One number with thousands separators, sign for differences, % for shares."""
    shown = value * 100 if is_share(figure) else value
    sign = "+" if difference else ""
    text = f"{shown:{sign},.{decimals}f}"
    if re.fullmatch(r"[+-]?[0.,]+", text):  # no negative or signed zero
        text = text.lstrip("+-")
        if difference:
            text = f"\N{PLUS-MINUS SIGN}{text}"
    if is_share(figure):
        text += " pp" if difference else "%"
    return text


def format_value(figure: str, value: Any, *, difference: bool = False) -> str:
    """Format one value of a figure for a table.

    Parameters
    ----------
    figure : str
        Figure (column) name; decides the format: money with thousands
        separators, shares (stored as fractions) in %, counts and hours with
        a few decimals.
    value : float
        The value as stored.
    difference : bool, optional
        Format as a difference: always signed, shares in percentage points.

    Returns
    -------
    str
        For example ``"1,234,567"``, ``"43.2%"``, ``"+3.1 pp"``; ``"n/a"`` for
        a missing or infinite value.
    """
    if not is_finite(value):
        return "n/a"
    number = float(value)
    magnitude = abs(number) * (100 if is_share(figure) else 1)
    return _number(figure, number, _decimals(figure, magnitude), difference)


def format_interval(
    figure: str, value: Any, low: Any, high: Any, *, difference: bool = False
) -> str:
    """Format a value with its confidence interval, ``"value [low to high]"``.

    Parameters
    ----------
    figure : str
        Figure (column) name, see :func:`format_value`.
    value, low, high : float
        Point estimate and interval bounds, as stored.
    difference : bool, optional
        Format as a difference (signed; shares in percentage points).

    Returns
    -------
    str
        All three numbers with the same number of decimals; ``"value [no CI]"``
        when a bound is missing or infinite (e.g. a single replication).
    """
    if not is_finite(value):
        return "n/a"
    numbers = [float(v) for v in (value, low, high) if is_finite(v)]
    scale = 100 if is_share(figure) else 1
    decimals = _decimals(figure, max(abs(v) for v in numbers) * scale)
    shown = _number(figure, float(value), decimals, difference)
    if not (is_finite(low) and is_finite(high)):
        return f"{shown} [no CI]"
    return (
        f"{shown} [{_number(figure, float(low), decimals, difference)} to "
        f"{_number(figure, float(high), decimals, difference)}]"
    )


def format_percent(value: Any, *, signed: bool = False) -> str:
    """Format a fraction as a percentage, with no decimals when large.

    Parameters
    ----------
    value : float
        A fraction, e.g. ``0.432``.
    signed : bool, optional
        Always show the sign (for relative changes).

    Returns
    -------
    str
        For example ``"43%"``, ``"+4.5%"``; ``"n/a"`` for a missing or
        infinite value.
    """
    if not is_finite(value):
        return "n/a"
    number = float(value) * 100
    decimals = 0 if abs(number) >= 10 or abs(number - round(number)) < 1e-9 else 1
    return f"{number:{'+' if signed else ''},.{decimals}f}%"
