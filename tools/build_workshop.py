"""Build the facilitator kit: ``python tools/build_workshop.py [--out results/workshop] [--quick]``.

``make workshop`` runs this.  For each language (English, then Chinese) it
executes the four part notebooks of ``docs/workshop/notebooks`` with ``LANG``
set (nbclient, as ``notebooks/execute.py`` runs notebooks), then writes each
part's one-page handout and the answer key from the same runs, copies the plan,
and writes an index page:

    results/workshop/index.html
    results/workshop/{en,zh}/plan.md
    results/workshop/{en,zh}/<n>_<part>.ipynb        executed, with outputs
    results/workshop/{en,zh}/handout_<n>.html        print on A4, one page each
    results/workshop/{en,zh}/answer_key.html, answer_key.md
    results/workshop/kit.json                        timings, replications, seed

The kit is built in a folder beside ``--out`` and renamed into place when
complete, so a failed build leaves the last good kit as it was.  Runs are
shared within the build (``FLOCKSIM_KIT_CACHE``, a folder deleted afterwards):
the English notebooks run the simulations, the Chinese ones and the pages reuse
them.  A failing notebook is named with its cell, as is one slower than
:data:`NOTEBOOK_LIMIT`; the exit code is then 1.

``--quick`` builds the same kit from smoke runs (``FLOCKSIM_KIT_QUICK``: 2
replications of 13 weeks per firm instead of 8 of the scenario files' two years;
``sim.workshop.kit``), in about a minute instead of several: every notebook,
chart, handout and answer is made as in the real build, from numbers too rough
for a room.  ``tests/test_workshop.py`` builds it so; ``make workshop`` never
does, and the index page and ``kit.json`` say when a kit is a quick one.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "docs" / "workshop" / "notebooks"
PLANS = REPO / "docs" / "workshop"
sys.path.insert(0, str(REPO / "notebooks"))

import execute as runner  # noqa: E402  (the notebooks' runner is a development tool)

from sim.formatting import format_horizon  # noqa: E402
from sim.i18n import LANGUAGES, text  # noqa: E402
from sim.workshop import kit, words  # noqa: E402
from sim.workshop.charts import part_chart  # noqa: E402
from sim.workshop.documents import (  # noqa: E402
    PartPages,
    answer_key_html,
    answer_key_markdown,
    handout_html,
    index_html,
)

#: Seconds a kit notebook may take (the workshop runs them live).
NOTEBOOK_LIMIT = 60
#: What the index page adds after the run note of a ``--quick`` kit (for the tests only).
QUICK_NOTE = "QUICK BUILD (smoke runs for the tests; build with make workshop for a room)"


def with_lang(notebook: Any, lang: str) -> Any:
    """The notebook with ``LANG`` set in its ``parameters`` cell."""
    cells = [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1 or 'LANG = "en"' not in cells[0].source:
        raise ValueError('a kit notebook needs one cell tagged "parameters" with LANG = "en"')
    cells[0].source = cells[0].source.replace('LANG = "en"', f'LANG = "{lang}"')
    return notebook


def run_notebook(path: Path, lang: str, target: Path) -> tuple[float, str | None]:
    """Execute one kit notebook in ``lang`` and write it with its outputs to ``target``."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    notebook = with_lang(nbformat.read(path, as_version=4), lang)
    started = time.perf_counter()
    failure = None
    try:
        runner.execute(notebook, cwd=path.parent, timeout=runner.DEFAULT_CELL_TIMEOUT)
    except (CellExecutionError, CellTimeoutError) as exc:
        failure = runner._describe_failure(notebook, exc)
    seconds = time.perf_counter() - started
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return seconds, failure


def part_pages(part: str, lang: str) -> PartPages:
    """One part's facts, its exercise's facts and its chart, in ``lang``."""
    comparison = kit.run(part)
    facts = kit.facts(part, comparison)
    change = kit.EXERCISES[part]
    tried = kit.facts(part, kit.run(part, **change), **change)
    buffer = io.BytesIO()
    part_chart(part, comparison, facts, lang).savefig(buffer, format="png", dpi=150)
    return PartPages(part, facts, tried, buffer.getvalue())


