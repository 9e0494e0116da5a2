"""``flocksim explain``: where a difference comes from.

``explain A B`` prints each group's contribution to the paired difference B - A
with its 95% CI and writes the tables, the waterfall charts (PNG and SVG) and
``explain.json`` to ``--out``. :func:`report_extras` gives the report its
sections on the explanation and on the assumptions register (``compare
--report``, ``report``); ``flocksim assumptions`` is in ``sim.cli.assumptions``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from sim.cli.assumptions import add_assumptions_command
from sim.cli.common import EXIT_OK, UsageError, available_cores, positive, seed_option
from sim.cli.output import NUMERIC_FORMATS, emit_numbers
from sim.i18n import LANGUAGES

log = logging.getLogger(__name__)

#: The folder inside a comparison's results that holds its explanation.
EXPLAIN_FOLDER = "explain"


def add_explain_commands(commands: Any) -> None:
    """Register ``explain`` and ``assumptions`` on the parser's subcommands."""
    from sim.explain import DEFAULT_ORDERS, DEFAULT_REPLICATIONS

    explain = commands.add_parser(
        "explain", help="where a difference comes from: B - A split over groups of settings"
    )
    explain.add_argument("a", metavar="A", help="scenario file the difference starts from")
    explain.add_argument("b", metavar="B", help="scenario file it goes to (B - A)")
    explain.add_argument(
        "--figure",
        action="append",
        help="summary figure to explain (repeatable; default profit)",
    )
    explain.add_argument(
        "--reps",
        type=positive,
        default=DEFAULT_REPLICATIONS,
        help=f"replications of every distinct run (default {DEFAULT_REPLICATIONS})",
    )
    explain.add_argument("--seed", type=seed_option, default=0, help="base seed (default 0)")
    explain.add_argument(
        "--workers",
        type=positive,
        default=available_cores(),
        help=f"processes to use (default: all cores, {available_cores()})",
    )
    explain.add_argument(
        "--groups",
        default="auto",
        metavar="auto|FILE",
        help="how settings are grouped: auto (the mechanisms of MODEL.md) or a group file",
    )
    explain.add_argument(
        "--orders",
        type=positive,
        default=DEFAULT_ORDERS,
        help=f"orders sampled per replication above 8 groups (default {DEFAULT_ORDERS})",
    )
    explain.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="[NAME:]KEY=VALUE",
        help="override a setting by dotted path, in both scenarios or (NAME:) in one",
    )
    explain.add_argument("--out", metavar="DIR", help="folder (default results/<time>-explain/)")
    explain.add_argument(
        "--format",
        choices=("table", "csv", "json", "markdown"),
        default="table",
        help="how to print the table (csv and json print numbers)",
    )
    explain.add_argument("--lang", choices=LANGUAGES, default="en", help="language (en or zh)")
    explain.set_defaults(handler=cmd_explain)
    add_assumptions_command(commands)


class _Progress:
    """A tqdm bar on a terminal; nothing elsewhere (the log says when it is done)."""

    def __init__(self, quiet: bool) -> None:
        self.bar: Any = None
        self.enabled = not quiet and sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="run", desc="explain", dynamic_ncols=True)
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def run_explain(
    scenarios: list[Any],
    *,
    figures: list[str],
    reps: int,
    seed: int,
    workers: int,
    groups: str,
    orders: int,
    quiet: bool,
) -> Any:
    """``sim.explain`` with a progress bar; bad input as a usage error."""
    from sim.explain import ExplainError, explain

    if groups != "auto" and not Path(groups).is_file():
        raise UsageError(f"--groups {groups}: no such file (give 'auto' or a group file)")
    progress = _Progress(quiet)
    try:
        return explain(
            scenarios[0],
            scenarios[1],
            figures,
            reps,
            seed=seed,
            workers=workers,
            groups=groups,
            orders=orders,
            progress=progress,
        )
    except ExplainError as exc:
        raise UsageError(str(exc)) from None
    finally:
        progress.close()


