"""The command-line parser and the entry point of ``flocksim`` (and ``python -m sim``)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

from sim.cli.app import add_app_command
from sim.cli.commands import (
    cmd_compare,
    cmd_reference,
    cmd_report,
    cmd_run,
    cmd_validate,
    cmd_warmup,
)
from sim.cli.common import (
    EXIT_USAGE,
    UsageError,
    available_cores,
    positive,
    precision_option,
    seed_option,
)
from sim.cli.explain import add_explain_commands
from sim.cli.saving import say
from sim.cli.sweep import add_sweep_commands
from sim.experiments import (
    ExperimentError,
)
from sim.figures import WARMUP_FIGURES
from sim.i18n import LANGUAGES
from sim.interrupts import RunInterrupted
from sim.scenario import ScenarioError

# ---------------------------------------------------------------- parser


def add_verbosity(parser: argparse.ArgumentParser, default: object) -> None:
    """``-v`` (log progress) and ``-q`` (errors only, no progress bar)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-v", "--verbose", action="store_true", default=default, help="log progress to stderr"
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default,
        help="print only results and errors (no progress, no log)",
    )


class _Commands:
    """The subcommands, each given the verbosity options too."""

    def __init__(self, action: Any, verbosity: argparse.ArgumentParser) -> None:
        self.action = action
        self.verbosity = verbosity

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = self.action.add_parser(
            name, parents=[self.verbosity], **kwargs
        )
        return parser


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser (also used to document the commands)."""
    parser = argparse.ArgumentParser(
        prog="flocksim",
        description="Simulate a firm as marketing, sales and service; compare organisations.",
    )
    add_verbosity(parser, default=False)
    # the same options after the command (`flocksim run -v ...`); SUPPRESS keeps a
    # command that does not repeat them from resetting what was given before it
    verbosity = argparse.ArgumentParser(add_help=False)
    add_verbosity(verbosity, default=argparse.SUPPRESS)
    commands = _Commands(
        parser.add_subparsers(dest="command", required=True, metavar="COMMAND"), verbosity
    )

    def scenario_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario TOML file")
        command.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="[NAME:]KEY=VALUE",
            help="override a setting by dotted path, e.g. sales.staff=6 or "
            "market.segments.0.size=2000 (list items by index or name: "
            "marketing.channels.search.cost_per_lead=900); repeatable; applies to every "
            "scenario, or with NAME: to the one scenario of that name or file",
        )

    def run_options(command: argparse.ArgumentParser, reps: int) -> None:
        command.add_argument(
            "--reps", type=positive, default=reps, help=f"replications (default {reps})"
        )
        command.add_argument("--seed", type=seed_option, default=0, help="base seed (default 0)")
        command.add_argument(
            "--workers",
            type=positive,
            default=available_cores(),
            help=f"processes to use (default: all cores, {available_cores()})",
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
        lang_option(command)

    def lang_option(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--lang",
            choices=LANGUAGES,
            default="en",
            help="language of the printed table's headings, the charts and the report "
            "(default en; zh: simplified Chinese)",
        )

    validate = commands.add_parser("validate", help="check scenario files")
    scenario_options(validate)
    validate.set_defaults(handler=cmd_validate)

    def force_option(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--force",
            action="store_true",
            help="replace the results already in --out (never a folder without manifest.json)",
        )

    run = commands.add_parser("run", help="run scenarios and summarise their replications")
    scenario_options(run)
    run_options(run, reps=30)
    force_option(run)
    run.set_defaults(handler=cmd_run)

    compare = commands.add_parser(
        "compare", help="run scenarios on the same seeds; paired differences to a baseline"
    )
    scenario_options(compare)
    run_options(compare, reps=20)
    force_option(compare)
    compare.add_argument(
        "--precision",
        type=precision_option,
        help="add replications until the revenue difference's CI half-width is within this "
        "share of the mean difference (e.g. 0.05); --reps is then the first batch",
    )
    compare.add_argument(
        "--max-reps", type=positive, default=200, help="cap for --precision (default 200)"
    )
    compare.add_argument(
        "--baseline", help="scenario (name or file) the others are compared to (default: first)"
    )
    compare.add_argument(
        "--report", action="store_true", help="also write charts and an HTML/Markdown report"
    )
    compare.add_argument(
        "--explain",
        action="store_true",
        help="also split the difference over groups of settings (flocksim explain, two "
        "scenarios only) into OUT/explain; the report shows its waterfall",
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
        "--window", type=positive, default=5, help="Welch moving-average half-width in weeks"
    )
    warmup.set_defaults(handler=cmd_warmup)

    report = commands.add_parser("report", help="write the report of a results folder")
    report.add_argument("directory", metavar="DIR", help="folder written by run or compare")
    report.add_argument("--baseline", help="scenario the others are compared to")
    lang_option(report)
    report.set_defaults(handler=cmd_report)

    add_sweep_commands(commands)
    add_explain_commands(commands)
    add_app_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``flocksim`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    level = logging.ERROR if args.quiet else logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(
        level=level,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.handler(args))
    except (ScenarioError, UsageError, ExperimentError) as exc:
        print(f"flocksim: error: {exc}", file=sys.stderr)
    except RunInterrupted as exc:  # outside the commands' own handling, e.g. while printing
        say(f"interrupted by {exc.signal_name}")
        return exc.exit_code
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    return EXIT_USAGE


__all__ = ["build_parser", "main"]
