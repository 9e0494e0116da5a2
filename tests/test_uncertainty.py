"""The headline under uncertainty: the summary of a sweep over the register's ranges.

A small Morris sweep over three of the register's settings (13 weeks, one
replication a variant) stands in for ``scenarios/sweeps/assumptions.toml``;
the summary must count the variants each firm wins, give a Wilson interval
that holds that share, rank the settings, and show the condition the review
found: dear marketing leads turn the full system's advantage down.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from scipy.stats import binomtest

import sim
from sim.analysis import wilson_interval as wilson
from sim.assumptions import load_register
from sim.assumptions.uncertainty import summarise_sweep
from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
COST = "marketing.channels.search.cost_per_lead"


@pytest.mark.parametrize(("wins", "trials"), [(0, 10), (3, 10), (10, 10), (57, 130)])
def test_the_wilson_interval_is_scipys(wins, trials):
    expected = binomtest(wins, trials).proportion_ci(method="wilson")
    assert wilson(wins, trials) == pytest.approx((expected.low, expected.high), abs=1e-12)


def test_no_trials_give_no_interval():
    assert all(math.isnan(value) for value in wilson(0, 0))


@pytest.fixture(scope="module")
def morris(tmp_path_factory) -> sim.SweepResults:
    folder = tmp_path_factory.mktemp("uncertainty")
    path = folder / "assumptions.toml"
    path.write_text(
        f"""
name = "assumptions-small"
scenarios = ["{SCENARIOS / "sales_only.toml"}", "{SCENARIOS / "full_system.toml"}"]
replications = 1
[set]
"clock.horizon" = "13 w"
[design]
method = "morris"
trajectories = 4
levels = 4
[[factors]]
path = "money.gross_margin"
low = 0.2
high = 0.6
[[factors]]
path = "{COST}"
low = 100.0
high = 3000.0
scenarios = ["full-system"]
[[factors]]
path = "sales.staff"
low = 3
high = 7
integer = true
scenarios = ["full-system"]
""",
        encoding="utf-8",
    )
    return sim.sweep(path, folder / "out", workers=1)


def test_the_summary_counts_the_variants_each_firm_wins(morris):
    summary = summarise_sweep(morris.directory)
    assert (summary.scenario, summary.baseline, summary.figure) == (
        "full-system",
        "sales-only",
        "profit",
    )
    assert summary.method == "morris"
    assert summary.variants == 4 * (3 + 1)
    means = morris.summary.pivot_table(index="variant", columns="scenario", values="profit").pipe(
        lambda t: t["full-system"] - t["sales-only"]
    )
    assert summary.wins == int((means > 0).sum())
    assert summary.share_low <= summary.share <= summary.share_high


def test_the_settings_are_ranked_and_dear_leads_are_a_condition(morris):
    register = load_register(SCENARIOS / "assumptions.toml")
    summary = summarise_sweep(morris.directory, register)
    factors = summary.factors.set_index("factor")
    assert list(summary.factors["mu_star"]) == sorted(summary.factors["mu_star"], reverse=True)
    # cheap leads help the full system, dear ones hurt it
    assert factors.loc[COST, "diff_low"] > factors.loc[COST, "diff_high"]
    assert factors.loc[COST, "mu"] < 0
    # the register's source and side come along
    entry = next(e for e in register.spec.assumption if e.path == COST)
    assert factors.loc[COST, "source"] == entry.source
    assert factors.loc[COST, "favours"] == entry.favours


def test_the_command_prints_the_share_and_refuses_a_folder_without_a_sweep(
    morris, tmp_path, capsys
):
    assert main(["assumptions", "--sweep-summary", str(morris.directory)]) == 0
    out = capsys.readouterr().out
    assert "Full system is ahead of Sales-only firm in" in out
    assert f"of {4 * 4} variants" in out
    assert COST in out
    assert main(["assumptions", "--sweep-summary", str(morris.directory), "--format", "json"]) == 0
    assert '"variants": 16' in capsys.readouterr().out
    assert main(["assumptions", "--sweep-summary", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path) in err
    assert "Traceback" not in err
