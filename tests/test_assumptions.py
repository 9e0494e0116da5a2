"""The assumptions register: it lists every setting of the headline pair, as shipped.

The register must list every setting that differs between the headline files,
is written in them, or is a default their mechanisms rely on, with the value
each file ships; a change to the files that the register does not follow
fails here. The sweep files generated from it must be current, and the neutral
variant must set the unsourced advantages equal.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sim
from sim.assumptions import (
    RegisterError,
    check_register,
    display_rows,
    load_register,
    register_frame,
    register_section,
    required_paths,
    shipped_sweeps,
    sweep_factors,
)

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
REGISTER = SCENARIOS / "assumptions.toml"


@pytest.fixture(scope="module")
def register():
    return load_register(REGISTER)


@pytest.fixture
def copy(tmp_path):
    """The headline files and the register, in a folder of their own."""
    for name in ("sales_only.toml", "full_system.toml", "assumptions.toml"):
        shutil.copy(SCENARIOS / name, tmp_path / name)
    return tmp_path


def test_the_register_lists_every_setting_of_the_headline_pair_as_shipped(register):
    assert check_register(register) == []
    listed = {entry.path for entry in register.spec.assumption}
    required = required_paths(register.scenarios)
    # the settings that differ are listed by name (a distribution by its mean)
    a, b = register.scenarios
    for path in sim.scenario.settings.differences(a, b):
        if not path.startswith("marketing.channels"):
            assert path in listed or f"{path}.mean" in listed, path
    assert len(required) > 80


def test_the_unsourced_settings_the_review_named_are_listed_as_judgement(register):
    entries = {entry.path: entry for entry in register.spec.assumption}
    for path in (
        "marketing.insight.intent_strength",
        "marketing.insight.fit_strength",
        "marketing.insight.cost_strength",
        "service.feedback.learning_rate",
        "service.feedback.half_saturation",
        "service.complaint_satisfaction",
        "marketing.channels.search.intent",
    ):
        assert entries[path].judgement, path
        assert entries[path].low is not None
        assert entries[path].high is not None
    assert entries["sales.prospecting.hit_rate"].source.startswith("Vorsight")
    assert entries["sales.staff"].role == "design"


def test_a_value_the_files_no_longer_ship_is_found(copy):
    path = copy / "sales_only.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("gross_margin = 0.4", "gross_margin = 0.45"),
        encoding="utf-8",
    )
    problems = check_register(load_register(copy / "assumptions.toml"))
    expected = "value 0.4 is not what sales-only ships (0.45)"
    assert ("assumption.1 (money.gross_margin)", expected) in problems


def test_a_setting_the_files_add_is_found(copy):
    path = copy / "sales_only.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('reorder_rate = "4 / y"', 'reorder_gap = { dist = "gamma", mean = "13 w", '
                     'sd = "4 w" }'),
        encoding="utf-8",
    )  # fmt: skip
    problems = dict(check_register(load_register(copy / "assumptions.toml")))
    assert "market.segments.smb.reorder_gap is not listed" in problems["assumption"]


def test_a_setting_the_register_drops_is_found(copy):
    path = copy / "assumptions.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('path = "sales.stall"')
    end = text.index("[[assumption]]", start)
    path.write_text(text[:start] + text[end:].replace("[[assumption]]", "", 1), encoding="utf-8")
    # the table header before the dropped entry now opens the next one
    problems = check_register(load_register(path))
    assert ("assumption", "sales.stall is not listed (it differs, is written or relied on)") in (
        problems
    )


def test_a_full_system_value_that_changes_is_found(copy):
    path = copy / "full_system.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("learning_rate = 0.3", "learning_rate = 0.5"),
        encoding="utf-8",
    )
    problems = check_register(load_register(copy / "assumptions.toml"))
    assert any("service.feedback.learning_rate" in field for field, _ in problems)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('path = "x"\nvalue = 1\nlow = 0\nhigh = 2\nsorce = "judgement"\nfavours = "neither"',
         "assumption.0.sorce: unknown key (did you mean 'source'?)"),
        ('path = "x"\nvalue = 1\nsource = "judgement"\nfavours = "neither"',
         "an assumption needs a plausible `low` and `high`"),
        ('path = "x"\nvalue = 1\nlow = 3\nhigh = 2\nsource = "judgement"\nfavours = "neither"',
         "low (3) must be below high (2)"),
        ('path = "x"\nvalue = 1\nlow = "1 h"\nhigh = "2 d"\nsource = "j"\nfavours = "neither"',
         "must carry the same unit"),
        ('path = "x"\nlow = 1\nhigh = 2\nsource = "judgement"\nfavours = "neither"',
         "give the value shipped as `value` or, per scenario, as `values`"),
        ('path = "sales.stall"\nvalue = 0.2\nlow = 0\nhigh = 1\nsource = "j"\nfavours = "sales"',
         "assumption.0.favours: must be one of sales-only, full-system or 'neither'"),
        ('path = "sales.stall"\nvalues = { sales = 0.2 }\nlow = 0\nhigh = 1\nsource = "j"\n'
         'favours = "neither"', "assumption.0.values: 'sales' is not a scenario of the register"),
    ],
)  # fmt: skip
def test_a_bad_register_names_the_file_and_the_field(copy, entry, message):
    path = copy / "bad.toml"
    path.write_text(
        f'scenarios = ["sales_only.toml", "full_system.toml"]\n[[assumption]]\n{entry}\n',
        encoding="utf-8",
    )
    with pytest.raises(RegisterError) as caught:
        load_register(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_the_sweep_files_are_generated_from_the_register(register):
    folder = SCENARIOS / "sweeps"
    for name, text in shipped_sweeps(register, folder).items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"{name} is out of date: flocksim assumptions --write-sweeps scenarios/sweeps"
        )
    every = {factor["path"] for factor in sweep_factors(register)}
    advantages = {factor["path"] for factor in sweep_factors(register, advantages_only=True)}
    assert advantages < every
    assert "marketing.insight.intent_strength" in advantages
    assert "market.segments.smb.size" in every - advantages


def test_the_sweeps_over_the_register_plan(register):
    from sim.sweeps.spec import read_sweep
    from sim.sweeps.variants import plan_sweep

    for name in ("assumptions.toml", "assumptions_sobol.toml"):
        path = SCENARIOS / "sweeps" / name
        spec, _ = read_sweep(path)
        plan = plan_sweep(spec, str(path))
        # the estimators need every point of the design: no range may make a
        # scenario that is not valid (max_meetings below closing_meetings was one)
        reasons = plan.design.loc[~plan.design["feasible"], "infeasible_reason"]
        assert reasons.empty, reasons.head().tolist()


def test_the_neutral_variant_sets_the_unsourced_advantages_equal():
    sales_only = sim.load_scenario(SCENARIOS / "sales_only.toml")
    neutral = sim.load_scenario(SCENARIOS / "variants" / "full_system_neutral.toml")
    for work in ("complaint", "reorder", "onboarding", "complaint_satisfaction"):
        assert getattr(neutral.service, work) == getattr(sales_only.sales, work), work
    organic = sales_only.market.segments[0].intent_organic
    assert [channel.intent for channel in neutral.marketing.channels] == [organic, organic]
    assert not neutral.service.feedback.enabled
    assert neutral.weekly_cost == sales_only.weekly_cost


def test_the_register_reads_as_a_table_and_a_report_section(register):
    frame = register_frame(register)
    assert len(frame) == len(register.spec.assumption)
    assert {"value sales-only", "value full-system", "low", "high", "source", "favours"} <= set(
        frame.columns
    )
    for lang in ("en", "zh"):
        headers, rows = display_rows(register, lang)
        assert all(len(row) == len(headers) for row in rows)
        section = register_section(register, lang)
        assert section.rows
        assert str(len(rows)) in section.paragraphs[0]
    assert display_rows(register, "zh")[0][0] == "设置"
