"""The ``flocksim`` command end to end, in a subprocess: exit codes, output, files.

Bad input must end with exit code 2 and one line on stderr naming the file and
the field, never a traceback. Runs use a 6-week horizon and few replications.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SALES_ONLY = str(ROOT / "scenarios" / "sales_only.toml")
FULL_SYSTEM = str(ROOT / "scenarios" / "full_system.toml")
SHORT = ["--set", 'clock.horizon="6 w"']
NAMES = ("sales-only", "full-system")


def flocksim(*args: str, cwd: Path, command: list[str] | None = None):
    """Run the command line; return the finished process (text output)."""
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [*(command or [sys.executable, "-m", "sim"]), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_usage_error(process, *fragments: str) -> str:
    """Exit 2, one line on stderr starting ``flocksim: error:``, no traceback."""
    assert "Traceback" not in process.stderr, process.stderr
    assert process.returncode == 2, (process.returncode, process.stderr)
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1, process.stderr
    line = lines[0]
    assert line.startswith("flocksim: error: "), line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``main`` in this process (for the many bad-input cases: no start-up cost).

    An exception escaping ``main`` fails the test, as a traceback would.
    """
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def assert_usage_error_in_process(result: tuple[int, str, str], *fragments: str) -> str:
    code, _, err = result
    assert code == 2, (code, err)
    return assert_usage_error(subprocess.CompletedProcess([], code, "", err), *fragments)


# ---------------------------------------------------------------- help


