"""How the values of figures are written for people: money, shares, counts, intervals.

:func:`format_value` writes one value, :func:`format_interval` a value with its
confidence interval, :func:`format_percent` a fraction as a percentage,
:func:`format_money` an amount with its currency ("28.0 M EUR"); :func:`is_finite`
tells which table cells can be written as numbers at all.

Money is written compactly, the way people say it: ``28.0 M``, ``850 k``,
``8,500`` in English; in Chinese, where the currency is CNY, in 万 and 亿
(``2,803 万元``), and otherwise as in English (``sim.figures.CNY_CODES`` lists the
codes read as CNY).  Shares (stored as fractions, see
:func:`sim.figures.is_share`) are shown in % and their differences in percentage
points, and the number of decimals follows the size of the value.  The command
line, the report, the charts and the notebooks write numbers with these, so a
value reads the same everywhere.

Like :mod:`sim.figures` (whose vocabulary it uses), the module does not import
matplotlib.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from sim.figures import CNY_CODES, is_money, is_share, money_unit
from sim.i18n import DEFAULT_LANG, text

__all__ = [
    "compact_parts",
    "format_horizon",
    "format_interval",
    "format_money",
    "format_money_range",
    "format_percent",
    "format_value",
    "is_finite",
]

MINUS: Final = "\N{MINUS SIGN}"


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


# --------------------------------------------------------------------------
# Compact money
# --------------------------------------------------------------------------

#: (threshold, divisor, suffix) from the largest, for English-style compact numbers.
_WESTERN: Final = ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k"))
#: The same for Chinese amounts in 元: 亿 (10^8) and 万 (10^4).
_CHINESE: Final = ((1e8, 1e8, "亿"), (1e4, 1e4, "万"))


def _cny(currency: str | None, lang: str) -> bool:
    return lang == "zh" and currency is not None and currency.upper() in CNY_CODES


def compact_parts(
    magnitude: float, lang: str = DEFAULT_LANG, currency: str | None = None
) -> tuple[float, str]:
    """Divisor and suffix that write amounts of this size compactly.

    Parameters
    ----------
    magnitude : float
        The largest absolute amount to be written with the same suffix.
    lang : str, optional
        Language.
    currency : str, optional
        Currency; in Chinese, CNY amounts are counted in 万 and 亿.

    Returns
    -------
    tuple of (float, str)
        For example ``(1e6, "M")``; ``(1.0, "")`` for small amounts.
    """
    steps = _CHINESE if _cny(currency, lang) else _WESTERN
    for threshold, divisor, suffix in steps:
        if magnitude >= threshold:
            return divisor, suffix
    return 1.0, ""


def _money_decimals(scaled: float, suffix: str) -> int:
    """Decimals for a compact amount: 28.0 M, 850 k, 2,803 万, 8,500."""
    size = abs(scaled)
    if not suffix:
        return 0 if size >= 100 else 2
    return 0 if size >= 100 else 1


def _signed(text_: str, signed: bool) -> str:
    """Minus as a minus sign; a plus for signed values; ± for a signed zero."""
    if re.fullmatch(r"[+-]?[0.,]+", text_):  # no negative or signed zero
        text_ = text_.lstrip("+-")
        return f"\N{PLUS-MINUS SIGN}{text_}" if signed else text_
    return text_


def _compact(
    value: float, divisor: float, suffix: str, decimals: int, signed: bool, lang: str
) -> str:
    sign = "+" if signed else ""
    number = _signed(f"{value / divisor:{sign},.{decimals}f}", signed)
    return f"{number} {suffix}" if suffix else number


def format_money(
    value: Any,
    currency: str | None,
    lang: str = DEFAULT_LANG,
    *,
    signed: bool = False,
    unit: bool = True,
) -> str:
    """Write an amount of money compactly, with its currency.

    Parameters
    ----------
    value : float
        The amount.
    currency : str or None
        The scenario's currency (``None``: "money units").
    lang : str, optional
        Language: in Chinese, CNY amounts are written in 万 and 亿 with 元.
    signed : bool, optional
        Always show the sign (differences).
    unit : bool, optional
        Append the currency.

    Returns
    -------
    str
        For example ``"28.0 M EUR"``, ``"+5.4 M EUR"``, ``"2,803 万元"``;
        ``"n/a"`` (in ``lang``) for a missing value.
    """
    if not is_finite(value):
        return text("number.na", lang)
    number = float(value)
    divisor, suffix = compact_parts(abs(number), lang, currency)
    shown = _compact(
        number, divisor, suffix, _money_decimals(number / divisor, suffix), signed, lang
    )
    if not unit:
        return shown
    label = money_unit(currency, lang)
    # 万元 and 亿元 are one word; a plain amount of 元 or any other currency stands apart
    return f"{shown}{label}" if suffix in ("万", "亿") else f"{shown} {label}"


# --------------------------------------------------------------------------
# Any figure
# --------------------------------------------------------------------------


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


def _number(figure: str, value: float, decimals: int, difference: bool, lang: str) -> str:
    """One number with thousands separators, sign for differences, % for shares."""
    shown = value * 100 if is_share(figure) else value
    sign = "+" if difference else ""
    number = _signed(f"{shown:{sign},.{decimals}f}", difference)
    if is_share(figure):
        number += f" {text('unit.pp', lang)}" if difference else "%"
    return number


def format_value(
    figure: str,
    value: Any,
    *,
    difference: bool = False,
    lang: str = DEFAULT_LANG,
    currency: str | None = None,
) -> str:
    """Format one value of a figure for a table.

    Parameters
    ----------
    figure : str
        Figure (column) name; decides the format: money compactly (without the
        currency, which the figure's label carries), shares (stored as
        fractions) in %, counts and hours with a few decimals.
    value : float
        The value as stored.
    difference : bool, optional
        Format as a difference: always signed, shares in percentage points.
    lang : str, optional
        Language.
    currency : str, optional
        Currency of money figures (decides 万 in Chinese).

    Returns
    -------
    str
        For example ``"1.23 M"``, ``"43.2%"``, ``"+3.1 pp"``; ``"n/a"`` for
        a missing or infinite value.
    """
    if not is_finite(value):
        return text("number.na", lang)
    number = float(value)
    if is_money(figure):
        return format_money(number, currency, lang, signed=difference, unit=False)
    magnitude = abs(number) * (100 if is_share(figure) else 1)
    return _number(figure, number, _decimals(figure, magnitude), difference, lang)


def format_money_range(
    value: float,
    low: float,
    high: float,
    currency: str | None,
    lang: str = DEFAULT_LANG,
    *,
    signed: bool = False,
) -> tuple[str, str, str]:
    """An amount and its interval bounds, compact, with one suffix (no currency).

    Decimals are added (up to 3) until the three numbers read differently, so an
    interval never looks like ``28.0 M [28.0 M to 28.0 M]``.

    Returns
    -------
    tuple of str
        Value, low and high, e.g. ``("5.4 M", "5.3 M", "5.5 M")``.
    """
    value, low, high, difference = float(value), float(low), float(high), signed
    divisor, suffix = compact_parts(max(abs(value), abs(low), abs(high)), lang, currency)
    decimals = _money_decimals(value / divisor, suffix)
    while True:
        texts = tuple(
            _compact(v, divisor, suffix, decimals, difference, lang) for v in (value, low, high)
        )
        if len(set(texts)) == 3 or decimals >= 3 or low == high:
            return texts  # type: ignore[return-value]
        decimals += 1


def format_interval(
    figure: str,
    value: Any,
    low: Any,
    high: Any,
    *,
    difference: bool = False,
    lang: str = DEFAULT_LANG,
    currency: str | None = None,
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
    lang : str, optional
        Language.
    currency : str, optional
        Currency of money figures.

    Returns
    -------
    str
        All three numbers with the same number of decimals (money: the same
        suffix, and decimals enough to tell the bounds from the value);
        ``"value [no CI]"`` when a bound is missing or infinite (e.g. a single
        replication).
    """
    if not is_finite(value):
        return text("number.na", lang)
    if not (is_finite(low) and is_finite(high)):
        shown = format_value(figure, value, difference=difference, lang=lang, currency=currency)
        return text("number.no_ci", lang, value=shown)
    if is_money(figure):
        shown, lo, hi = format_money_range(
            float(value), float(low), float(high), currency, lang, signed=difference
        )
    else:
        scale = 100 if is_share(figure) else 1
        magnitude = max(abs(float(v)) for v in (value, low, high)) * scale
        decimals = _decimals(figure, magnitude)
        shown, lo, hi = (
            _number(figure, float(v), decimals, difference, lang) for v in (value, low, high)
        )
    return text("number.interval", lang, value=shown, low=lo, high=hi)


