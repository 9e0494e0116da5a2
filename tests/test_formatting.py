"""How values are written for people: compact money in either language, and the horizon."""

from __future__ import annotations

import math

import pytest

from sim.formatting import (
    format_horizon,
    format_interval,
    format_money,
    format_money_range,
    format_value,
)


@pytest.mark.parametrize(
    ("value", "currency", "lang", "expected"),
    [
        (28_038_086, "EUR", "en", "28.0 M EUR"),
        (9_541_793, "EUR", "en", "9.5 M EUR"),
        (850_000, "EUR", "en", "850 k EUR"),
        (45_300, "EUR", "en", "45.3 k EUR"),
        (8_500, "EUR", "en", "8,500 EUR"),
        (1.5e9, "USD", "en", "1.5 B USD"),
        (28_038_086, "CNY", "zh", "2,804 万元"),
        (123_456, "CNY", "zh", "12.3 万元"),
        (3.2e8, "CNY", "zh", "3.2 亿元"),
        (28_038_086, "EUR", "zh", "28.0 M EUR"),  # plain compact where not CNY
        (28_038_086, "CNY", "en", "28.0 M CNY"),
        (28_038_086, None, "en", "28.0 M money units"),
        (math.nan, "EUR", "zh", "无"),
    ],
)
def test_format_money(value, currency, lang, expected):
    assert format_money(value, currency, lang) == expected


def test_signed_money_and_ranges_share_one_suffix():
    assert format_money(-380_000, "EUR", signed=True) == "-380 k EUR"
    assert format_money(5.4e6, "EUR", signed=True, unit=False) == "+5.4 M"
    assert format_money_range(5.38e6, 5.26e6, 5.49e6, "EUR") == ("5.4 M", "5.3 M", "5.5 M")
    # decimals are added until the bounds read differently from the value
    assert format_money_range(28.04e6, 28.01e6, 28.07e6, "EUR") == ("28.04 M", "28.01 M", "28.07 M")


def test_intervals_in_chinese():
    assert format_interval("revenue", 2.8e7, 2.7e7, 2.9e7, lang="zh", currency="CNY") == (
        "2,800 万 [2,700 万 至 2,900 万]"
    )
    assert format_interval("wasted_sales_capacity", 0.3, 0.2, 0.4, difference=True, lang="zh") == (
        "+30.0 百分点 [+20.0 百分点 至 +40.0 百分点]"
    )
    assert format_value("revenue", 1e6, lang="zh", currency="CNY") == "100 万"


@pytest.mark.parametrize(
    ("weeks", "lang", "expected"),
    [
        (104, "en", "2 years"),
        (52, "en", "1 year"),
        (26, "en", "26 weeks"),
        (1, "en", "1 week"),
        (104.0, "zh", "2 年"),
        (6, "zh", "6 周"),
    ],
)
def test_format_horizon(weeks, lang, expected):
    assert format_horizon(weeks, lang) == expected
