"""``flocksim explain``, ``flocksim assumptions`` and ``compare --explain``, end to end.

Bad input ends with exit code 2 and one line on stderr, never a traceback; runs
use tiny scenarios and short horizons.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SCENARIOS = ROOT / "scenarios"
SALES_ONLY = str(SCENARIOS / "sales_only.toml")
FULL_SYSTEM = str(SCENARIOS / "full_system.toml")
SHORT = ["--set", 'clock.horizon="4 w"']


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """``main`` in this process; an exception escaping it fails the test."""
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(result: tuple[int, str, str], *fragments: str) -> str:
    code, _, err = result
    assert code == 2, (code, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("flocksim: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.fixture
def pair(tmp_path):
    """Two tiny firms that differ in salespeople and in prospecting."""
    base = tmp_path / "base.toml"
    base.write_text(
        (DATA / "minimal.toml").read_text(encoding="utf-8") + '[clock]\nhorizon = "8 w"\n',
        encoding="utf-8",
    )
    other = tmp_path / "other.toml"
    other.write_text(
        'extends = "base.toml"\nname = "more"\n[sales]\nstaff = 3\n'
        "[sales.prospecting]\nenabled = true\n",
        encoding="utf-8",
    )
    return str(base), str(other)


# ---------------------------------------------------------------- bad input


def test_the_same_file_twice_is_refused(capsys, tmp_path):
    result = cli(capsys, "explain", SALES_ONLY, SALES_ONLY, "--out", str(tmp_path / "x"))
    assert_one_line_error(result, "sales_only.toml is given twice")
    assert not (tmp_path / "x").exists()


def test_two_files_with_the_same_settings_are_refused(capsys, tmp_path):
    twin = tmp_path / "twin.toml"
    twin.write_text(
        'extends = "' + SALES_ONLY + '"\nname = "twin"\ndescription = "the same"\n',
        encoding="utf-8",
    )
    result = cli(capsys, "explain", SALES_ONLY, str(twin))
    assert_one_line_error(result, "have the same settings")


def test_an_unknown_group_file_is_refused(capsys, tmp_path):
    result = cli(capsys, "explain", SALES_ONLY, FULL_SYSTEM, "--groups", str(tmp_path / "no.toml"))
    assert_one_line_error(result, "--groups", "no such file")


def test_a_bad_group_file_names_the_file_and_the_field(capsys, tmp_path):
    groups = tmp_path / "groups.toml"
    groups.write_text('[[group]]\nname = "x"\npath = ["sales"]\n', encoding="utf-8")
    result = cli(capsys, "explain", SALES_ONLY, FULL_SYSTEM, "--groups", str(groups), *SHORT)
    expected = "group.0.path: unknown key (did you mean 'paths'?)"
    assert_one_line_error(result, "groups.toml", expected)


def test_an_unknown_figure_is_refused_before_anything_runs(capsys, tmp_path):
    result = cli(capsys, "explain", SALES_ONLY, FULL_SYSTEM, "--figure", "proft", *SHORT)
    assert_one_line_error(result, "'proft' is not a summary figure", "did you mean 'profit'")


def test_a_bad_scenario_file_and_a_used_folder_are_refused(capsys, tmp_path):
    result = cli(capsys, "explain", SALES_ONLY, str(tmp_path / "none.toml"))
    assert_one_line_error(result, "none.toml", "file not found")
    result = cli(capsys, "explain", SALES_ONLY, FULL_SYSTEM, "--out", str(tmp_path))
    assert_one_line_error(result, "already exists")
    result = cli(capsys, "explain", SALES_ONLY, FULL_SYSTEM, "--reps", "0")
    assert result[0] == 2


def test_compare_explains_only_two_scenarios(capsys):
    other = str(SCENARIOS / "variants" / "no_expediting.toml")
    result = cli(capsys, "compare", SALES_ONLY, FULL_SYSTEM, other, "--explain", *SHORT)
    assert_one_line_error(result, "--explain needs exactly two scenarios")


# ---------------------------------------------------------------- runs


def test_explain_prints_numbers_and_writes_the_waterfall(capsys, pair, tmp_path):
    out = tmp_path / "why"
    code, printed, err = cli(
        capsys,
        "explain",
        *pair,
        "--reps",
        "3",
        "--workers",
        "1",
        "--figure",
        "profit",
        "--figure",
        "revenue",
        "--format",
        "csv",
        "--out",
        str(out),
    )
    assert code == 0, err
    table = pd.read_csv(io.StringIO(printed))
    assert list(table["figure"].unique()) == ["profit", "revenue"]
    for _, rows in table.groupby("figure"):
        groups = rows[rows["kind"] == "group"]
        assert set(groups["group"]) == {"headcount and cost", "prospecting"}
        total = rows[rows["kind"] == "total"]["mean"].iloc[0]
        assert groups["mean"].sum() == pytest.approx(total, rel=1e-9, abs=1e-6)
    assert "2 groups, 4 subsets (exact)" in err
    for suffix in ("png", "svg"):
        assert (out / "charts" / f"waterfall_profit.{suffix}").is_file()
    manifest = json.loads((out / "explain.json").read_text(encoding="utf-8"))
    assert manifest["command"].startswith("flocksim explain")
    assert [group["name"] for group in manifest["groups"]] == ["headcount and cost", "prospecting"]


def test_explain_prints_a_table_in_chinese(capsys, pair, tmp_path):
    code, printed, _ = cli(
        capsys, "explain", *pair, "--reps", "2", "--workers", "1", "--lang", "zh",
        "--out", str(tmp_path / "zh"),
    )  # fmt: skip
    assert code == 0
    assert "人数与成本" in printed
    assert "总差异" in printed


def test_compare_with_explain_shows_the_waterfall_in_the_report(capsys, pair, tmp_path):
    out = tmp_path / "cmp"
    code, _, err = cli(
        capsys, "compare", *pair, "--reps", "2", "--workers", "1", "--report", "--explain",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Where the difference comes from" in html
    assert 'id="chart-waterfall_profit"' in html
    assert "Assumptions register" not in html  # no register names these firms
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "](charts/waterfall_profit.png)" in markdown
    # the waterfall is shown once, in its section, not again among the charts
    assert markdown.count("waterfall_profit.png") == 1
    # rebuilt from the folder, in Chinese
    code, _, err = cli(capsys, "report", str(out), "--lang", "zh")
    assert code == 0, err
    assert "差异从哪里来" in (out / "report.html").read_text(encoding="utf-8")


def test_the_report_of_the_headline_pair_lists_its_assumptions(tmp_path):
    from sim.cli.explain import report_extras

    sections, charts = report_extras(
        tmp_path, [SALES_ONLY, FULL_SYSTEM], ["sales-only", "full-system"], "en", "EUR"
    )
    assert [section.key for section in sections] == ["assumptions"]
    assert charts == {}
    variant = str(SCENARIOS / "variants" / "full_system_neutral.toml")
    sections, _ = report_extras(tmp_path, [variant], ["full-system-neutral"], "zh", "EUR")
    assert sections == []  # the register names neither of these scenarios


# ---------------------------------------------------------------- assumptions


def test_assumptions_prints_the_register(capsys):
    code, printed, err = cli(capsys, "assumptions", "--format", "json")
    assert code == 0, err
    records = json.loads(printed)
    paths = {record["path"] for record in records}
    assert {"sales.staff", "service.feedback.learning_rate"} <= paths
    assert all(record["source"] for record in records)
    code, printed, _ = cli(capsys, "assumptions", "--lang", "zh")
    assert code == 0
    assert "合理范围" in printed


def test_an_out_of_date_register_is_refused(capsys, tmp_path):
    for name in ("sales_only.toml", "full_system.toml", "assumptions.toml"):
        shutil.copy(SCENARIOS / name, tmp_path / name)
    path = tmp_path / "full_system.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("staff = 5", "staff = 6"), encoding="utf-8"
    )
    result = cli(capsys, "assumptions", str(tmp_path / "assumptions.toml"))
    assert_one_line_error(result, "sales.staff", "the register is out of date")
