"""The analysis package's modules share only public names.

``sim/analysis/`` is one module per concept; a helper that two modules need is
public in the module that owns it. This walks each module's syntax tree (no
import runs) and fails on any import of a private name, or of a private module,
from ``sim``; and on reaching into an imported sim module's private attributes.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sim.analysis

ANALYSIS = Path(sim.analysis.__file__).parent
MODULES = sorted(ANALYSIS.glob("*.py"))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_of(node: ast.ImportFrom, package: str) -> str:
    """The absolute module an ``from ... import`` names, resolving relative imports."""
    if node.level == 0:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def private_imports(source: str, package: str = "sim.analysis") -> list[str]:
    """Private names a module takes from other sim modules, as ``"line: what"``."""
    tree = ast.parse(source)
    found: list[str] = []
    sim_modules: set[str] = set()  # local names bound to sim modules
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] != "sim":
                    continue
                if any(_private(part) for part in alias.name.split(".")):
                    found.append(f"{node.lineno}: import {alias.name}")
                sim_modules.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            module = _module_of(node, package)
            if module.split(".")[0] != "sim":
                continue
            if any(_private(part) for part in module.split(".")):
                found.append(f"{node.lineno}: from {module} import ...")
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{node.lineno}: from {module} import {alias.name}")
                else:
                    sim_modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in sim_modules
        ):
            found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_there_are_analysis_modules_to_check():
    names = {path.stem for path in MODULES}
    assert {"intervals", "comparison", "run_length", "warmup", "theory"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_no_analysis_module_imports_a_private_name(path):
    assert private_imports(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from sim.analysis.tables import _as_array\n",
            ["1: from sim.analysis.tables import _as_array"],
        ),
        (
            "from .intervals import mean_ci, _t_quantile\n",
            ["1: from sim.analysis.intervals import _t_quantile"],
        ),
        ("from sim.charts._style import CI_LEVEL\n", ["1: from sim.charts._style import ..."]),
        ("import sim.charts._style\n", ["1: import sim.charts._style"]),
        ("from sim.analysis import tables\nx = tables._check()\n", ["2: tables._check"]),
    ],
)
def test_the_check_finds_private_imports(source, expected):
    assert private_imports(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "from sim.analysis.tables import as_array\n",
        "from numpy import _core\n",  # not a sim module: not ours to police
        "from __future__ import annotations\n",
        "from sim.analysis import tables\nx = tables.__all__\n",
        "def f():\n    return _local()\n",
    ],
)
def test_the_check_accepts_public_imports(source):
    assert private_imports(source) == []


def test_the_package_exports_only_public_names_that_exist():
    assert all(not name.startswith("_") for name in sim.analysis.__all__)
    assert len(set(sim.analysis.__all__)) == len(sim.analysis.__all__)
    for name in sim.analysis.__all__:
        assert hasattr(sim.analysis, name), name
