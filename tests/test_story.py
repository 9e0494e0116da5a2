"""The sentences every output shares: the verdict, the headlines, the wait caption, the settings."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim import story


def summary(profits_a, profits_b, names=("sales-only", "full-system"), weeks=104):
    rows = [
        {"scenario": name, "replication": r, "weeks": weeks, "profit": p}
        for name, profits in zip(names, (profits_a, profits_b), strict=True)
        for r, p in enumerate(profits)
    ]
    return pd.DataFrame(rows)


def test_verdict_as_times_when_the_ratio_is_large_and_clear():
    table = summary([4.0e6, 4.2e6, 4.4e6], [9.3e6, 9.6e6, 10.2e6])
    (sentence,) = story.verdict(table, "sales-only", currency="EUR")
    ratio = sim.analysis.paired_ratio([4.0e6, 4.2e6, 4.4e6], [9.3e6, 9.6e6, 10.2e6])
    # one decimal would read 2.3 [2.3 to 2.4]: two, so the bounds differ from the ratio
    low, high = f"{ratio.low:.2f}", f"{ratio.high:.2f}"
    assert sentence == (
        f"Over 2 years the full system earns 9.7 M EUR profit, 2.31 times [{low} to {high}] "
        "as much as the sales-only firm (4.2 M EUR)."
    )


def test_verdict_in_chinese():
    table = summary([4.0e6, 4.2e6, 4.4e6], [9.3e6, 9.6e6, 10.2e6])
    (sentence,) = story.verdict(table, "sales-only", lang="zh", currency="CNY")
    assert sentence.startswith(
        "2 年内，完整营销系统的利润为 970 万元，是只有销售部的公司（420 万元）的 2.31 倍 ["
    )


@pytest.mark.parametrize(
    ("a", "b", "fragment"),
    [
        ([4.0e6, 4.1e6, 4.2e6], [4.4e6, 4.6e6, 4.7e6], "467 k [323 k to 610 k] more than"),
        ([4.0e6, 4.1e6, 4.2e6], [3.5e6, 3.7e6, 3.6e6], "less than the sales-only firm"),
        ([4.0e6, 4.1e6, 4.2e6], [4.2e6, 3.9e6, 4.3e6], "about as much as"),
        ([-1.0e6, -0.5e6, -0.8e6], [2.0e6, 2.5e6, 2.1e6], "more than the sales-only firm"),
    ],
)
def test_verdict_as_a_difference_otherwise(a, b, fragment):
    (sentence,) = story.verdict(summary(a, b), "sales-only", currency="EUR")
    assert "times" not in sentence
    assert fragment in sentence


def test_verdict_without_profit_or_horizon():
    assert story.verdict(summary([1, 2], [3, 4]).drop(columns="profit"), "sales-only") == []
    table = summary([4.0e6, 4.1e6], [9.0e6, 9.4e6]).drop(columns="weeks")
    assert story.verdict(table, "sales-only")[0].startswith("In this run the full system")


def test_settings_differences_and_speed_to_lead_steps(scenarios_dir):
    sales_only = sim.load_scenario(scenarios_dir / "sales_only.toml")
    full = sim.load_scenario(scenarios_dir / "full_system.toml")
    rows = dict(story.settings_differences({"a": sales_only.raw, "b": full.raw}))
    assert rows["sales.staff"] == {"a": 10, "b": 5}
    assert rows["marketing.channels.0.cost_per_lead"] == {"b": 180}  # only b sets it
    assert "service.complaint" in rows  # a distribution is one value
    assert "service.complaint.mean" not in rows
    assert "market.segments.0.size" not in rows  # the same in both
    assert "name" not in rows
    steps = story.speed_to_lead_steps(sales_only)
    assert [h for h, _ in steps] == pytest.approx([1.0, 8.0])
    assert [p for _, p in steps] == pytest.approx([0.143, 0.0167])


def test_wait_caption_only_when_the_tail_is_longer(scenarios_dir):
    scenarios = {
        "sales-only": sim.load_scenario(scenarios_dir / "sales_only.toml"),
        "full-system": sim.load_scenario(scenarios_dir / "full_system.toml"),
    }

    def leads(waits_a, waits_b):
        rows = [
            {"scenario": s, "replication": 0, "source": "organic", "contacted_h": 1.0, "wait_h": w}
            for s, waits in (("sales-only", waits_a), ("full-system", waits_b))
            for w in waits
        ]
        return pd.DataFrame(rows)

    longer = story.wait_caption(leads([0.5] * 10, [0.0] * 8 + [3.0] * 2), scenarios, weeks=1)
    assert longer.startswith("The full system's leads wait longer in the tail")
    assert "its 5 salespeople each get 2.0 inbound leads a week" in longer
    assert story.wait_caption(leads([0.5] * 10, [0.1] * 10), scenarios, weeks=1) == ""