def build(
    out: Path, languages: tuple[str, ...] = LANGUAGES, *, quick: bool = False
) -> dict[str, Any]:
    """Build the kit into ``out`` (replaced when the build is complete); return its record.

    ``quick``: from smoke runs (see the module's docstring); the notebooks' kernels
    inherit the setting through ``FLOCKSIM_KIT_QUICK``.
    """
    notebooks = runner.find_notebooks(NOTEBOOKS)
    if len(notebooks) != len(kit.PARTS):
        raise RuntimeError(f"{NOTEBOOKS}: expected {len(kit.PARTS)} notebooks")
    out = out.resolve()
    building = out.parent / f".{out.name}.building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    was_quick = os.environ.pop(kit.QUICK_ENV, None)
    if quick:
        os.environ[kit.QUICK_ENV] = "1"
    os.environ["FLOCKSIM_KIT_CACHE"] = str(building / ".runs")
    record: dict[str, Any] = {
        "built": datetime.now().isoformat(timespec="seconds"),
        "quick": quick,
        "replications": kit.default_replications(),
        "seed": kit.SEED,
        "notebook_limit_s": NOTEBOOK_LIMIT,
        "notebooks": {},
        "failures": {},
    }
    links: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {}
    try:
        for lang in languages:
            folder = building / lang
            ran = []
            for path in notebooks:
                seconds, failure = run_notebook(path, lang, folder / path.name)
                record["notebooks"][f"{lang}/{path.name}"] = round(seconds, 1)
                if failure:
                    record["failures"][f"{lang}/{path.name}"] = failure
                ran.append((path.stem.replace("_", " "), f"{lang}/{path.name}"))
            pages = [part_pages(part, lang) for part in kit.PARTS]
            handouts = []
            for n, page in enumerate(pages, 1):
                (folder / f"handout_{n}.html").write_text(handout_html(page, lang), "utf-8")
                handouts.append((words.title(page.part, lang), f"{lang}/handout_{n}.html"))
            (folder / "answer_key.html").write_text(answer_key_html(pages, lang), "utf-8")
            (folder / "answer_key.md").write_text(answer_key_markdown(pages, lang), "utf-8")
            shutil.copyfile(PLANS / lang / "plan.md", folder / "plan.md")
            links[lang] = [
                (text("workshop.plan", lang), [("plan.md", f"{lang}/plan.md")]),
                (text("workshop.notebooks", lang), ran),
                (text("workshop.handouts", lang), handouts),
                (
                    text("workshop.answer_key", lang),
                    [("answer_key.html", f"{lang}/answer_key.html")],
                ),
            ]
        weeks = pages[0].facts["weeks"]
        record["weeks"] = weeks
        note = text(
            "workshop.built",
            "en",
            date=record["built"],
            n=record["replications"],
            horizon=format_horizon(weeks, "en"),
            seed=kit.SEED,
        )
        if quick:
            note = f"{note} · {QUICK_NOTE}"
        (building / "index.html").write_text(index_html(links, note), "utf-8")
        (building / "kit.json").write_text(json.dumps(record, indent=2), "utf-8")
        shutil.rmtree(building / ".runs", ignore_errors=True)
        if out.exists():
            retired = out.parent / f".{out.name}.old-{os.getpid()}"
            out.rename(retired)
            building.rename(out)
            shutil.rmtree(retired)
        else:
            building.rename(out)
    finally:
        os.environ.pop("FLOCKSIM_KIT_CACHE", None)
        os.environ.pop(kit.QUICK_ENV, None)
        if was_quick is not None:
            os.environ[kit.QUICK_ENV] = was_quick
        shutil.rmtree(building, ignore_errors=True)
    return record


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python tools/build_workshop.py", description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "results" / "workshop")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=(
            f"smoke runs ({kit.QUICK_REPLICATIONS} replications of {kit.QUICK_HORIZON} "
            "per firm): checks that the kit builds, in about a minute; not for a room"
        ),
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    record = build(args.out, quick=args.quick)
    for name, seconds in record["notebooks"].items():
        mark = "FAILED" if name in record["failures"] else "ok    "
        print(f"{mark} {name} ({seconds:.1f} s)")
    for name, failure in record["failures"].items():
        print(f"FAILED {name}: {failure}", file=sys.stderr)
    slow = [n for n, s in record["notebooks"].items() if s > NOTEBOOK_LIMIT]
    if slow:
        print(f"slower than {NOTEBOOK_LIMIT} s: {', '.join(slow)}", file=sys.stderr)
    print(
        f"workshop kit ({time.perf_counter() - started:.0f} s): {args.out / 'index.html'}\n"
        f"  per language ({', '.join(LANGUAGES)}): plan.md, the four executed notebooks, "
        "handout_1..4.html (print one page each), answer_key.html and answer_key.md"
    )
    return 1 if record["failures"] or slow else 0


if __name__ == "__main__":
    sys.exit(main())
