"""``sim.explain``: Shapley values over groups of settings, on fake models and the real one.

A fake model whose profit is a known function of the settings gives known
Shapley values; the real model (short horizon) checks that contributions add
up to the paired difference in every replication, that a group that alone
differs carries the whole difference, and that identical scenarios give zeros.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.explain import ExplainError, explain
from sim.explain.groups import resolve_groups
from sim.explain.inert import run_key, with_counterparts
from sim.explain.runs import build_coalitions
from sim.explain.store import load_explanation, save_explanation
from sim.scenario.settings import difference_units

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SHORT = {"clock.horizon": "8 w"}


def headline(overrides=None):
    overrides = overrides or {}
    return (
        sim.load_scenario(SCENARIOS / "sales_only.toml", overrides),
        sim.load_scenario(SCENARIOS / "full_system.toml", overrides),
    )


def _row(scenario, seed, replication, profit):
    return {
        "summary": pd.DataFrame(
            {
                "scenario": [scenario.name],
                "replication": [replication],
                "seed": [seed],
                "weeks": [104.0],
                "profit": [float(profit)],
                "revenue": [float(profit) * 2],
            }
        )
    }


def additive_model(scenario, seed, replication, keep):
    """Profit: a base that moves with the replication (common to every scenario), plus
    10 per salesperson, 7 per marketer and 3 per service agent."""
    profit = (
        1000.0 * replication
        + 10 * scenario.sales.staff
        + 7 * scenario.marketing.staff
        + 3 * scenario.service.staff
    )
    return _row(scenario, seed, replication, profit)


def interacting_model(scenario, seed, replication, keep):
    """As ``additive_model``, plus 100 only when marketers and service agents are both there."""
    both = scenario.marketing.staff > 0 and scenario.service.staff > 0
    profit = additive_model(scenario, seed, replication, keep)["summary"]["profit"].iloc[0]
    return _row(scenario, seed, replication, profit + 100.0 * both + replication * both)


def contribution(explanation, group, figure="profit"):
    rows = explanation.table(figure)
    return rows.loc[rows["group"] == group].iloc[0]


def test_an_additive_model_gives_each_group_its_own_effect():
    a, b = headline()
    why = explain(a, b, replications=3, model=additive_model)
    assert contribution(why, "headcount and cost")["mean"] == pytest.approx(-50.0)
    assert contribution(why, "marketing channels")["mean"] == pytest.approx(7.0)
    assert contribution(why, "service department")["mean"] == pytest.approx(6.0)
    for quiet in ("service speed and quality", "feedback and insight", "expediting", "prospecting"):
        assert contribution(why, quiet)["mean"] == pytest.approx(0.0, abs=1e-9)
    total = why.table("profit").query("kind == 'total'").iloc[0]
    assert total["mean"] == pytest.approx(-37.0)
    # every replication's base cancels: the intervals have no width
    assert contribution(why, "marketing channels")["ci_high"] == pytest.approx(7.0)


def test_an_interaction_is_shared_equally_and_values_add_up_per_replication():
    a, b = headline()
    why = explain(a, b, replications=4, model=interacting_model)
    values = why.replication_values[why.replication_values["figure"] == "profit"]
    wide = values.pivot(index="replication", columns="group", values="value")
    # the interaction is 100 + r in replication r: half to each of its two groups
    for replication in range(4):
        share = (100.0 + replication) / 2
        assert wide.loc[replication, "marketing channels"] == pytest.approx(7.0 + share)
        assert wide.loc[replication, "service department"] == pytest.approx(6.0 + share)
    groups = [group.name for group in why.groups]
    np.testing.assert_allclose(wide[groups].sum(axis=1), wide["total"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(wide["end"] - wide["start"], wide["total"], atol=1e-9)


def test_sampled_orders_above_the_limit_still_add_up_and_say_their_error():
    a, b = headline()
    why = explain(a, b, replications=3, exact_limit=3, orders=4, model=interacting_model)
    assert why.manifest["method"] == "sampled orders"
    values = why.replication_values.pivot(index="replication", columns="group", values="value")
    groups = [group.name for group in why.groups]
    np.testing.assert_allclose(values[groups].sum(axis=1), values["total"], atol=1e-9)
    # an additive part is exact along any order
    assert contribution(why, "headcount and cost")["mean"] == pytest.approx(-50.0)
    assert (why.contributions["sampling_se"] >= 0).all()


def test_the_headline_pair_needs_80_distinct_runs_of_its_128_subsets():
    a, _ = with_counterparts(headline()[0])
    b, _ = with_counterparts(headline()[1])
    groups = resolve_groups("auto", difference_units(a, b), a, b)
    assert len(groups) == 7
    built = build_coalitions(a, b, groups, list(range(1 << len(groups))))
    assert len({run_key(scenario) for scenario in built.values()}) == 80


def test_a_group_file_that_splits_what_must_change_together_is_refused(tmp_path):
    a, b = headline()
    groups = tmp_path / "groups.toml"
    groups.write_text(
        '[[group]]\nname = "clerks"\npaths = ["operations", "service", "sales", "marketing"]\n'
        '[[group]]\nname = "who chases"\npaths = ["production.chased_by"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ExplainError, match="who chases.*no valid scenario.*chased_by"):
        explain(a, b, replications=1, groups=groups, model=additive_model)


def test_a_group_file_must_cover_every_difference_and_reach_real_settings(tmp_path):
    a, b = headline()
    loose = tmp_path / "loose.toml"
    loose.write_text('[[group]]\nname = "sales"\npaths = ["sales"]\n', encoding="utf-8")
    with pytest.raises(ExplainError, match="in no group: marketing"):
        explain(a, b, replications=1, groups=loose, model=additive_model)
    typo = tmp_path / "typo.toml"
    typo.write_text('[[group]]\nname = "x"\npaths = ["servise"]\n', encoding="utf-8")
    with pytest.raises(ExplainError, match="did you mean 'service'"):
        explain(a, b, replications=1, groups=typo, model=additive_model)
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[[groups]]\nname = "x"\npaths = ["sales"]\n', encoding="utf-8")
    with pytest.raises(
        ExplainError, match=r"unknown.toml: .*groups: unknown key \(did you mean .group.\?\)"
    ):
        explain(a, b, replications=1, groups=unknown, model=additive_model)


def test_groups_given_as_a_mapping_take_the_longest_matching_path():
    a, b = headline()
    groups = {
        "marketing": ["marketing"],
        "loop": ["marketing.insight", "service.feedback"],
        "the rest": ["sales", "service", "operations", "production"],
    }
    why = explain(a, b, replications=2, groups=groups, model=additive_model)
    assert [group.name for group in why.groups] == ["marketing", "loop", "the rest"]
    owner = {unit: group.name for group in why.groups for unit in group.units}
    assert owner["marketing.insight.fade"] == "loop"
    assert owner["marketing.staff"] == "marketing"
    assert contribution(why, "loop")["mean"] == pytest.approx(0.0)


def test_unknown_figures_are_refused_before_anything_runs():
    a, b = headline()
    with pytest.raises(
        ExplainError, match="'proft' is not a summary figure.*did you mean 'profit'"
    ):
        explain(a, b, ["proft"], replications=1, model=additive_model)


# ---------------------------------------------------------------- the real model


@pytest.fixture(scope="module")
def short_headline():
    a, b = headline(SHORT)
    return a, b, explain(a, b, ["profit", "revenue"], replications=2, workers=2)


@pytest.mark.slow
def test_contributions_add_up_to_the_paired_difference_in_every_replication(short_headline):
    a, b, why = short_headline
    paired = sim.run_paired([a, b], 2, keep=()).summary
    for figure in ("profit", "revenue"):
        values = why.replication_values[why.replication_values["figure"] == figure]
        wide = values.pivot(index="replication", columns="group", values="value")
        groups = [group.name for group in why.groups]
        np.testing.assert_allclose(wide[groups].sum(axis=1), wide["total"], rtol=1e-12)
        by_scenario = paired.pivot(index="replication", columns="scenario", values=figure)
        # A and B run inside explain are the very runs sim.run_paired makes
        np.testing.assert_array_equal(wide["start"], by_scenario[a.name])
        np.testing.assert_array_equal(wide["end"], by_scenario[b.name])


@pytest.mark.slow
def test_an_explanation_survives_its_folder(short_headline, tmp_path):
    _, _, why = short_headline
    folder = save_explanation(why, tmp_path / "why")
    again = load_explanation(folder)
    pd.testing.assert_frame_equal(again.contributions, why.contributions, check_dtype=False)
    (folder / "contributions.csv").write_text("figure\n", encoding="utf-8")
    with pytest.raises(ExplainError, match="contributions.csv is missing or was changed"):
        load_explanation(folder)
    with pytest.raises(ExplainError, match="already exists"):
        save_explanation(why, folder)


def test_a_group_that_alone_differs_carries_the_whole_difference():
    base = sim.load_scenario(SCENARIOS / "sales_only.toml", SHORT)
    other = sim.load_scenario(SCENARIOS / "variants" / "no_expediting.toml", SHORT)
    why = explain(base, other, replications=2)
    assert [group.name for group in why.groups] == ["expediting"]
    rows = why.table("profit")
    step = rows[rows["kind"] == "group"].iloc[0]
    total = rows[rows["kind"] == "total"].iloc[0]
    assert step["mean"] == pytest.approx(total["mean"], rel=1e-12)
    assert total["mean"] != 0
    assert step["share"] == pytest.approx(1.0)


def test_identical_scenarios_give_zeros():
    base = sim.load_scenario(SCENARIOS / "sales_only.toml", SHORT)
    twin = sim.with_overrides(base, {"name": "twin", "description": "the same firm"})
    why = explain(base, twin, ["profit", "revenue"], replications=2)
    assert why.groups == ()
    totals = why.contributions[why.contributions["kind"] == "total"]
    assert totals["mean"].tolist() == [0.0, 0.0]
    assert totals["ci_low"].tolist() == [0.0, 0.0]
    assert totals["ci_high"].tolist() == [0.0, 0.0]
    assert why.manifest["distinct_runs"] == 1