def save_explain(explanation: Any, out: Path, lang: str, currency: str | None) -> None:
    """The explanation's folder, with its waterfall charts."""
    from sim.charts import save_figure
    from sim.explain import ExplainError
    from sim.explain.report import waterfalls
    from sim.explain.store import save_explanation

    try:
        save_explanation(explanation, out)
    except ExplainError as exc:
        raise UsageError(f"--out {exc}") from None
    for name, chart in waterfalls(explanation, lang, currency).items():
        save_figure(chart, out / "charts", name)


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return a == b


def cmd_explain(args: argparse.Namespace) -> int:
    """Split B - A over groups of settings; print the table, write the folder."""
    from datetime import datetime

    from sim.cli.overrides import load_with_overrides, provenance
    from sim.explain.report import explain_table
    from sim.scenario.settings import difference_units
    from sim.story import currency_of

    if _same_file(args.a, args.b):
        raise UsageError(f"{args.a} is given twice; explain needs two scenarios that differ")
    scenarios, applied = load_with_overrides([args.a, args.b], args.set)
    if not difference_units(*scenarios):
        raise UsageError(
            f"{args.a} and {args.b} have the same settings: there is no difference to explain"
        )
    if args.out is not None and not args.out.strip():
        raise UsageError("--out '': an empty path names no folder")
    out = Path(args.out or Path("results") / f"{datetime.now():%Y%m%d-%H%M%S}-explain")
    if out.exists():
        raise UsageError(f"--out {out}: already exists; choose a new folder")
    explanation = run_explain(
        scenarios,
        figures=args.figure or ["profit"],
        reps=args.reps,
        seed=args.seed,
        workers=args.workers,
        groups=args.groups,
        orders=args.orders,
        quiet=args.quiet,
    )
    explanation.manifest.update(provenance(args, applied))
    currency = currency_of(scenarios)
    save_explain(explanation, out, args.lang, currency)
    if args.format in NUMERIC_FORMATS:
        sys.stdout.write(emit_numbers(explanation.contributions, args.format))
    else:
        table = explain_table(explanation, args.lang, currency)
        if args.format == "markdown":
            header = "| " + " | ".join(table.columns) + " |"
            lines = [header, "|" + "---|" * len(table.columns)]
            lines += ["| " + " | ".join(map(str, row)) + " |" for row in table.to_numpy()]
            sys.stdout.write("\n".join(lines) + "\n")
        else:
            sys.stdout.write(table.to_string(index=False) + "\n")
    manifest = explanation.manifest
    print(
        f"\n{len(explanation.groups)} groups, {manifest['coalitions']} subsets "
        f"({manifest['method']}), {manifest['distinct_runs']} distinct runs x "
        f"{manifest['replications']} replications, seed {manifest['seed']}, "
        f"{manifest['seconds']:g} s; written to {out}/",
        file=sys.stderr,
    )
    return EXIT_OK


def report_extras(
    out: Path, sources: list[str], names: list[str], lang: str, currency: str | None
) -> tuple[list[Any], dict[str, Any]]:
    """The report's sections on where the difference comes from (if ``out/explain``
    holds an explanation) and on the assumptions (if a register names the scenarios)."""
    from sim.assumptions import register_section
    from sim.cli.assumptions import find_register
    from sim.explain import ExplainError
    from sim.explain.report import explain_section
    from sim.explain.store import load_explanation

    sections, charts = [], {}
    folder = out / EXPLAIN_FOLDER
    if folder.is_dir():
        try:
            explanation = load_explanation(folder)
        except ExplainError as exc:
            log.warning("explanation not shown: %s", exc)
        else:
            section, chart = explain_section(explanation, lang=lang, currency=currency)
            sections.append(section)
            charts.update(chart)
    register = find_register(sources, names)
    if register is not None:
        sections.append(register_section(register, lang))
    return sections, charts


__all__ = ["EXPLAIN_FOLDER", "add_explain_commands", "report_extras", "run_explain"]
