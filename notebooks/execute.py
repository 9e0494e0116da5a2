"""Execute the project's Jupyter notebooks: ``python notebooks/execute.py DIR``.

Every ``*.ipynb`` in ``DIR`` (not recursive, checkpoints skipped) is run top to
bottom with nbclient in a fresh ``python3`` kernel whose working directory is
the notebook's folder, and is written with its outputs (back in place, or into
``--out DIR``, which is what ``make notebooks`` does), so that it can be opened
and read afterwards. A failing cell is reported by notebook and
cell number; the other notebooks still run, and the exit code is 1.

The kernel is always this interpreter (``sys.executable``), whatever other
``python3`` kernelspec a user or system Jupyter installation may have
registered, so the notebooks run against the flocksim installed in this
virtual environment. ``--clear`` removes outputs instead of executing: outputs
are never committed.

nbformat, nbclient and ipykernel come with the ``dev`` extra
(``pip install -e '.[dev]'``); they are imported only when needed.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbformat import NotebookNode

log = logging.getLogger(__name__)

#: The kernel the notebooks declare and are executed with.
KERNEL_NAME = "python3"

#: Default limit, in seconds, on the execution time of a single cell.
DEFAULT_CELL_TIMEOUT = 300


class NotebookDependencyError(RuntimeError):
    """nbformat, nbclient or ipykernel is not installed."""


def _require_jupyter() -> None:
    missing = []
    for module in ("nbformat", "nbclient", "ipykernel"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise NotebookDependencyError(
            f"missing {', '.join(missing)}: install the dev extra with pip install -e '.[dev]'"
        )


def _kernel_manager_class() -> type:
    """An AsyncKernelManager whose ``python3`` kernel runs ``sys.executable``."""
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class ThisInterpreterSpecs(KernelSpecManager):
        """Kernelspecs where ``python3`` is pinned to the running interpreter."""

        def get_kernel_spec(self, kernel_name: str) -> Any:
            if kernel_name == KERNEL_NAME:
                return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())
            return super().get_kernel_spec(kernel_name)

    class ThisInterpreterKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _this_interpreter_specs(self) -> KernelSpecManager:
            return ThisInterpreterSpecs(data_dir=self.data_dir)

    return ThisInterpreterKernelManager


def find_notebooks(directory: str | Path) -> list[Path]:
    """The notebooks directly inside ``directory``, sorted by name."""
    directory = Path(directory)
    if not directory.is_dir():
        raise NotADirectoryError(f"{directory}: not a directory")
    return sorted(p for p in directory.glob("*.ipynb") if p.is_file())


def execute(
    notebook: NotebookNode, cwd: str | Path, timeout: int = DEFAULT_CELL_TIMEOUT
) -> NotebookNode:
    """Run every cell of ``notebook`` with ``cwd`` as working directory.

    The notebook is modified in place (outputs, execution counts) and returned.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        If a cell raises; the outputs up to and including the failing cell are
        kept in ``notebook``.
    nbclient.exceptions.CellTimeoutError
        If a cell runs longer than ``timeout`` seconds.
    """
    _require_jupyter()
    from nbclient import NotebookClient

    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        kernel_manager_class=_kernel_manager_class(),
        resources={"metadata": {"path": str(Path(cwd).resolve())}},
    )
    client.execute()
    return notebook


def run_file(
    path: str | Path, timeout: int = DEFAULT_CELL_TIMEOUT, out: Path | None = None
) -> str | None:
    """Execute one notebook file and write it with its outputs (back in place, or into ``out``).

    Returns
    -------
    str or None
        None on success, else a one-paragraph description of the failure.
    """
    _require_jupyter()
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    failure = None
    try:
        execute(notebook, cwd=path.parent, timeout=timeout)
    except (CellExecutionError, CellTimeoutError) as exc:
        failure = _describe_failure(notebook, exc)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path if out is None else out / path.name)
    return failure


def _describe_failure(notebook: NotebookNode, exc: Exception) -> str:
    """Which cell failed (1-based, counting all cells) and the error's last lines."""
    for number, cell in enumerate(notebook.cells, 1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"cell {number}: {output.get('ename')}: {output.get('evalue')}"
    lines = str(exc).strip().splitlines()
    return lines[-1] if lines else type(exc).__name__


def clear_outputs(notebook: NotebookNode) -> bool:
    """Remove outputs and execution counts from ``notebook``; True if it changed."""
    changed = False
    for cell in notebook.cells:
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            changed = True
        cell["outputs"] = []
        cell["execution_count"] = None
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python notebooks/execute.py",
        description="Execute every notebook in a folder in place (outputs are not committed).",
    )
    parser.add_argument("directory", type=Path, help="folder holding the .ipynb files")
    parser.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_CELL_TIMEOUT,
        help=f"seconds allowed per cell (default {DEFAULT_CELL_TIMEOUT})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="write the executed copies into this folder instead of in place",
    )
    parser.add_argument(
        "--clear",
        action="store_true",
        help="remove outputs and execution counts instead of executing",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        _require_jupyter()
        notebooks = find_notebooks(args.directory)
    except (NotebookDependencyError, NotADirectoryError) as exc:
        log.error("error: %s", exc)
        return 2
    if not notebooks:
        log.error("error: no notebooks in %s", args.directory)
        return 2

    if args.clear:
        import nbformat

        for path in notebooks:
            notebook = nbformat.read(path, as_version=4)
            if clear_outputs(notebook):
                nbformat.write(notebook, path)
                log.info("cleared %s", path)
        return 0

    failures = {}
    for path in notebooks:
        started = time.perf_counter()
        failure = run_file(path, timeout=args.timeout, out=args.out)
        elapsed = time.perf_counter() - started
        if failure is None:
            log.info("ok      %s (%.1f s)", path, elapsed)
        else:
            failures[path] = failure
            log.error("FAILED  %s (%.1f s): %s", path, elapsed, failure)
    if failures:
        log.error("%d of %d notebooks failed", len(failures), len(notebooks))
        return 1
    if args.out is not None:
        log.info("%d notebooks ran; executed copies in %s", len(notebooks), args.out)
    else:
        log.info(
            "%d notebooks ran; clear outputs before committing: "
            "python notebooks/execute.py --clear %s",
            len(notebooks),
            args.directory,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
