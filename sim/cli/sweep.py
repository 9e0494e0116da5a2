"""``flocksim sweep`` and ``flocksim sweep-report``: run a sweep file, report on its folder.

A sweep shows a progress bar with an ETA on a terminal (tqdm), and one line per
batch written when its output goes elsewhere (a log file, CI). Interrupted
(Ctrl-C, or killed), it keeps every batch already written; ``--resume`` with the
same ``--out`` continues it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from sim.cli.common import EXIT_FAILED, EXIT_OK, UsageError, available_cores, positive


def add_sweep_commands(commands: Any) -> None:
    """Register ``sweep`` and ``sweep-report`` on the parser's subcommands."""
    sweep = commands.add_parser(
        "sweep", help="run a sweep file: many variants of paired scenarios, crash-safe"
    )
    sweep.add_argument("file", metavar="FILE", help="sweep file (scenarios/sweeps/*.toml)")
    sweep.add_argument(
        "--workers",
        type=positive,
        default=available_cores(),
        help=f"processes (local) or local-cluster workers (dask); default all cores, "
        f"{available_cores()}",
    )
    sweep.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="local processes (default) or Dask",
    )
    sweep.add_argument(
        "--address",
        metavar="tcp://HOST:PORT",
        help="a running Dask scheduler (with --executor dask; without it a local cluster)",
    )
    sweep.add_argument(
        "--out", metavar="DIR", help="the sweep's folder (default results/<time>-sweep/)"
    )
    sweep.add_argument(
        "--resume",
        action="store_true",
        help="continue the sweep in --out DIR: run only the replications it lacks",
    )
    sweep.add_argument(
        "--report", action="store_true", help="also write the charts and the HTML report"
    )
    sweep.set_defaults(handler=cmd_sweep)

    report = commands.add_parser("sweep-report", help="write the charts and report of a sweep")
    report.add_argument("directory", metavar="DIR", help="folder written by flocksim sweep")
    report.add_argument("--figure", help="figure of the headline (default: the sweep file's)")
    report.add_argument("--scenario", help="scenario compared with the baseline")
    report.set_defaults(handler=cmd_sweep_report)


class _Progress:
    """A tqdm bar on a terminal; otherwise a line per batch written."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.tty = sys.stderr.isatty()

    def __call__(self, status: Any) -> None:
        if self.quiet:
            return
        if self.tty:
            if self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(total=status.total, unit="run", desc="sweep", dynamic_ncols=True)
            self.bar.total = status.total
            self.bar.n = status.done
            self.bar.set_postfix(failed=status.failed, parts=status.parts, refresh=False)
            self.bar.refresh()
            return
        if status.written:
            rate = status.done / status.elapsed if status.elapsed > 0 else 0.0
            left = (status.total - status.done) / rate if rate > 0 else 0.0
            print(
                f"sweep: {status.done}/{status.total} runs ({rate:.1f}/s), "
                f"{status.failed} failed, elapsed {_clock(status.elapsed)}, "
                f"ETA {_clock(left)}",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _clock(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a sweep file into its folder; print where the results are."""
    from sim.cli.overrides import provenance
    from sim.scenario import ScenarioError
    from sim.sweeps import SweepError, SweepFolderError, sweep

    if args.resume and not args.out:
        raise UsageError("--resume needs --out DIR: the folder of the sweep to continue")
    if args.address and args.executor != "dask":
        raise UsageError("--address is for --executor dask")
    out = Path(args.out) if args.out else _default_out()
    progress = _Progress(args.quiet)
    try:
        results = sweep(
            args.file,
            out,
            workers=args.workers,
            executor=args.executor,
            address=args.address,
            resume=args.resume,
            progress=progress,
            manifest={"command": provenance(args, {})["command"]},
        )
    except (SweepError, SweepFolderError, ScenarioError) as exc:
        raise UsageError(str(exc)) from None
    except KeyboardInterrupt:
        progress.close()
        print(
            f"flocksim: interrupted; the finished batches are kept in {out}/parts; continue "
            f"with: flocksim sweep {args.file} --out {out} --resume",
            file=sys.stderr,
        )
        return 130
    except OSError as exc:  # a scheduler that cannot be reached, say
        raise UsageError(f"{args.address or args.executor}: {exc}") from None
    finally:
        progress.close()
    manifest = results.manifest
    design = manifest["design"]
    print(
        f"{manifest['name']}: {design['feasible']} variants run "
        f"({design['variants'] - design['feasible']} infeasible), {manifest['rows']} rows, "
        f"{manifest['failed']} failed replications; written to {out}/",
        file=sys.stderr,
    )
    if args.report:
        from sim.report.sweep import write_sweep_report

        path = write_sweep_report(results)
        print(f"report: {path}", file=sys.stderr)
    else:
        print(f"report: flocksim sweep-report {out}", file=sys.stderr)
    print(str(out))
    if manifest["failed"]:
        print(
            f"flocksim: {manifest['failed']} replications failed; see {out}/failures.parquet",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK


def _default_out() -> Path:
    from datetime import datetime

    return Path("results") / f"{datetime.now():%Y%m%d-%H%M%S}-sweep"


def cmd_sweep_report(args: argparse.Namespace) -> int:
    """Write the charts and the HTML report of a finished sweep's folder."""
    from sim.report.sweep import write_sweep_report
    from sim.sweeps import load_sweep

    try:
        results = load_sweep(args.directory)
        path = write_sweep_report(results, figure=args.figure, scenario=args.scenario)
    except (FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    print(f"report: {path}")
    return EXIT_OK


__all__ = ["add_sweep_commands", "cmd_sweep", "cmd_sweep_report"]
