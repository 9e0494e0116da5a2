"""The commands: each takes the parsed arguments, prints, and returns an exit code."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from sim.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    out_dir,
)
from sim.cli.output import emit, render_comparison, render_summary
from sim.cli.overrides import load_one, load_with_overrides, parse_overrides, provenance
from sim.cli.saving import after_save, keep_partial, reserve, results_folder, save_results, say
from sim.experiments import (
    ExperimentError,
    baseline_name,
    comparable_figures,
    compare,
)
from sim.figures import MAIN_FIGURES, WARMUP_FIGURES
from sim.interrupts import RunInterrupted, interruptible
from sim.results import Results, ResultsError
from sim.runner import run as run_replications
from sim.scenario import Scenario, ScenarioError

# ---------------------------------------------------------------- commands


def cmd_validate(args: argparse.Namespace) -> int:
    """Check scenario files; report each problem on one line."""
    failed = False
    overrides = parse_overrides(args.set)
    for path in args.scenarios:
        try:
            scenario, _ = load_one(path, overrides)
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
    scenarios, applied = load_with_overrides(args.scenarios, args.set)
    out = results_folder(args.out, "run", args.force)
    parts: list[Results] = []
    with ExitStack() as stack:
        reserve(stack, out)
        guard = stack.enter_context(interruptible())
        try:
            for scenario in scenarios:
                parts.append(
                    run_replications(scenario, args.reps, seed=args.seed, workers=args.workers)
                )
        except RunInterrupted as exc:
            names = [scenario.name for scenario in scenarios]
            return keep_partial(
                exc,
                [*parts, exc.results],
                out,
                force=args.force,
                requested=args.reps,
                names=names,
                guard=guard,
            )
        results = Results.combine(parts)
        results = replace(results, manifest={**results.manifest, **provenance(args, applied)})
        failed = save_results(results, out, args.force, guard)
    readable = _readable(args, scenarios)
    sys.stdout.write(render_summary(results.summary, MAIN_FIGURES, args.format, **readable))
    if failed is not None:
        return failed
    print(
        f"\n{args.reps} replications, seed {args.seed}; tables written to {out}/", file=sys.stderr
    )
    return after_save(guard) or EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    """Run scenarios on the same seeds and print paired differences to the baseline."""
    scenarios, applied = load_with_overrides(args.scenarios, args.set)
    if len(scenarios) < 2:
        raise UsageError("compare needs at least two scenarios")
    if args.precision is not None and args.reps < 2:
        raise UsageError("--precision needs a first batch of at least 2 replications (--reps)")
    if args.precision is not None and args.max_reps < args.reps:
        raise UsageError(f"--max-reps {args.max_reps} is below --reps {args.reps}")
    if args.explain and len(scenarios) != 2:
        raise UsageError("--explain needs exactly two scenarios (the baseline and one other)")
    try:
        baseline = baseline_name(args.baseline, scenarios)
    except ExperimentError as exc:
        raise UsageError(f"--{exc}") from None
    out = results_folder(args.out, "compare", args.force)
    with ExitStack() as stack:
        reserve(stack, out)
        guard = stack.enter_context(interruptible())
        try:
            comparison = compare(
                scenarios,
                args.reps,
                precision=args.precision,
                max_replications=args.max_reps,
                seed=args.seed,
                workers=args.workers,
                baseline=baseline,
            )
        except RunInterrupted as exc:
            return keep_partial(
                exc,
                [exc.results],
                out,
                force=args.force,
                requested=args.max_reps if args.precision is not None else args.reps,
                names=[scenario.name for scenario in scenarios],
                guard=guard,
            )
        # the comparison is one of the saved tables, so the folder never mixes runs
        results = comparison.results
        results = replace(results, manifest={**results.manifest, **provenance(args, applied)})
        failed = save_results(results, out, args.force, guard)
    readable = _readable(args, scenarios)
    table = render_comparison(comparison.table, comparison.baseline, args.format, **readable)
    sys.stdout.write(table)
    note = comparison.stop_note(cap="--max-reps")
    print(f"\n{note}; seed {args.seed}; paired on common random numbers.", file=sys.stderr)
    if failed is not None:
        return failed
    print(f"tables written to {out}/", file=sys.stderr)
    stopped = after_save(guard)
    if stopped is not None:
        return stopped
    if args.explain:
        _explain_into(out, args, scenarios, baseline)
    if args.report:
        try:
            html, markdown = _write_report(out, results, comparison.table, args.lang)
        except OSError as exc:
            say(f"error: report not written: {out}: {exc.strerror or exc}")
            return EXIT_FAILED
        print(f"charts in {out / 'charts'}/; report: {html} (and {markdown.name})", file=sys.stderr)
    return EXIT_OK


def _explain_into(
    out: Path, args: argparse.Namespace, scenarios: list[Scenario], baseline: str
) -> None:
    """``flocksim explain`` of the baseline and the other scenario, into ``out/explain``."""
    from sim.cli.explain import EXPLAIN_FOLDER, run_explain, save_explain
    from sim.explain import DEFAULT_ORDERS, DEFAULT_REPLICATIONS
    from sim.story import currency_of

    pair = sorted(scenarios, key=lambda scenario: scenario.name != baseline)
    explanation = run_explain(
        pair,
        figures=["profit"],
        reps=DEFAULT_REPLICATIONS,
        seed=args.seed,
        workers=args.workers,
        groups="auto",
        orders=DEFAULT_ORDERS,
        quiet=args.quiet,
    )
    save_explain(explanation, out / EXPLAIN_FOLDER, args.lang, currency_of(scenarios))
    print(f"where the difference comes from: {out / EXPLAIN_FOLDER}/", file=sys.stderr)


def _readable(args: argparse.Namespace, scenarios: list[Scenario]) -> dict[str, Any]:
    """Language and currency of the printed table.

    In English the rows keep the figures' names (``revenue``: what the tables' columns
    and ``--figure`` call them); in Chinese the terminal table names them in words.
    """
    from sim.story import currency_of

    return {
        "lang": args.lang,
        "currency": currency_of(scenarios),
        "readable": args.format == "table" and args.lang != "en",
    }


def _write_report(
    out: Path, results: Results, comparison: pd.DataFrame, lang: str = "en"
) -> tuple[Path, Path]:
    from sim.cli.explain import report_extras
    from sim.report import write_report
    from sim.story import currency_of, scenarios_from_manifest

    entries = results.manifest.get("scenarios", {})
    scenarios = {name: entry.get("settings", {}) for name, entry in entries.items()}
    extra, charts = report_extras(
        out,
        [str(entry.get("source", "")) for entry in entries.values()],
        list(entries),
        lang,
        currency_of(scenarios_from_manifest(results.manifest)),
    )
    return write_report(
        out,
        summary=results.summary,
        weekly=results.weekly,
        leads=results.leads,
        comparison=comparison,
        scenarios=scenarios,
        manifest=results.manifest,
        lang=lang,
        extra=extra,
        extra_charts=charts,
    )


def cmd_warmup(args: argparse.Namespace) -> int:
    """Suggest a warm-up (MSER-5) and draw Welch's plot for each figure."""
    from sim import charts
    from sim.analysis import warmup
    from sim.story import currency_of

    args.figure = args.figure or list(WARMUP_FIGURES)
    scenarios, _ = load_with_overrides(args.scenarios, args.set)
    out = out_dir(args.out, "warmup")
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
        plot = charts.welch_plot(
            smoothed, figure, weeks, lang=args.lang, currency=currency_of(scenarios)
        )
        charts.save_figure(plot, out, f"welch_{figure}")
        rows.append({"figure": figure, "MSER-5 warm-up (weeks)": weeks})
    table = pd.DataFrame(rows).set_index("figure")
    sys.stdout.write(emit(table, args.format))
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
    """Write the HTML and Markdown report of a folder written by run or compare.

    The folder is verified against its manifest first; a comparison saved by
    ``compare`` is used as it is, unless another ``--baseline`` is asked for.
    """
    from sim.analysis import baseline_of, compare_to_baseline

    directory = Path(args.directory)
    try:
        results = Results.load(directory)
    except ResultsError as exc:
        raise UsageError(str(exc)) from None
    if results.partial:
        done = results.manifest.get("replications_done", {})
        counts = ", ".join(f"{name} {count}" for name, count in done.items())
        say(
            f"note: {directory} holds a partial run (interrupted by "
            f"{results.manifest.get('interrupted_by', 'a signal')}; replications finished: "
            f"{counts})"
        )
    names = results.scenarios
    baseline = args.baseline or (names[0] if names else None)
    if baseline not in names:
        raise UsageError(f"--baseline {baseline!r} is not one of: {', '.join(names)}")
    comparison = results.comparison
    if comparison.empty or baseline_of(comparison) != baseline:
        try:
            comparison = compare_to_baseline(
                results.summary, comparable_figures(results.summary), baseline
            )
        except ValueError as exc:
            raise UsageError(f"{directory}: cannot compare the scenarios ({exc})") from None
    try:
        html, markdown = _write_report(directory, results, comparison, args.lang)
    except OSError as exc:
        say(f"error: report not written: {directory}: {exc.strerror or exc}")
        return EXIT_FAILED
    print(f"report: {html} (and {markdown.name})")
    return EXIT_OK
