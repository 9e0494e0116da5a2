"""The shape of the package: no import circles, departments that do not know the firm.

STYLE.md: departments are wired once, as desmod's connect step does, instead of
taking the whole ``Firm`` and calling their neighbours through it; modules stay
small (one concept each). These tests read the source with ``ast``, so they
see every import, including those inside functions and ``TYPE_CHECKING``
blocks.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sim"
LONG_MODULE = 400
LONG_REASON = "400 lines"  # a long module says, at its top, why it runs past 400 lines


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """The sim modules ``name`` imports (a name imported from a package that is a
    submodule counts as that submodule)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: _imports(name) for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_reader_sees_the_model() -> None:
    assert "sim.model.market" in GRAPH["sim.model.firm"]
    assert "sim.model.context" in GRAPH["sim.model.market"]


def test_no_import_circle_in_the_package() -> None:
    # packages import their submodules, so a submodule importing its own package
    # (``from sim.model import x`` inside sim/model) would be a circle too
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize(
    "name", [name for name in MODULES if name.startswith("sim.model.") and name != "sim.model.firm"]
)
def test_departments_do_not_know_the_firm(name: str) -> None:
    assert "sim.model.firm" not in GRAPH[name]
    assert "sim.model" not in GRAPH[name]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_nothing_imports_upward_into_presentation(name: str) -> None:
    """The model, the scenario and the results never reach the CLI, charts or report."""
    lower = name.startswith(("sim.model", "sim.scenario", "sim.results", "sim.streams"))
    upper = {"sim.cli", "sim.charts", "sim.report", "sim.experiments", "sim.runner"}
    if lower:
        reached = {module for module in GRAPH[name] if module.split(".")[:2] != ["sim", "model"]}
        assert not any(module.startswith(tuple(upper)) for module in reached), reached


@pytest.mark.parametrize("name", sorted(MODULES))
def test_long_modules_say_why(name: str) -> None:
    path = MODULES[name]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if lines > LONG_MODULE:
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        assert LONG_REASON in " ".join(docstring.split()), (
            f"{path}: {lines} lines and no reason at its top"
        )


def test_importing_sim_leaves_the_heavy_libraries_for_later() -> None:
    """``import sim`` pays for neither scipy.stats nor matplotlib (about a second
    between them): every command, worker process and notebook kernel imports it."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, sim; print(' '.join(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
        timeout=120,
    ).stdout.split()
    assert "sim" in loaded
    assert "scipy.stats" not in loaded
    assert "matplotlib.pyplot" not in loaded
