"""The vocabulary of flocksim's figures: names, units, lists and directions.

A *figure* is a column of an output table (see ``docs/tables.md``), such as
``revenue`` or ``wasted_sales_capacity``.  This module says how each one is
called (:func:`figure_title`, :func:`figure_label`, :data:`FIGURE_LABELS`),
what unit it is shown in (:func:`figure_unit`, :func:`diff_unit`), whether it
is money or a share (:func:`is_money`, :func:`is_share`), which figures each
output shows (:data:`MAIN_FIGURES`, :data:`COMPARE_FIGURES`,
:data:`DEFAULT_FIGURES`, :data:`WARMUP_FIGURES`), which are better when lower
(:data:`LOWER_IS_BETTER_FIGURES`), and what the sales time categories are
called (:data:`SALES_CATEGORY_TITLES`).  The charts, the report, the analysis
and the command line all speak this vocabulary, so a figure reads the same
everywhere; how its values are written is :mod:`sim.formatting`.

Shares (columns whose name contains ``share``, ``wasted_sales_capacity``,
``conversion_rate`` and ``utilisation_*``) are stored as fractions between 0
and 1 and are displayed as percentages; their differences are shown in
percentage points.

The module imports neither matplotlib nor the model nor the analysis, so
everything may import it and the command line's tables do not pay for the
charts.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

__all__ = [
    "COMPARE_FIGURES",
    "DEFAULT_FIGURES",
    "FIGURE_LABELS",
    "LOWER_IS_BETTER_FIGURES",
    "MAIN_FIGURES",
    "SALES_CATEGORIES",
    "SALES_CATEGORY_TITLES",
    "SALES_SHARE_COLUMNS",
    "WARMUP_FIGURES",
    "diff_unit",
    "figure_label",
    "figure_title",
    "figure_unit",
    "is_money",
    "is_share",
    "sales_share_column",
    "scenario_order",
]

# --------------------------------------------------------------------------
# Sales time categories
# --------------------------------------------------------------------------

#: Readable names of the sales time categories, in the ledger's order.  The
#: model owns the categories (``sim.model.ledger.SALES_CATEGORIES``); this is a
#: copy, kept equal by ``tests/test_figures.py``, because importing the ledger
#: would load the whole engine into the charts, the report and the tables.
SALES_CATEGORY_TITLES: Final[dict[str, str]] = {
    "selling": "Selling",
    "prospecting": "Cold prospecting",
    "servicing": "Servicing customers",
    "expediting": "Expediting",
    "idle": "Idle",
}

#: The sales time categories, in the ledger's order.
SALES_CATEGORIES: Final[tuple[str, ...]] = tuple(SALES_CATEGORY_TITLES)


def sales_share_column(category: str) -> str:
    """Return the column holding a sales time category's share of paid hours.

    Parameters
    ----------
    category : str
        One of :data:`SALES_CATEGORIES`.

    Returns
    -------
    str
        For example ``"sales_share_selling"``.

    Raises
    ------
    ValueError
        If ``category`` is not a sales time category.
    """
    if category not in SALES_CATEGORY_TITLES:
        raise ValueError(
            f"unknown sales time category {category!r}; allowed: {', '.join(SALES_CATEGORIES)}"
        )
    return f"sales_share_{category}"


#: The share columns of the summary and weekly tables, in category order.
SALES_SHARE_COLUMNS: Final[tuple[str, ...]] = tuple(map(sales_share_column, SALES_CATEGORIES))

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
    **{
        sales_share_column(category): f"Sales time: {title.lower()}"
        for category, title in SALES_CATEGORY_TITLES.items()
    },
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
# Which figures each output shows, and which are better when lower
# --------------------------------------------------------------------------

#: Figures of the table ``flocksim run`` prints (mean and CI per scenario).
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

#: Figures of the comparison table of ``flocksim compare`` and ``flocksim report``.
COMPARE_FIGURES: Final[tuple[str, ...]] = (
    "revenue",
    "revenue_new",
    "revenue_repeat",
    "profit",
    "wasted_sales_capacity",
    *SALES_SHARE_COLUMNS,
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

#: Weekly figures ``flocksim warmup`` examines unless told which.
WARMUP_FIGURES: Final[tuple[str, ...]] = ("revenue", "customers_active", "sales_share_selling")

#: Figures of the charts ``key_figures`` and ``paired_differences`` by default.
DEFAULT_FIGURES: Final[tuple[str, ...]] = (
    "revenue",
    "profit",
    "wasted_sales_capacity",
    "customers_won",
)

#: Summary figures for which a smaller value is the better outcome (decides
#: ``share_better`` in the comparison table).  Every sales hour not spent
#: selling is wasted capacity, so every other sales category is among them.
LOWER_IS_BETTER_FIGURES: Final[frozenset[str]] = frozenset(
    {
        "wasted_sales_capacity",
        *(sales_share_column(category) for category in SALES_CATEGORIES if category != "selling"),
        "customers_churned",
        "leads_abandoned",
        "leads_never_contacted",
        "mean_wait_to_contact_h",
        "p50_wait_to_contact_h",
        "p90_wait_to_contact_h",
        "complaints",
        "leads_lost",
        "staff_cost",
        "marketing_spend",
        "mean_complaint_resolution_h",
    }
)


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
