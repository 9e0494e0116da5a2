"""Back-tests: every shipped scenario reproduces its stored tables exactly.

The stored rows and digests come from ``tests/backtests.py`` (see
``tests/data/backtests/README.md``); a difference means the model's behaviour
changed. If that was the purpose of the change, regenerate them with the
command written there and say why in the commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import backtests
import pandas as pd
import pytest

STORED_SUMMARY = pd.read_csv(backtests.STORE / "summary.csv", keep_default_na=True)
STORED_DIGESTS = json.loads((backtests.STORE / "digests.json").read_text())
REGENERATE = "regenerate on purpose with: .venv/bin/python tests/backtests.py"


def test_every_shipped_scenario_has_a_back_test() -> None:
    files = [backtests.key(path) for path in backtests.scenario_files()]
    assert sorted(STORED_DIGESTS) == sorted(files), REGENERATE


@pytest.mark.parametrize("path", backtests.scenario_files(), ids=backtests.key)
def test_scenario_reproduces_its_stored_tables(path: Path) -> None:
    name = backtests.key(path)
    tables = backtests.run(path)
    expected = STORED_SUMMARY[STORED_SUMMARY["file"] == name].drop(columns="file")
    actual = tables["summary"]
    assert sorted(actual.columns) == sorted(expected.columns), REGENERATE
    changed = [
        column
        for column in expected.columns
        if not actual[column]
        .reset_index(drop=True)
        .equals(expected[column].reset_index(drop=True).astype(actual[column].dtype))
    ]
    assert not changed, f"{name}: summary columns changed: {changed}; {REGENERATE}"
    digests = {table: backtests.digest(frame) for table, frame in tables.items()}
    differing = [
        table for table in backtests.TABLES if digests[table] != STORED_DIGESTS[name][table]
    ]
    assert not differing, f"{name}: tables changed: {differing}; {REGENERATE}"
