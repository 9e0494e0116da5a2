"""The notebooks under notebooks/ run from top to bottom and are committed clean.

Each notebook is executed with nbclient exactly as ``make notebooks`` does
(``notebooks/execute.py``: kernel ``python3`` pinned to this interpreter, cwd =
notebooks/), on an in-memory copy so the files on disk are never touched. The
workshop notebook's headline chart must come out as an image, since a room
reads the picture, not the code. Executing the notebook is marked slow; the
checks on the committed files and on the runner are not.

The executed copies replay each firm :data:`TEST_REPLICATIONS` times instead of
the notebook's ``REPLICATIONS = 10`` (the one line changed, as the Chinese run
changes ``LANG``): what is checked here is that every cell runs and shows its
chart and its table, with the right titles, in each language, and none of that
depends on how many replays narrow the ranges (two or more give an interval).
It cut the two executions from about 80 s to about 30 s.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import sys
from pathlib import Path

import pandas as pd
import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

import sim  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "notebooks"))  # the runner is a development tool, not in sim/
import execute as runner  # noqa: E402

NOTEBOOK_DIR = REPO / "notebooks"
NOTEBOOKS = runner.find_notebooks(NOTEBOOK_DIR)
WORKSHOP = NOTEBOOK_DIR / "workshop.ipynb"

HEADLINE_TAG = "headline-chart"
WHAT_IF_TAG = "what-if-settings"
#: Replays of each firm in the executed copies (the notebook says 10; see above).
TEST_REPLICATIONS = 3


def _tagged(notebook: nbformat.NotebookNode, tag: str) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if tag in cell.get("metadata", {}).get("tags", [])]


def _png_size(data: str) -> tuple[int, int]:
    """Width and height in pixels of a base64 PNG, read from its IHDR chunk."""
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", raw[16:24])
    return width, height


def _outputs_of(cell: nbformat.NotebookNode, mime: str) -> list[str]:
    return [
        output["data"][mime] for output in cell.get("outputs", []) if mime in output.get("data", {})
    ]


def _fewer_replays(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with ``REPLICATIONS = TEST_REPLICATIONS`` where it sets its replays."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = re.sub(
                r"^REPLICATIONS = \d+",
                f"REPLICATIONS = {TEST_REPLICATIONS}",
                cell.source,
                flags=re.MULTILINE,
            )
    return notebook


def test_the_executed_copies_replay_fewer_times() -> None:
    notebook = _fewer_replays(nbformat.read(WORKSHOP, as_version=4))
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert re.findall(r"^REPLICATIONS = \d+", code, flags=re.MULTILINE) == [
        f"REPLICATIONS = {TEST_REPLICATIONS}"
    ]
    assert "sim.run_paired(scenarios, REPLICATIONS," in code  # the runs use the setting


@pytest.fixture(scope="module")
def executed() -> dict[str, nbformat.NotebookNode]:
    """Every notebook, executed once in a fresh kernel (in memory), replaying less."""
    result = {}
    for path in NOTEBOOKS:
        notebook = _fewer_replays(nbformat.read(path, as_version=4))
        result[path.name] = runner.execute(notebook, cwd=NOTEBOOK_DIR, timeout=600)
    return result


# --------------------------------------------------------------- committed files


def test_workshop_notebook_is_there() -> None:
    assert WORKSHOP in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_notebook_has_no_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [
        number
        for number, cell in enumerate(notebook.cells, 1)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, (
        f"{path.name}: cells {dirty} carry outputs or execution counts; outputs are never "
        f"committed: run `python notebooks/execute.py --clear {path.parent}`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_declares_the_python3_kernel(path: Path) -> None:
    kernelspec = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
    assert kernelspec["name"] == runner.KERNEL_NAME


def test_workshop_has_one_headline_and_one_what_if_cell() -> None:
    notebook = nbformat.read(WORKSHOP, as_version=4)
    headline = _tagged(notebook, HEADLINE_TAG)
    assert len(headline) == 1
    assert "sales_time_use" in headline[0].source
    assert len(_tagged(notebook, WHAT_IF_TAG)) == 1


# --------------------------------------------------------------- execution


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_without_error(
    path: Path, executed: dict[str, nbformat.NotebookNode]
) -> None:
    notebook = executed[path.name]
    errors = [
        f"cell {number}: {output.get('ename')}: {output.get('evalue')}"
        for number, cell in enumerate(notebook.cells, 1)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code_cells)


@pytest.mark.slow
def test_workshop_headline_chart_is_a_projectable_image(
    executed: dict[str, nbformat.NotebookNode],
) -> None:
    (headline,) = _tagged(executed[WORKSHOP.name], HEADLINE_TAG)
    images = _outputs_of(headline, "image/png")
    assert len(images) == 1, f"headline cell outputs: {headline.outputs}"
    width, height = _png_size(images[0])
    assert width >= 800, "too small to read from the back of a room"
    assert width > height, "a projector wants a landscape picture"


@pytest.mark.slow
def test_workshop_what_if_redraws_chart_and_table(
    executed: dict[str, nbformat.NotebookNode],
) -> None:
    notebook = executed[WORKSHOP.name]
    cells = notebook.cells
    (settings,) = _tagged(notebook, WHAT_IF_TAG)
    rerun = cells[cells.index(settings) + 1]
    assert len(_outputs_of(rerun, "image/png")) == 1
    tables = _outputs_of(rerun, "text/html")
    assert len(tables) == 1
    table = tables[0]
    for figure in (
        "Revenue over 2 years",
        "Profit over 2 years",
        "Wasted sales capacity",
        "Sales time: non-selling work",
        "Sales time: idle",
    ):
        assert figure in table
    assert "95% range of the difference" in table
    assert "M EUR" in table  # compact money in the scenarios' currency


@pytest.mark.slow
def test_workshop_runs_in_chinese():
    """The notebook's LANG switch: every chart and table it shows comes out in Chinese."""
    notebook = _fewer_replays(nbformat.read(WORKSHOP, as_version=4))
    settings = next(cell for cell in notebook.cells if 'LANG = "en"' in cell.source)
    settings.source = settings.source.replace('LANG = "en"', 'LANG = "zh"')
    ran = runner.execute(notebook, cwd=NOTEBOOK_DIR, timeout=600)
    errors = [
        o for cell in ran.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
    tables = [html for cell in ran.cells for html in _outputs_of(cell, "text/html")]
    assert any("2 年内的利润" in table and "只有销售部" in table for table in tables)


# --------------------------------------------------------------- claims in the text


@pytest.mark.slow
def test_what_if_suggestions_hold() -> None:
    """The notebook tells the room that very dear leads let the sales-only firm win
    on profit and that a tiny market shrinks the system's advantage; check both with
    the notebook's own scenarios, horizon (the files': two years) and seed."""
    scenarios = REPO / "scenarios"
    sales_only = sim.load_scenario(scenarios / "sales_only.toml")
    full_system = sim.load_scenario(scenarios / "full_system.toml")

    def profit_gap(market_size: int, cost_per_lead: float | None) -> float:
        """Mean paired profit difference, full system minus sales-only."""
        market = {"market.segments.0.size": market_size}
        system = market.copy()
        if cost_per_lead is not None:
            for index, _ in enumerate(full_system.marketing.channels):
                system[f"marketing.channels.{index}.cost_per_lead"] = cost_per_lead
        summaries = [
            sim.run(scenario, replications=4, seed=0, keep=()).summary
            for scenario in (
                sim.with_overrides(sales_only, market),
                sim.with_overrides(full_system, system),
            )
        ]
        both = pd.concat(summaries, ignore_index=True)
        profit = both.pivot(index="replication", columns="scenario", values="profit")
        return float((profit[full_system.name] - profit[sales_only.name]).mean())

    default_gap = profit_gap(20_000, None)
    assert default_gap > 0
    assert profit_gap(1_000, None) < default_gap
    assert profit_gap(20_000, 2_000) < 0


# --------------------------------------------------------------- the runner


def _notebook_with(*sources: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in sources],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    nbformat.validate(notebook)
    return notebook


def test_runner_executes_in_place_reports_failures_and_uses_this_python(
    tmp_path: Path,
) -> None:
    good = tmp_path / "a_good.ipynb"
    bad = tmp_path / "b_bad.ipynb"
    nbformat.write(
        _notebook_with("import os, sys", "print(sys.executable)", "print(os.getcwd())"), good
    )
    nbformat.write(_notebook_with("1 + 1", "raise ValueError('boom')", "2 + 2"), bad)

    assert runner.main([str(tmp_path), "--timeout", "60"]) == 1

    ran = nbformat.read(good, as_version=4)
    printed = [cell.outputs[0]["text"].strip() for cell in ran.cells[1:]]
    assert Path(printed[0]).resolve() == Path(sys.executable).resolve()
    assert Path(printed[1]).resolve() == tmp_path.resolve()

    failed = nbformat.read(bad, as_version=4)
    assert failed.cells[0].outputs[0]["data"]["text/plain"] == "2"
    assert failed.cells[1].outputs[0]["ename"] == "ValueError"
    assert failed.cells[2].execution_count is None, "cells after a failure do not run"

    assert runner.main([str(tmp_path), "--clear"]) == 0
    for path in (good, bad):
        for cell in nbformat.read(path, as_version=4).cells:
            assert cell.outputs == []
            assert cell.execution_count is None


def test_runner_rejects_a_folder_without_notebooks(tmp_path: Path) -> None:
    assert runner.main([str(tmp_path)]) == 2
    assert runner.main([str(tmp_path / "missing")]) == 2


def test_clear_outputs_reports_whether_anything_changed() -> None:
    notebook = _notebook_with("1 + 1")
    assert not runner.clear_outputs(notebook)
    notebook.cells[0].execution_count = 3
    notebook.cells[0].outputs = [
        nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=3)
    ]
    notebook.cells.append(nbformat.v4.new_markdown_cell("text"))
    assert runner.clear_outputs(notebook)
    assert notebook.cells[0].outputs == []
    assert notebook.cells[0].execution_count is None
    nbformat.validate(notebook)
