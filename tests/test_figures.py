"""The figures' vocabulary: one list of each kind, naming columns the model writes.

``sim.figures`` keeps a copy of the sales time categories (the model owns them in
``sim.model.ledger``; the vocabulary does not import the engine), so these tests
hold the copy to the original, and every figure list to the columns a real run
produces.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sim
from sim import figures
from sim.charts import SALES_CATEGORY_COLOURS
from sim.model.ledger import SALES_CATEGORIES as LEDGER_SALES_CATEGORIES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tables(scenarios_dir):
    """Summary and weekly tables of a two-week run of the full system."""
    scenario = sim.load_scenario(scenarios_dir / "full_system.toml", {"clock.horizon": "2 w"})
    results = sim.run(scenario, replications=1, seed=0)
    return results.summary, results.weekly


def test_sales_categories_are_the_ledgers_in_its_order():
    assert figures.SALES_CATEGORIES == LEDGER_SALES_CATEGORIES
    assert tuple(figures.SALES_CATEGORY_TITLES) == LEDGER_SALES_CATEGORIES


def test_charts_colour_every_sales_category_and_nothing_else():
    assert set(SALES_CATEGORY_COLOURS) == set(figures.SALES_CATEGORIES)
    assert len(set(SALES_CATEGORY_COLOURS.values())) == len(SALES_CATEGORY_COLOURS)


def test_sales_share_columns_and_titles_come_from_the_category_names():
    assert figures.SALES_SHARE_COLUMNS == (
        "sales_share_selling",
        "sales_share_prospecting",
        "sales_share_servicing",
        "sales_share_expediting",
        "sales_share_idle",
    )
    assert figures.figure_title("sales_share_selling") == "Sales time: selling"
    assert figures.figure_title("sales_share_prospecting") == "Sales time: cold prospecting"
    assert figures.figure_title("sales_share_servicing") == "Sales time: servicing customers"
    assert figures.figure_title("sales_share_expediting") == "Sales time: expediting"
    assert figures.figure_title("sales_share_idle") == "Sales time: idle"
    assert figures.FIGURE_LABELS["sales_share_idle"] == "Sales time: idle (%)"


def test_nonselling_work_and_idle_make_up_the_wasted_capacity(tables):
    summary, _ = tables
    assert figures.NONSELLING_WORK not in summary.columns  # the model does not write it
    story = figures.with_story_figures(summary)
    parts = story[figures.NONSELLING_WORK] + story["sales_share_idle"]
    assert parts.to_numpy() == pytest.approx(story["wasted_sales_capacity"].to_numpy())
    assert figures.with_story_figures(story) is story  # nothing added twice


def test_figure_names_in_chinese_and_units_with_the_currency():
    assert figures.figure_title("revenue", "zh") == "收入"
    assert figures.figure_label("revenue", currency="EUR") == "Revenue (EUR)"
    assert figures.figure_label("revenue", "zh", currency="CNY") == "收入（元）"
    assert figures.figure_label("revenue") == "Revenue (money units)"
    assert figures.sales_category_title("idle", "zh") == "空闲"
    assert figures.scenario_label("sales-only", "zh") == "只有销售部"
    assert figures.scenario_label("只有销售部", "en") == "只有销售部"  # own names stay
    assert figures.scenario_subject("full-system") == "the full system"


def test_an_unknown_sales_category_is_refused_with_the_allowed_ones():
    with pytest.raises(ValueError, match="'selling '.*selling, prospecting"):
        figures.sales_share_column("selling ")


def test_every_non_selling_sales_share_is_lower_is_better_and_selling_is_not():
    for column in figures.SALES_SHARE_COLUMNS:
        assert (column in figures.LOWER_IS_BETTER_FIGURES) == (column != "sales_share_selling")
    assert "wasted_sales_capacity" in figures.LOWER_IS_BETTER_FIGURES
    assert "revenue" not in figures.LOWER_IS_BETTER_FIGURES


def test_figure_lists_name_columns_of_the_summary(tables):
    summary, _ = tables
    summary = figures.with_story_figures(summary)
    for name in ("MAIN_FIGURES", "COMPARE_FIGURES", "DEFAULT_FIGURES", "LOWER_IS_BETTER_FIGURES"):
        listed = getattr(figures, name)
        assert len(set(listed)) == len(listed), name
        assert set(listed) <= set(summary.columns), (name, set(listed) - set(summary.columns))


def test_warmup_figures_name_columns_of_the_weekly_table(tables):
    _, weekly = tables
    assert set(figures.WARMUP_FIGURES) <= set(weekly.columns)


def test_the_sales_shares_of_a_run_are_the_vocabularys(tables):
    summary, weekly = tables
    for table in (summary, weekly):
        written = {column for column in table.columns if column.startswith("sales_share_")}
        assert written == set(figures.SALES_SHARE_COLUMNS)


@pytest.mark.parametrize("path", ["sim/figures.py", "sim/formatting.py"])
def test_the_vocabulary_imports_neither_charts_nor_model_nor_analysis(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    for module in imported:
        top = module.split(".")[:2]
        assert top[0] != "matplotlib", (path, module)
        assert top[:2] not in (
            ["sim", "model"],
            ["sim", "analysis"],
            ["sim", "charts"],
            ["sim", "report"],
        ), (path, module)
