"""The ``flocksim`` command: run, compare, validate scenarios and write reports.

The command line owns the terminal: the library logs, this module prints. Bad
input (a scenario, an override, an option) ends with one line on stderr saying
which file, which field and what is allowed, and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from sim.experiments import (
    ExperimentError,
    baseline_name,
    comparable_figures,
    compare,
    resolve,
)
from sim.figures import MAIN_FIGURES, WARMUP_FIGURES
from sim.results import Results
from sim.runner import run as run_replications
from sim.scenario import Scenario, ScenarioError, load_scenario, parse_override

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input found by the command itself (not by the scenario validator)."""


# ---------------------------------------------------------------- formatting


def summary_table(summary: pd.DataFrame, figures: Sequence[str]) -> pd.DataFrame:
    """Mean and 95% CI of each figure per scenario (rows: figures, columns: scenarios)."""
    from sim.analysis import mean_ci
    from sim.formatting import format_interval

    table: dict[str, dict[str, str]] = {}
    for scenario, rows in summary.groupby("scenario", sort=False):
        column = {}
        for figure in figures:
            values = rows[figure].dropna()
            if values.empty:
                column[figure] = "n/a"
                continue
            interval = mean_ci(values.to_numpy())
            column[figure] = format_interval(figure, interval.mean, interval.low, interval.high)
        table[str(scenario)] = column
    frame = pd.DataFrame(table)
    frame.index.name = "figure (mean [95% CI])"
    return frame


