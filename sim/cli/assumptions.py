"""``flocksim assumptions``: the register of the headline pair, and the sweep over it.

``assumptions`` prints the register, checked against its scenario files (one
out of date is refused), writes the sweep files generated from it
(``--write-sweeps``) and summarises a finished sweep over its ranges
(``--sweep-summary``: the share of the plausible region each firm wins, the
assumptions ranked). :func:`find_register` finds the register that names the
scenarios of a report.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from sim.cli.common import EXIT_OK, UsageError
from sim.cli.output import NUMERIC_FORMATS, emit_numbers, text_columns
from sim.i18n import LANGUAGES

log = logging.getLogger(__name__)


def add_assumptions_command(commands: Any) -> None:
    """Register ``assumptions`` on the parser's subcommands."""
    assumptions = commands.add_parser(
        "assumptions", help="print the assumptions register, checked against its scenarios"
    )
    assumptions.add_argument(
        "file", nargs="?", metavar="FILE", help="the register (default scenarios/assumptions.toml)"
    )
    assumptions.add_argument(
        "--format",
        choices=("table", "csv", "json", "markdown"),
        default="table",
        help="how to print it (csv and json: one record per setting)",
    )
    assumptions.add_argument("--lang", choices=LANGUAGES, default="en", help="language")
    assumptions.add_argument(
        "--sweep-summary",
        metavar="DIR",
        help="summarise a sweep over the register's ranges (flocksim sweep "
        "scenarios/sweeps/assumptions.toml --out DIR): share of the variants each firm wins, "
        "the assumptions ranked by their effect on the profit difference",
    )
    assumptions.add_argument(
        "--write-sweeps",
        metavar="DIR",
        help="write the sweep files generated from the register into DIR (scenarios/sweeps)",
    )
    assumptions.set_defaults(handler=cmd_assumptions)


def cmd_assumptions(args: argparse.Namespace) -> int:
    """Print the register; a register out of date with its scenarios is an error."""
    from sim.assumptions import (
        DEFAULT_REGISTER,
        RegisterError,
        check_register,
        display_rows,
        load_register,
        register_frame,
        shipped_sweeps,
    )

    path = Path(args.file) if args.file else DEFAULT_REGISTER
    try:
        register = load_register(path)
    except RegisterError as exc:
        raise UsageError(str(exc)) from None
    problems = check_register(register)
    if problems:
        field, problem = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UsageError(f"{path}: {field}: {problem}{more}; the register is out of date")
    if args.sweep_summary:
        return _sweep_summary(args, register)
    if args.write_sweeps:
        folder = Path(args.write_sweeps)
        if not folder.is_dir():
            raise UsageError(f"--write-sweeps {folder}: no such folder")
        for name, content in shipped_sweeps(register, folder).items():
            (folder / name).write_text(content, encoding="utf-8")
            print(f"wrote {folder / name}", file=sys.stderr)
        return EXIT_OK
    if args.format in NUMERIC_FORMATS:
        sys.stdout.write(emit_numbers(register_frame(register), args.format))
        return EXIT_OK
    headers, rows = display_rows(register, args.lang)
    if args.format == "markdown":
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        sys.stdout.write("\n".join(lines) + "\n")
    else:
        sys.stdout.write(text_columns(headers, rows))
    return EXIT_OK


def _sweep_summary(args: argparse.Namespace, register: Any) -> int:
    """The headline under uncertainty, from a sweep's folder."""
    import json

    from sim.assumptions.uncertainty import summarise_sweep
    from sim.figures import scenario_label
    from sim.formatting import format_percent
    from sim.i18n import text
    from sim.sweeps import SweepFolderError

    try:
        summary = summarise_sweep(args.sweep_summary, register)
    except (SweepFolderError, FileNotFoundError, KeyError, ValueError) as exc:
        raise UsageError(f"--sweep-summary {args.sweep_summary}: {exc}") from None
    if args.format == "json":
        record = {
            "scenario": summary.scenario,
            "baseline": summary.baseline,
            "figure": summary.figure,
            "method": summary.method,
            "variants": summary.variants,
            "wins": summary.wins,
            "share": summary.share,
            "share_low": summary.share_low,
            "share_high": summary.share_high,
            "note": summary.note,
            "factors": json.loads(emit_numbers(summary.factors, "json")),
        }
        sys.stdout.write(json.dumps(record, indent=2) + "\n")
        return EXIT_OK
    if args.format == "csv":
        sys.stdout.write(emit_numbers(summary.factors, "csv"))
        return EXIT_OK
    print(
        text(
            "assumptions.sweep_share",
            args.lang,
            scenario=scenario_label(summary.scenario, args.lang),
            baseline=scenario_label(summary.baseline, args.lang),
            wins=summary.wins,
            variants=summary.variants,
            share=format_percent(summary.share, lang=args.lang),
            low=format_percent(summary.share_low, lang=args.lang),
            high=format_percent(summary.share_high, lang=args.lang),
        )
    )
    if summary.note:
        print(summary.note)
    shown = summary.factors.drop(columns=["source"], errors="ignore")
    for column in ("wins_low", "wins_high"):
        shown[column] = [format_percent(value, lang=args.lang) for value in shown[column]]
    for column in shown.columns:
        if shown[column].dtype.kind == "f":
            shown[column] = shown[column].map(lambda value: f"{value:.3g}")
    headers = [str(column) for column in shown.columns]
    rows = [[str(cell) for cell in row] for row in shown.itertuples(index=False)]
    sys.stdout.write(text_columns(headers, rows, width=48))
    print(
        "wins_low, wins_high: share of the variants won with the setting in the lowest and "
        "highest quarter of its range; diff_low, diff_high: the mean difference there; "
        "sources: --format csv"
    )
    return EXIT_OK


def find_register(sources: list[str], names: list[str]) -> Any:
    """The register beside the compared scenario files (their folder or the one above)
    that names at least one of the compared scenarios, or None."""
    from sim.assumptions import RegisterError, check_register, load_register

    seen: set[Path] = set()
    for source in sources:
        folder = Path(source).parent
        for candidate in (folder / "assumptions.toml", folder.parent / "assumptions.toml"):
            if candidate in seen or not candidate.is_file():
                continue
            seen.add(candidate)
            try:
                register = load_register(candidate)
            except RegisterError as exc:
                log.warning("assumptions register not shown: %s", exc)
                continue
            if set(register.names) & set(names):
                problems = check_register(register)
                if problems:
                    log.warning("%s is out of date: %s: %s", candidate, *problems[0])
                return register
    return None


__all__ = ["add_assumptions_command", "find_register"]
