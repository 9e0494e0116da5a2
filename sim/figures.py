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

The names themselves, in English and Chinese, are in the catalogue
(:mod:`sim.i18n`); every function here takes a ``lang``.  The module imports
neither matplotlib nor the model nor the analysis, so everything may import it
and the command line's tables do not pay for the charts.  It runs past 400
lines on purpose: the vocabulary is written in one place, not in three
(STYLE.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Final

import pandas as pd

from sim.i18n import DEFAULT_LANG, has_text, text

__all__ = [
    "CNY_CODES",
    "COMPARE_FIGURES",
    "DEFAULT_FIGURES",
    "FIGURE_LABELS",
    "LOWER_IS_BETTER_FIGURES",
    "MAIN_FIGURES",
    "NONSELLING_WORK",
    "NONSELLING_WORK_CATEGORIES",
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
    "money_unit",
    "sales_category_title",
    "sales_share_column",
    "scenario_label",
    "scenario_order",
    "scenario_subject",
    "with_story_figures",
]

# --------------------------------------------------------------------------
# Sales time categories
# --------------------------------------------------------------------------

#: The sales time categories, in the ledger's order.  The model owns them
#: (``sim.model.ledger.SALES_CATEGORIES``); this is a copy, kept equal by
#: ``tests/test_figures.py``, because importing the ledger would load the whole
#: engine into the charts, the report and the tables.
SALES_CATEGORIES: Final[tuple[str, ...]] = (
    "selling",
    "prospecting",
    "servicing",
    "expediting",
    "idle",
)

#: The sales categories that are work, but not selling: jobs that belong to
#: marketing (prospecting), service (servicing) or production (expediting).
#: With idle time they make up the wasted sales capacity (``docs/idle_time.md``).
NONSELLING_WORK_CATEGORIES: Final[tuple[str, ...]] = ("prospecting", "servicing", "expediting")


class _Vocabulary(Mapping[str, str]):
    """Fixed keys whose English texts are read from the catalogue when asked for."""

    def __init__(self, keys: Iterable[str], lookup: Callable[[str], str]) -> None:
        self._keys = tuple(keys)
        self._lookup = lookup

    def __getitem__(self, key: str) -> str:
        if key not in self._keys:
            raise KeyError(key)
        return self._lookup(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def sales_category_title(category: str, lang: str = DEFAULT_LANG) -> str:
    """Return the readable name of a sales time category.

    Parameters
    ----------
    category : str
        One of :data:`SALES_CATEGORIES`.
    lang : str, optional
        Language (``sim.i18n.LANGUAGES``).

    Returns
    -------
    str
        For example ``"Cold prospecting"``.
    """
    if category not in SALES_CATEGORIES:
        raise ValueError(
            f"unknown sales time category {category!r}; allowed: {', '.join(SALES_CATEGORIES)}"
        )
    return text(f"category.{category}", lang)


#: English names of the sales time categories, in the ledger's order (the
#: catalogue's ``category`` table; :func:`sales_category_title` for another language).
SALES_CATEGORY_TITLES: Final[Mapping[str, str]] = _Vocabulary(
    SALES_CATEGORIES, sales_category_title
)


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
    if category not in SALES_CATEGORIES:
        raise ValueError(
            f"unknown sales time category {category!r}; allowed: {', '.join(SALES_CATEGORIES)}"
        )
    return f"sales_share_{category}"


#: The share columns of the summary and weekly tables, in category order.
SALES_SHARE_COLUMNS: Final[tuple[str, ...]] = tuple(map(sales_share_column, SALES_CATEGORIES))

#: Share of paid sales hours spent on work that is not selling (prospecting,
#: servicing, expediting): a figure of the presentation layer, added to a
#: summary by :func:`with_story_figures`, not written by the model.
NONSELLING_WORK: Final = "sales_share_nonselling_work"

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

#: Figures the catalogue names (``figure.<name>``); others get a prettified name.
_NAMED: Final[tuple[str, ...]] = (
    "revenue",
    "revenue_new",
    "revenue_repeat",
    "gross_profit",
    "staff_cost",
    "marketing_spend",
    "profit",
    "value",
    "wasted_sales_capacity",
    *SALES_SHARE_COLUMNS,
    NONSELLING_WORK,
    "leads",
    "leads_organic",
    "leads_referral",
    "leads_marketing",
    "leads_cold",
    "leads_contacted",
    "leads_qualified",
    "leads_won",
    "leads_lost",
    "leads_abandoned",
    "leads_open",
    "leads_never_contacted",
    "mean_wait_to_contact_h",
    "p50_wait_to_contact_h",
    "p90_wait_to_contact_h",
    "wait_h",
    "conversion_rate",
    "customers_won",
    "customers_active",
    "customers_churned",
    "complaints",
    "complaints_resolved",
    "mean_complaint_resolution_h",
    "insight",
    "insight_end",
    "insight_reports",
    "utilisation_sales",
    "utilisation_service",
    "utilisation_marketing",
)

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


def money_unit(currency: str | None, lang: str = DEFAULT_LANG) -> str:
    """The unit written beside amounts of money.

    Parameters
    ----------
    currency : str or None
        The scenario's ``money.currency`` (``None``: not known).
    lang : str, optional
        Language.

    Returns
    -------
    str
        The currency (``"EUR"``); ``"元"`` for CNY in Chinese; ``"money units"``
        (in ``lang``) when the currency is not known.
    """
    if not currency:
        return text("unit.money", lang)
    if lang == "zh" and currency.upper() in CNY_CODES:
        return "元"
    return currency


#: Currency codes written as 元 (and counted in 万 and 亿) in Chinese.
CNY_CODES: Final[frozenset[str]] = frozenset({"CNY", "RMB", "元"})


def figure_unit(name: str, lang: str = DEFAULT_LANG, currency: str | None = None) -> str:
    """Return the display unit of a figure.

    Parameters
    ----------
    name : str
        Column (figure) name.
    lang : str, optional
        Language.
    currency : str, optional
        The scenarios' currency, for money (default: not known).

    Returns
    -------
    str
        The currency (see :func:`money_unit`), ``"%"``, ``"working hours"``,
        ``"index"`` or a count unit such as ``"leads"``, in ``lang``.
    """
    if is_money(name):
        return money_unit(currency, lang)
    if is_share(name):
        return "%"
    if name.endswith("_h") or name == "sales_hours_paid":
        return text("unit.working_hours", lang)
    if name.startswith("insight") and name != "insight_reports":
        return text("unit.index", lang)
    for prefix, unit in _COUNT_UNIT.items():
        if name.startswith(prefix):
            return text(f"unit.{unit}", lang)
    return text("unit.count", lang)


def diff_unit(name: str, lang: str = DEFAULT_LANG, currency: str | None = None) -> str:
    """Return the unit of a difference of a figure (shares differ in points).

    Parameters
    ----------
    name : str
        Column (figure) name.
    lang : str, optional
        Language.
    currency : str, optional
        The scenarios' currency, for money.

    Returns
    -------
    str
        ``"percentage points"`` for shares, else :func:`figure_unit`.
    """
    return text("unit.pp_long", lang) if is_share(name) else figure_unit(name, lang, currency)


def figure_title(name: str, lang: str = DEFAULT_LANG) -> str:
    """Return the readable name of a figure, without unit.

    Parameters
    ----------
    name : str
        Column (figure) name.
    lang : str, optional
        Language.

    Returns
    -------
    str
        For example ``"Wasted sales capacity"``; unknown names are prettified.
    """
    if name in _NAMED:
        return text(f"figure.{name}", lang)
    return name.replace("_", " ").capitalize()


def figure_label(name: str, lang: str = DEFAULT_LANG, currency: str | None = None) -> str:
    """Return the readable label of a figure with its unit.

    Parameters
    ----------
    name : str
        Column (figure) name.
    lang : str, optional
        Language.
    currency : str, optional
        The scenarios' currency, for money.

    Returns
    -------
    str
        For example ``"Revenue (EUR)"`` or ``"Wasted sales capacity (%)"``.
    """
    return text(
        "unit.label", lang, title=figure_title(name, lang), unit=figure_unit(name, lang, currency)
    )


#: English labels with units where the currency is not known, e.g.
#: ``"revenue" -> "Revenue (money units)"`` (:func:`figure_label` for more).
FIGURE_LABELS: Final[Mapping[str, str]] = _Vocabulary(_NAMED, figure_label)


def with_story_figures(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary with the presentation layer's figures added where computable.

    Adds :data:`NONSELLING_WORK` (prospecting + servicing + expediting shares) when
    the three columns are there and it is not; so wasted sales capacity reads as
    non-selling work plus idle time (``docs/idle_time.md``).  The model's own
    columns are untouched.

    Parameters
    ----------
    summary : pandas.DataFrame
        A summary table.

    Returns
    -------
    pandas.DataFrame
        A new table (or ``summary`` itself when nothing is added).
    """
    parts = [sales_share_column(c) for c in NONSELLING_WORK_CATEGORIES]
    if NONSELLING_WORK in summary.columns or not all(p in summary.columns for p in parts):
        return summary
    return summary.assign(**{NONSELLING_WORK: summary[parts].sum(axis=1, min_count=len(parts))})


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
    NONSELLING_WORK,
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
        NONSELLING_WORK,
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


def scenario_label(name: str, lang: str = DEFAULT_LANG) -> str:
    """How a scenario is called in legends and tables.

    The catalogue names the shipped scenarios (``scenario.label``: the sales-only
    firm is 只有销售部 in Chinese); any other scenario keeps its own name, in any
    script (the charts' font covers Chinese).

    Parameters
    ----------
    name : str
        The scenario's ``name``.
    lang : str, optional
        Language.
    """
    key = f"scenario.label.{name}"
    return text(key, lang) if has_text(key, lang) else name


def scenario_subject(name: str, lang: str = DEFAULT_LANG) -> str:
    """How a scenario is called in a sentence ("the sales-only firm").

    See :func:`scenario_label`; a scenario the catalogue does not name keeps its own.
    """
    key = f"scenario.subject.{name}"
    return text(key, lang) if has_text(key, lang) else name