def format_percent(value: Any, *, signed: bool = False, lang: str = DEFAULT_LANG) -> str:
    """Format a fraction as a percentage, with no decimals when large.

    Parameters
    ----------
    value : float
        A fraction, e.g. ``0.432``.
    signed : bool, optional
        Always show the sign (for relative changes).
    lang : str, optional
        Language (of "n/a").

    Returns
    -------
    str
        For example ``"43%"``, ``"+4.5%"``; ``"n/a"`` for a missing or
        infinite value.
    """
    if not is_finite(value):
        return text("number.na", lang)
    number = float(value) * 100
    decimals = 0 if abs(number) >= 10 or abs(number - round(number)) < 1e-9 else 1
    return f"{number:{'+' if signed else ''},.{decimals}f}%"


def format_horizon(weeks: float, lang: str = DEFAULT_LANG) -> str:
    """Say how long a period is: whole years of 52 weeks as years, else weeks.

    Parameters
    ----------
    weeks : float
        Length in (working) weeks.
    lang : str, optional
        Language.

    Returns
    -------
    str
        For example ``"2 years"``, ``"1 year"``, ``"26 weeks"`` (``"2 年"`` in Chinese).
    """
    whole = round(float(weeks))
    if whole > 0 and whole % 52 == 0:
        years = whole // 52
        return text("time.year_one" if years == 1 else "time.years", lang, n=years)
    return text("time.week_one" if whole == 1 else "time.weeks", lang, n=f"{whole:,}")