def comparison_table(comparison: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """One row per figure: each scenario's mean [CI] and its paired difference to baseline."""
    from sim.formatting import format_interval

    rows: dict[str, dict[str, str]] = {}
    for item in comparison.itertuples(index=False):
        row = rows.setdefault(str(item.figure), {})
        row[str(item.scenario)] = format_interval(
            str(item.figure), item.mean, item.ci_low, item.ci_high
        )
        if item.scenario != baseline:
            diff = format_interval(
                str(item.figure), item.diff, item.diff_low, item.diff_high, difference=True
            )
            relative = "" if pd.isna(item.rel_change) else f" ({100 * item.rel_change:+.1f}%)"
            row[f"{item.scenario} - {baseline}"] = diff + relative
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "figure"
    return frame


def _emit(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        return frame.to_csv()
    if fmt == "json":
        return frame.to_json(orient="index", indent=2) + "\n"
    if fmt == "markdown":
        header = [frame.index.name or "", *map(str, frame.columns)]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for index, row in frame.iterrows():
            lines.append("| " + " | ".join([str(index), *map(str, row.tolist())]) + " |")
        return "\n".join(lines) + "\n"
    return frame.to_string() + "\n"


# ---------------------------------------------------------------- helpers


def _load_all(paths: Sequence[str], overrides: Sequence[str]) -> list[Scenario]:
    pairs = dict(parse_override(text) for text in overrides)
    return resolve([load_scenario(path, pairs) for path in paths])


def _out_dir(requested: str | None, kind: str) -> Path:
    if requested:
        path = Path(requested)
    else:
        path = Path("results") / f"{datetime.now():%Y%m%d-%H%M%S}-{kind}"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {path}: cannot create the folder ({exc.strerror})") from None
    return path


def _whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


_positive = _whole_number(1)
_seed = _whole_number(0)


def _precision(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 0.05, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (e.g. 0.05), got {value}")
    return value


# ---------------------------------------------------------------- commands


def cmd_validate(args: argparse.Namespace) -> int:
    """Check scenario files; report each problem on one line."""
    failed = False
    pairs = dict(parse_override(text) for text in args.set)
    for path in args.scenarios:
        try:
            scenario = load_scenario(path, pairs)
        except ScenarioError as exc:
            print(f"flocksim: error: {exc}", file=sys.stderr)
            failed = True
            continue
        print(
            f"ok: {path}: '{scenario.name}', {scenario.clock.horizon / scenario.clock.week_hours:g}"
            f" weeks, weekly cost {scenario.weekly_cost:,.0f} {scenario.money.currency}"
        )
    return EXIT_USAGE if failed else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    """Run scenarios, print mean and CI of the main figures, write the tables."""
    scenarios = _load_all(args.scenarios, args.set)
    out = _out_dir(args.out, "run")
    parts = []
    for scenario in scenarios:
        parts.append(run_replications(scenario, args.reps, seed=args.seed, workers=args.workers))
    results = Results.combine(parts)
    results.save(out)
    sys.stdout.write(_emit(summary_table(results.summary, MAIN_FIGURES), args.format))
    print(
        f"\n{args.reps} replications, seed {args.seed}; tables written to {out}/", file=sys.stderr
    )
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    """Run scenarios on the same seeds and print paired differences to the baseline."""
    scenarios = _load_all(args.scenarios, args.set)
    if len(scenarios) < 2:
        raise UsageError("compare needs at least two scenarios")
    if args.precision is not None and args.reps < 2:
        raise UsageError("--precision needs a first batch of at least 2 replications (--reps)")
    if args.precision is not None and args.max_reps < args.reps:
        raise UsageError(f"--max-reps {args.max_reps} is below --reps {args.reps}")
    try:
        baseline = baseline_name(args.baseline, scenarios)
    except ExperimentError as exc:
        raise UsageError(f"--{exc}") from None
    out = _out_dir(args.out, "compare")
    comparison = compare(
        scenarios,
        args.reps,
        precision=args.precision,
        max_replications=args.max_reps,
        seed=args.seed,
        workers=args.workers,
        baseline=baseline,
    )
    comparison.results.save(out)  # the runs are kept whatever happens next
    comparison.table.to_parquet(out / "comparison.parquet", index=False)
    comparison.table.to_csv(out / "comparison.csv", index=False)
    sys.stdout.write(_emit(comparison_table(comparison.table, comparison.baseline), args.format))
    note = comparison.stop_note(cap="--max-reps")
    print(f"\n{note}; seed {args.seed}; paired on common random numbers.", file=sys.stderr)
    print(f"tables written to {out}/", file=sys.stderr)
    if args.report:
        html, markdown = _write_report(out, comparison.results, comparison.table)
        print(f"charts in {out / 'charts'}/; report: {html} (and {markdown.name})", file=sys.stderr)
    return EXIT_OK


def _write_report(out: Path, results: Results, comparison: pd.DataFrame) -> tuple[Path, Path]:
    from sim.report import write_report

    scenarios = {
        name: entry.get("settings", {})
        for name, entry in results.manifest.get("scenarios", {}).items()
    }
    return write_report(
        out,
        summary=results.summary,
        weekly=results.weekly,
        leads=results.leads,
        comparison=comparison,
        scenarios=scenarios,
        manifest=results.manifest,
    )


def cmd_warmup(args: argparse.Namespace) -> int:
    """Suggest a warm-up (MSER-5) and draw Welch's plot for each figure."""
    from sim import charts
    from sim.analysis import warmup

    args.figure = args.figure or list(WARMUP_FIGURES)
    scenarios = _load_all(args.scenarios, args.set)
    out = _out_dir(args.out, "warmup")
    weekly = pd.concat(
        [
            run_replications(
                scenario, args.reps, seed=args.seed, workers=args.workers, keep=("weekly",)
            ).weekly
            for scenario in scenarios
        ],
        ignore_index=True,
    )
    unknown = [figure for figure in args.figure if figure not in weekly.columns]
    if unknown:
        allowed = [c for c in weekly.columns if c not in ("scenario", "replication", "week")]
        raise UsageError(f"--figure {unknown[0]!r} is not a weekly column; allowed: {allowed}")
    rows = []
    for figure in args.figure:
        weeks = warmup.warmup_weeks(weekly, figure)
        smoothed = pd.concat(
            [
                warmup.welch_moving_average(weekly, figure, args.window, scenario=s.name).assign(
                    scenario=s.name
                )
                for s in scenarios
            ],
            ignore_index=True,
        )
        charts.save_figure(charts.welch_plot(smoothed, figure, weeks), out, f"welch_{figure}")
        rows.append({"figure": figure, "MSER-5 warm-up (weeks)": weeks})
    table = pd.DataFrame(rows).set_index("figure")
    sys.stdout.write(_emit(table, args.format))
    longest = int(table.iloc[:, 0].max())
    print(
        f"\nsuggested: --set clock.warmup='\"{longest} w\"' (the longest of the figures); "
        f"Welch plots in {out}/",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_reference(args: argparse.Namespace) -> int:
    """Print the scenario key reference, or refresh it in a file."""
    from sim.reference import START, reference, refresh

    if args.write is None:
        sys.stdout.write(reference() + "\n")
        return EXIT_OK
    path = Path(args.write)
    if not path.is_file() or START not in path.read_text(encoding="utf-8"):
        raise UsageError(f"--write {path}: no file with a '{START}' block to refresh")
    changed = refresh(path)
    print(f"{path}: reference {'updated' if changed else 'already current'}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML and Markdown report of a folder written by run or compare."""
    from sim.analysis import compare_to_baseline

    directory = Path(args.directory)
    try:
        results = Results.load(directory)
    except (FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    names = results.scenarios
    baseline = args.baseline or (names[0] if names else None)
    if baseline not in names:
        raise UsageError(f"--baseline {baseline!r} is not one of: {', '.join(names)}")
    comparison_path = directory / "comparison.parquet"
    if comparison_path.is_file() and args.baseline is None:
        comparison = pd.read_parquet(comparison_path)
    else:
        comparison = compare_to_baseline(
            results.summary, comparable_figures(results.summary), baseline
        )
    html, markdown = _write_report(directory, results, comparison)
    print(f"report: {html} (and {markdown.name})")
    return EXIT_OK


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser (also used to document the commands)."""
    parser = argparse.ArgumentParser(
        prog="flocksim",
        description="Simulate a firm as marketing, sales and service; compare organisations.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def scenario_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario TOML file")
        command.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="override a setting by dotted path, e.g. sales.staff=6 or "
            "market.segments.0.size=2000 (repeatable; applies to every scenario)",
        )

    def run_options(command: argparse.ArgumentParser, reps: int) -> None:
        command.add_argument(
            "--reps", type=_positive, default=reps, help=f"replications (default {reps})"
        )
        command.add_argument("--seed", type=_seed, default=0, help="base seed (default 0)")
        command.add_argument(
            "--workers", type=_positive, default=1, help="processes to use (default 1)"
        )
        command.add_argument(
            "--out", metavar="DIR", help="where to write tables (default results/<time>-<cmd>/)"
        )
        command.add_argument(
            "--format",
            choices=("table", "csv", "json", "markdown"),
            default="table",
            help="how to print the table (default table)",
        )

    validate = commands.add_parser("validate", help="check scenario files")
    scenario_options(validate)
    validate.set_defaults(handler=cmd_validate)

    run = commands.add_parser("run", help="run scenarios and summarise their replications")
    scenario_options(run)
    run_options(run, reps=30)
    run.set_defaults(handler=cmd_run)

    compare = commands.add_parser(
        "compare", help="run scenarios on the same seeds; paired differences to a baseline"
    )
    scenario_options(compare)
    run_options(compare, reps=20)
    compare.add_argument(
        "--precision",
        type=_precision,
        help="add replications until the revenue difference's CI half-width is within this "
        "share of the mean difference (e.g. 0.05); --reps is then the first batch",
    )
    compare.add_argument(
        "--max-reps", type=_positive, default=200, help="cap for --precision (default 200)"
    )
    compare.add_argument(
        "--baseline", help="scenario (name or file) the others are compared to (default: first)"
    )
    compare.add_argument(
        "--report", action="store_true", help="also write charts and an HTML/Markdown report"
    )
    compare.set_defaults(handler=cmd_compare)

    reference = commands.add_parser(
        "reference", help="print the scenario key reference (Markdown), or refresh a README"
    )
    reference.add_argument(
        "--write", metavar="FILE", help="refresh the reference block in FILE (e.g. README.md)"
    )
    reference.set_defaults(handler=cmd_reference)

    warmup = commands.add_parser(
        "warmup", help="suggest weeks to discard (MSER-5) and draw Welch's plot"
    )
    scenario_options(warmup)
    run_options(warmup, reps=10)
    warmup.add_argument(
        "--figure",
        action="append",
        help=f"weekly column to examine (repeatable; default {', '.join(WARMUP_FIGURES)})",
    )
    warmup.add_argument(
        "--window", type=_positive, default=5, help="Welch moving-average half-width in weeks"
    )
    warmup.set_defaults(handler=cmd_warmup)

    report = commands.add_parser("report", help="write the report of a results folder")
    report.add_argument("directory", metavar="DIR", help="folder written by run or compare")
    report.add_argument("--baseline", help="scenario the others are compared to")
    report.set_defaults(handler=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``flocksim`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.handler(args))
    except (ScenarioError, UsageError, ExperimentError) as exc:
        print(f"flocksim: error: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("flocksim: interrupted", file=sys.stderr)
        return 130
    return EXIT_USAGE


__all__ = ["build_parser", "main"]