@pytest.mark.parametrize(
    "command", [[], ["validate"], ["run"], ["compare"], ["report"], ["warmup"], ["reference"]]
)
def test_help_of_every_command_exits_zero(command, tmp_path):
    process = flocksim(*command, "--help", cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    assert process.stdout.startswith("usage: flocksim")
    assert process.stderr == ""
    if command:
        assert f"flocksim {command[0]}" in process.stdout
    else:
        assert all(name in process.stdout for name in ("validate", "run", "compare", "report"))


def test_console_script_is_installed(tmp_path):
    script = shutil.which("flocksim", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the flocksim console script is not installed in this environment")
    process = flocksim("validate", SALES_ONLY, cwd=tmp_path, command=[script])
    assert process.returncode == 0, process.stderr
    assert process.stdout.startswith(f"ok: {SALES_ONLY}: 'sales-only'")


# ---------------------------------------------------------------- validate


def test_validate_accepts_every_shipped_scenario(tmp_path, scenario_files):
    files = [str(path) for path in scenario_files]
    process = flocksim("validate", *files, cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    assert process.stderr == ""
    lines = process.stdout.strip().splitlines()
    assert [line.split(": ")[1] for line in lines] == files
    assert all(line.startswith("ok: ") for line in lines)


def test_validate_unknown_key_names_file_field_and_suggestion(tmp_path):
    path = str(DATA / "unknown_key.toml")
    assert_usage_error(
        flocksim("validate", path, cwd=tmp_path), path, "sales.staf", "did you mean 'staff'?"
    )


def test_validate_unknown_key_in_a_list_item(capsys):
    path = str(DATA / "bad_segment_key.toml")
    assert_usage_error_in_process(
        cli(capsys, "validate", path), path, "market.segments.0.sise", "did you mean 'size'?"
    )


def test_validate_missing_file(tmp_path):
    assert_usage_error(flocksim("validate", "nope.toml", cwd=tmp_path), "nope.toml", "not found")


def test_validate_toml_syntax_error(tmp_path):
    path = str(DATA / "syntax_error.toml")
    assert_usage_error(flocksim("validate", path, cwd=tmp_path), path, "TOML", "line 4")


def test_validate_reports_each_bad_file_and_still_checks_the_good_ones(capsys):
    bad = str(DATA / "unknown_key.toml")
    code, out, err = cli(capsys, "validate", bad, SALES_ONLY, str(DATA / "syntax_error.toml"))
    assert code == 2
    assert out.startswith(f"ok: {SALES_ONLY}")
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert "unknown_key.toml" in lines[0]
    assert "syntax_error.toml" in lines[1]


def test_validate_a_file_that_is_not_utf8(tmp_path, capsys):
    """Today: UnicodeDecodeError escapes (a traceback and exit code 1 on the command line)."""
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "café"\n'.encode("latin-1"))
    assert_usage_error_in_process(cli(capsys, "validate", str(path)), str(path))


# ---------------------------------------------------------------- run


def test_run_prints_the_summary_and_writes_tables(tmp_path):
    out = tmp_path / "out"
    process = flocksim(
        "run", SALES_ONLY, FULL_SYSTEM, *SHORT, "--reps", "2", "--out", str(out), cwd=tmp_path
    )
    assert process.returncode == 0, process.stderr
    assert "Traceback" not in process.stderr
    header = process.stdout.splitlines()[0]
    assert header.split() == list(NAMES)
    assert {"revenue", "profit", "wasted_sales_capacity"} <= {
        line.split()[0] for line in process.stdout.splitlines()[1:] if line.strip()
    }
    expected = {f"{name}.parquet" for name in ("summary", "weekly", "leads", "customers", "queues")}
    assert expected | {"manifest.json"} == {path.name for path in out.iterdir()}
    manifest = json.loads((out / "manifest.json").read_text())
    assert list(manifest["scenarios"]) == list(NAMES)
    assert manifest["replications"] == 2
    assert manifest["seed"] == 0
    assert manifest["scenarios"]["sales-only"]["settings"]["clock"]["horizon"] == "6 w"
    summary = pd.read_parquet(out / "summary.parquet")
    assert summary["scenario"].tolist() == ["sales-only"] * 2 + ["full-system"] * 2
    assert summary["weeks"].tolist() == [6] * 4
    assert str(out) in process.stderr


def test_run_without_out_writes_under_results_in_the_working_directory(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "run", SALES_ONLY, *SHORT, "--reps", "1", "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert table.columns.tolist() == ["figure", "scenario", "n", "mean", "ci_low", "ci_high"]
    assert set(table["scenario"]) == {"sales-only"}
    assert (table["n"] == 1).all()
    folders = list((tmp_path / "results").iterdir())
    assert len(folders) == 1
    assert folders[0].name.endswith("-run")
    assert (folders[0] / "manifest.json").is_file()


@pytest.mark.parametrize(
    ("setting", "fragments"),
    [
        ("sales.staf=3", ("sales.staf", "did you mean 'staff'?")),
        ("sales.staff=many", ("sales.staff", "integer")),
    ],
)
def test_run_with_a_bad_set_exits_2_with_one_line(setting, fragments, tmp_path):
    process = flocksim("run", FULL_SYSTEM, "--set", setting, "--reps", "1", cwd=tmp_path)
    assert_usage_error(process, FULL_SYSTEM, *fragments)
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize(
    ("setting", "fragments"),
    [
        ("market.segments.0.sise=3", ("market.segments.0.sise", "did you mean 'size'?")),
        ("clock.horizon=6", ("clock.horizon", "unit")),
        ("clock.horizon=6 fortnights", ("clock.horizon", "unknown unit 'fortnights'")),
        ("market.segments.7.size=10", ("market.segments.7", "indices 0 to 0")),
        ("sales.staff.x=1", ("sales.staff.x",)),
        ("sales.priority=['lead']", ("sales.priority", "exactly once")),
        ("sales.staff", ("--set", "KEY=VALUE")),
        ("=3", ("--set", "KEY=VALUE")),
    ],
)
@pytest.mark.parametrize("command", ["run", "compare", "validate"])
def test_bad_sets_exit_2_with_one_line_in_every_command(
    command, setting, fragments, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    if command == "validate":  # validate reports one line per file: give it one
        args = [command, SALES_ONLY, "--set", setting]
    else:  # run and compare stop at the first bad scenario
        args = [command, SALES_ONLY, FULL_SYSTEM, "--set", setting, "--reps", "1"]
    line = assert_usage_error_in_process(cli(capsys, *args), *fragments)
    if "=" in setting[1:]:
        assert SALES_ONLY in line
    assert not (tmp_path / "results").exists()


def test_run_with_an_infinite_budget_exits_2(tmp_path, monkeypatch, capsys):
    """Today the scenario validates, the run finishes and the summary table crashes."""
    monkeypatch.chdir(tmp_path)
    result = cli(
        capsys, "run", FULL_SYSTEM, *SHORT, "--reps", "1", "--set", "marketing.budget_per_week=inf"
    )
    assert_usage_error_in_process(result, "marketing.budget_per_week")


def test_run_with_zero_reps_exits_2(tmp_path):
    process = flocksim("run", SALES_ONLY, "--reps", "0", cwd=tmp_path)
    assert process.returncode == 2
    assert "Traceback" not in process.stderr
    last = process.stderr.strip().splitlines()[-1]
    assert last == "flocksim run: error: argument --reps: must be at least 1, got 0"
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (["--reps", "two"], "--reps"),
        (["--workers", "0"], "--workers"),
        (["--seed", "-1"], "--seed"),
        (["--format", "xml"], "--format"),
        (["--precision", "5"], "--precision"),
        (["--max-reps", "0"], "--max-reps"),
    ],
)
def test_bad_options_exit_2(options, fragment, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, "compare", SALES_ONLY, FULL_SYSTEM, *options)
    assert code == 2
    last = err.strip().splitlines()[-1]
    assert last.startswith("flocksim compare: error: argument ")
    assert fragment in last
    assert not (tmp_path / "results").exists()


def test_run_the_same_scenario_twice_is_a_usage_error(capsys):
    result = cli(capsys, "run", SALES_ONLY, SALES_ONLY, "--reps", "1")
    assert_usage_error_in_process(result, "sales-only", "must differ")


def test_run_out_onto_a_file_is_a_usage_error(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("")
    result = cli(capsys, "run", SALES_ONLY, *SHORT, "--reps", "1", "--out", str(target))
    assert_usage_error_in_process(result, "--out", str(target))


# ---------------------------------------------------------------- compare and report


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """One compare run shared by the tests that read its output."""
    cwd = tmp_path_factory.mktemp("compare")
    out = cwd / "out"
    process = flocksim(
        "compare", SALES_ONLY, FULL_SYSTEM, *SHORT, "--reps", "3", "--out", str(out), cwd=cwd
    )
    return process, out


def test_compare_prints_paired_differences(compared):
    process, _ = compared
    assert process.returncode == 0, process.stderr
    assert "Traceback" not in process.stderr
    header = process.stdout.splitlines()[0]
    assert "full-system - sales-only" in header
    assert all(name in header for name in NAMES)
    assert "paired on common random numbers" in process.stderr


def test_compare_writes_comparison_csv_and_tables(compared):
    _, out = compared
    comparison = pd.read_csv(out / "comparison.csv")
    assert {"figure", "scenario", "mean", "diff", "diff_low", "diff_high"} <= set(comparison)
    assert set(comparison["scenario"]) == set(NAMES)
    revenue = comparison.set_index(["figure", "scenario"]).loc[("revenue", "full-system")]
    assert revenue["diff_low"] <= revenue["diff"] <= revenue["diff_high"]
    baseline = comparison.set_index(["figure", "scenario"]).loc[("revenue", "sales-only")]
    assert pd.isna(baseline["diff"])
    for name in ("summary.parquet", "comparison.parquet", "manifest.json"):
        assert (out / name).is_file(), name
    summary = pd.read_parquet(out / "summary.parquet")
    assert len(summary) == 6
    # common random numbers: each replication has the same seed in both scenarios
    seeds = summary.pivot(index="replication", columns="scenario", values="seed")
    assert (seeds["sales-only"] == seeds["full-system"]).all()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_compare_csv_and_json_print_the_numbers_of_the_saved_comparison(fmt, tmp_path):
    out = tmp_path / "out"
    process = flocksim(
        "compare", SALES_ONLY, FULL_SYSTEM, *SHORT, "--reps", "3", "--format", fmt,
        "--out", str(out), cwd=tmp_path,
    )  # fmt: skip
    assert process.returncode == 0, process.stderr
    saved = pd.read_parquet(out / "comparison.parquet")
    if fmt == "csv":
        printed = pd.read_csv(io.StringIO(process.stdout))
    else:
        records = json.loads(process.stdout)  # plain JSON: NaN written as null
        assert records[0].keys() == set(saved.columns)
        printed = pd.DataFrame.from_records(records, columns=list(saved.columns))
    assert printed.columns.tolist() == saved.columns.tolist()
    assert printed["figure"].tolist() == saved["figure"].tolist()
    assert printed["scenario"].tolist() == saved["scenario"].tolist()
    numbers = [c for c in saved.columns if c not in ("figure", "scenario")]
    assert numbers == [
        "n", "mean", "ci_low", "ci_high", "diff", "diff_low", "diff_high", "rel_change",
        "share_better", "pairing",
    ]  # fmt: skip
    pd.testing.assert_frame_equal(
        printed[numbers].astype(float), saved[numbers].astype(float), check_exact=False, rtol=1e-12
    )
    other = printed[printed["scenario"] == "full-system"]
    assert other["diff"].notna().all()


def test_compare_markdown_keeps_the_display_strings(tmp_path):
    process = flocksim(
        "compare", SALES_ONLY, FULL_SYSTEM, *SHORT, "--reps", "2", "--format", "markdown",
        cwd=tmp_path,
    )  # fmt: skip
    assert process.returncode == 0, process.stderr
    columns = [*NAMES, "full-system - sales-only"]
    lines = process.stdout.strip().splitlines()
    assert lines[0] == "| " + " | ".join(["figure", *columns]) + " |"
    assert set(lines[1]) <= set("|-")
    rows = [lines[0], *lines[2:]]
    assert all(line.startswith("| ") and line.endswith(" |") for line in rows)
    assert all(line.count(" | ") == len(columns) for line in lines[2:])
    assert any(line.startswith("| revenue |") and "[" in line for line in lines)


def test_set_with_a_name_changes_one_scenario_and_is_recorded(tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = cli(
        capsys, "compare", SALES_ONLY, FULL_SYSTEM, *SHORT, "--reps", "2", "--workers", "1",
        "--set", "full-system:marketing.channels.search.cost_per_lead=1000",
        "--set", "sales_only:sales.staff=9", "--out", str(out), "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    settings = {name: entry["settings"] for name, entry in manifest["scenarios"].items()}
    assert settings["full-system"]["marketing"]["channels"][0]["cost_per_lead"] == 1000
    assert settings["sales-only"]["sales"]["staff"] == 9
    assert settings["full-system"]["sales"]["staff"] == 5
    assert manifest["overrides"] == {
        "sales-only": {"clock.horizon": "6 w", "sales.staff": 9},
        "full-system": {
            "clock.horizon": "6 w",
            "marketing.channels.search.cost_per_lead": 1000,
        },
    }
    assert manifest["command"].startswith("flocksim compare ")
    assert "full-system:marketing.channels.search.cost_per_lead=1000" in manifest["command"]


def test_set_with_an_unknown_name_lists_the_scenarios(capsys):
    code, _, err = cli(capsys, "compare", SALES_ONLY, FULL_SYSTEM, "--set", "tv-firm:sales.staff=3")
    assert code == 2
    assert "no scenario 'tv-firm'" in err
    assert "sales-only, full-system" in err


def test_verbose_and_quiet_work_after_the_command(capsys):
    from sim.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["run", SALES_ONLY, "-v"]).verbose is True
    assert parser.parse_args(["-v", "run", SALES_ONLY]).verbose is True
    assert parser.parse_args(["run", SALES_ONLY, "--quiet"]).quiet is True
    plain = parser.parse_args(["run", SALES_ONLY])
    assert (plain.verbose, plain.quiet) == (False, False)
    assert plain.workers == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("baseline", ["full-system", "full_system", FULL_SYSTEM])
def test_compare_baseline_by_name_file_stem_or_path(baseline, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(
        capsys, "compare", SALES_ONLY, FULL_SYSTEM, *SHORT, "--reps", "2", "--baseline", baseline
    )
    assert code == 0, err
    assert "sales-only - full-system" in out.splitlines()[0]


def test_compare_unknown_baseline_exits_2(tmp_path):
    process = flocksim(
        "compare",
        SALES_ONLY,
        FULL_SYSTEM,
        *SHORT,
        "--reps",
        "2",
        "--baseline",
        "nobody",
        cwd=tmp_path,
    )
    assert_usage_error(process, "--baseline 'nobody'", "sales-only", "full-system")
    assert not (tmp_path / "results").exists()


def test_compare_needs_two_scenarios(capsys):
    result = cli(capsys, "compare", SALES_ONLY, *SHORT, "--reps", "2")
    assert_usage_error_in_process(result, "two scenarios")


def test_report_on_a_compare_folder_writes_html(compared):
    process_compare, out = compared
    assert process_compare.returncode == 0, process_compare.stderr
    process = flocksim("report", str(out), cwd=out.parent)
    assert process.returncode == 0, process.stderr
    assert "Traceback" not in process.stderr
    html = out / "report.html"
    assert html.is_file()
    text = html.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    assert all(name in text for name in NAMES)
    assert "report.html" in process.stdout


def test_report_on_a_folder_without_manifest_exits_2(tmp_path, capsys):
    result = cli(capsys, "report", str(tmp_path))
    assert_usage_error_in_process(result, str(tmp_path), "manifest.json")


def test_report_with_an_unknown_baseline_exits_2(compared, capsys):
    _, out = compared
    result = cli(capsys, "report", str(out), "--baseline", "nobody")
    assert_usage_error_in_process(result, "--baseline 'nobody'", "sales-only")


# ---------------------------------------------------------------- warmup


def test_warmup_suggests_weeks_and_draws_welch_plots(tmp_path, capsys):
    out = tmp_path / "warm"
    code, stdout, err = cli(
        capsys,
        "warmup",
        SALES_ONLY,
        "--reps",
        "2",
        "--set",
        'clock.horizon="20 w"',
        "--figure",
        "sales_share_selling",
        "--figure",
        "revenue",
        "--out",
        str(out),
    )
    assert code == 0, err
    assert "sales_share_selling" in stdout
    assert "revenue" in stdout
    weeks = [int(line.split()[-1]) for line in stdout.splitlines()[2:] if line.strip()]
    assert len(weeks) == 2
    assert all(0 <= w <= 10 for w in weeks)
    assert f"clock.warmup='\"{max(weeks)} w\"'" in err
    for figure in ("sales_share_selling", "revenue"):
        assert (out / f"welch_{figure}.png").stat().st_size > 0
        assert (out / f"welch_{figure}.svg").is_file()


def test_warmup_with_an_unknown_figure_exits_2(tmp_path, capsys):
    result = cli(
        capsys,
        "warmup",
        SALES_ONLY,
        "--reps",
        "1",
        *SHORT,
        "--figure",
        "nope",
        "--out",
        str(tmp_path / "w"),
    )
    assert_usage_error_in_process(result, "--figure 'nope'", "customers_active")


# ---------------------------------------------------------------- reference


def test_reference_prints_every_section(capsys):
    code, out, _ = cli(capsys, "reference")
    assert code == 0
    assert "`sales.staff`" in out
    assert "`market.segments.N.patience`" in out


def test_reference_refreshes_a_stale_block(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# x\n<!-- reference:start -->\nSTALE\n<!-- reference:end -->\ntail\n")
    code, out, _ = cli(capsys, "reference", "--write", str(readme))
    assert code == 0
    assert "updated" in out
    text = readme.read_text()
    assert "STALE" not in text
    assert "`clock.horizon`" in text
    assert text.endswith("tail\n")
    code, out, _ = cli(capsys, "reference", "--write", str(readme))
    assert "already current" in out


def test_reference_without_a_block_exits_2(tmp_path, capsys):
    plain = tmp_path / "plain.md"
    plain.write_text("nothing here\n")
    result = cli(capsys, "reference", "--write", str(plain))
    assert_usage_error_in_process(result, "plain.md", "reference:start")


# ---------------------------------------------------------------- review findings


def test_compare_scenarios_without_complaints_does_not_crash(tmp_path, capsys):
    """A figure no replication has (no complaints: no resolution time) is left out."""
    out = tmp_path / "mmc"
    code, stdout, err = cli(
        capsys,
        "compare",
        str(ROOT / "scenarios" / "validation" / "mmc.toml"),
        str(ROOT / "scenarios" / "validation" / "mmc_patience.toml"),
        *["--set", 'clock.horizon="2 w"', "--reps", "2", "--out", str(out)],
    )
    assert code == 0, err
    assert "mean_wait_to_contact_h" in stdout
    assert "mean_complaint_resolution_h" not in stdout
    assert (out / "summary.parquet").is_file()


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (["--precision", "0.05", "--reps", "1"], "at least 2 replications"),
        (["--precision", "0.05", "--reps", "5", "--max-reps", "3"], "--max-reps 3"),
    ],
)
def test_compare_precision_options_are_checked(tmp_path, capsys, options, fragment):
    result = cli(capsys, "compare", SALES_ONLY, FULL_SYSTEM, *options, "--out", str(tmp_path))
    assert_usage_error_in_process(result, fragment)


def test_report_on_a_corrupt_manifest_exits_2(tmp_path, capsys):
    (tmp_path / "manifest.json").write_text("{not json")
    result = cli(capsys, "report", str(tmp_path))
    assert_usage_error_in_process(result, "manifest.json", "not a readable manifest")
