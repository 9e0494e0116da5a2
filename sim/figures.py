"""The vocabulary of flocksim's figures: names, units and number formats.

A *figure* is a column of an output table (see ``docs/tables.md``), such as
``revenue`` or ``wasted_sales_capacity``.  This module says how each one is
called (:func:`figure_title`, :func:`figure_label`, :data:`FIGURE_LABELS`),
what unit it is shown in (:func:`figure_unit`, :func:`diff_unit`), whether it
is money or a share (:func:`is_money`, :func:`is_share`), and how its values
are written in tables (:func:`format_value`, :func:`format_interval`,
:func:`format_percent`).  The charts, the report and the command line all
speak this vocabulary, so a figure reads the same everywhere.

Shares (columns whose name contains ``share``, ``wasted_sales_capacity``,
``conversion_rate`` and ``utilisation_*``) are stored as fractions between 0
and 1 and are displayed as percentages; their differences are shown in
percentage points.

The module does not import matplotlib, so the command line's tables do not
pay for it.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

import pandas as pd

__all__ = [
    "COMPARE_FIGURES",
    "FIGURE_LABELS",
    "MAIN_FIGURES",
    "diff_unit",
    "figure_label",
    "figure_title",
    "figure_unit",
    "format_interval",
    "format_percent",
    "format_value",
    "is_finite",
    "is_money",
    "is_share",
    "scenario_order",
]

# --------------------------------------------------------------------------
# Figure lists
# --------------------------------------------------------------------------

#: Figures ``flocksim run`` prints for each scenario.
MAIN_FIGURES: Final[tuple[str, ...]] = (
    "revenue",
    "profit",
    "wasted_sales_capacity",
    "sales_share_selling",
    "leads",
    "customers_won",
    "customers_active",
    "mean_wait_to_contact_h",
)

#: Figures of the comparison table (``flocksim compare``, ``sim.compare``).
COMPARE_FIGURES: Final[tuple[str, ...]] = (
    "revenue",
    "revenue_new",
    "revenue_repeat",
    "profit",
    "wasted_sales_capacity",
    "sales_share_selling",
    "sales_share_prospecting",
    "sales_share_servicing",
    "sales_share_expediting",
    "sales_share_idle",
    "leads",
    "leads_abandoned",
    "conversion_rate",
    "customers_won",
    "customers_active",
    "customers_churned",
    "mean_wait_to_contact_h",
    "mean_complaint_resolution_h",
    "insight_end",
)

# --------------------------------------------------------------------------
# Names and units
# --------------------------------------------------------------------------

_MONEY: Final[frozenset[str]] = frozenset(
    {
        "revenue",
        "revenue_new",
        "revenue_repeat",
        "gross_profit",
        "staff_cost",
        "marketing_spend",
        "profit",
        "value",
    }
)

_TITLES: Final[dict[str, str]] = {
    "revenue": "Revenue",
    "revenue_new": "Revenue from new customers",
    "revenue_repeat": "Revenue from repeat orders",
    "gross_profit": "Gross profit",
    "staff_cost": "Staff cost",
    "marketing_spend": "Marketing spend",
    "profit": "Profit",
    "value": "Deal value",
    "wasted_sales_capacity": "Wasted sales capacity",
    "sales_share_selling": "Sales time: selling",
    "sales_share_prospecting": "Sales time: cold prospecting",
    "sales_share_servicing": "Sales time: servicing customers",
    "sales_share_expediting": "Sales time: expediting",
    "sales_share_idle": "Sales time: idle",
    "leads": "Leads",
    "leads_organic": "Organic leads",
    "leads_referral": "Referral leads",
    "leads_marketing": "Marketing leads",
    "leads_cold": "Cold leads",
    "leads_contacted": "Leads contacted",
    "leads_qualified": "Leads qualified",
    "leads_won": "Leads won",
    "leads_lost": "Leads lost",
    "leads_abandoned": "Leads abandoned",
    "leads_open": "Leads still open",
    "leads_never_contacted": "Leads never contacted",
    "mean_wait_to_contact_h": "Mean wait to first contact",
    "p50_wait_to_contact_h": "Median wait to first contact",
    "p90_wait_to_contact_h": "90th percentile wait to first contact",
    "wait_h": "Wait to first contact",
    "conversion_rate": "Conversion rate",
    "customers_won": "Customers won",
    "customers_active": "Active customers",
    "customers_churned": "Customers churned",
    "complaints": "Complaints",
    "complaints_resolved": "Complaints resolved",
    "mean_complaint_resolution_h": "Mean complaint resolution time",
    "insight": "Market insight",
    "insight_end": "Market insight at the end",
    "utilisation_sales": "Utilisation of sales staff",
    "utilisation_service": "Utilisation of service staff",
    "utilisation_marketing": "Utilisation of marketing staff",
}

_COUNT_UNIT: Final[dict[str, str]] = {
    "leads": "leads",
    "customers": "customers",
    "complaints": "complaints",
    "insight_reports": "reports",
}


def is_share(name: str) -> bool:
    """Tell whether a figure is a share stored as a fraction between 0 and 1.

    Parameters
    ----------
    name : str
        Column (figure) name.

    Returns
    -------
    bool
        True for ``*share*``, ``wasted_sales_capacity``, ``conversion_rate``
        and ``utilisation_*``.
    """
    return (
        "share" in name
        or name in {"wasted_sales_capacity", "conversion_rate"}
        or name.startswith("utilisation_")
    )


def is_money(name: str) -> bool:
    """Tell whether a figure is an amount of money.

    Parameters
    ----------
    name : str
        Column (figure) name.

    Returns
    -------
    bool
        True for revenue, profit, cost and deal value columns.
    """
    return name in _MONEY


def figure_unit(name: str) -> str:
    """Return the display unit of a figure.

    Parameters
    ----------
    name : str
        Column (figure) name.

    Returns
    -------
    str
        ``"money units"``, ``"%"``, ``"working hours"``, ``"index"`` or a count
        unit such as ``"leads"``.
    """
    if is_money(name):
        return "money units"
    if is_share(name):
        return "%"
    if name.endswith("_h") or name == "sales_hours_paid":
        return "working hours"
    if name.startswith("insight") and name != "insight_reports":
        return "index"
    for prefix, unit in _COUNT_UNIT.items():
        if name.startswith(prefix):
            return unit
    return "count"


def diff_unit(name: str) -> str:
    """Return the unit of a difference of a figure (shares differ in points).

    Parameters
    ----------
    name : str
        Column (figure) name.

    Returns
    -------
    str
        ``"percentage points"`` for shares, else :func:`figure_unit`.
    """
    return "percentage points" if is_share(name) else figure_unit(name)


def figure_title(name: str) -> str:
    """Return the readable name of a figure, without unit.

    Parameters
    ----------
    name : str
        Column (figure) name.

    Returns
    -------
    str
        For example ``"Wasted sales capacity"``; unknown names are prettified.
    """
    return _TITLES.get(name, name.replace("_", " ").capitalize())


def figure_label(name: str) -> str:
    """Return the readable label of a figure with its unit.

    Parameters
    ----------
    name : str
        Column (figure) name.

    Returns
    -------
    str
        For example ``"Revenue (money units)"`` or ``"Wasted sales capacity (%)"``.
    """
    return f"{figure_title(name)} ({figure_unit(name)})"


#: Readable labels with units, e.g. ``"revenue" -> "Revenue (money units)"``.
FIGURE_LABELS: Final[dict[str, str]] = {name: figure_label(name) for name in _TITLES}


# --------------------------------------------------------------------------
# Scenario order
# --------------------------------------------------------------------------


def scenario_order(*tables: pd.DataFrame | None) -> list[str]:
    """Return scenario names in order of first appearance.

    Parameters
    ----------
    *tables : pandas.DataFrame or None
        Tables with a ``scenario`` column; earlier tables take precedence.
        ``None`` and tables without the column are ignored.

    Returns
    -------
    list of str
        Unique scenario names, in order of first appearance.
    """
    order: dict[str, None] = {}
    for table in tables:
        if table is None or "scenario" not in table.columns:
            continue
        for name in pd.unique(table["scenario"].astype(str)):
            order.setdefault(str(name), None)
    return list(order)


# --------------------------------------------------------------------------
# Number formatting
# --------------------------------------------------------------------------


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
