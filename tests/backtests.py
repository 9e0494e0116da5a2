"""Back-tests: stored tables of every shipped scenario, reproduced exactly.

For each scenario file under ``scenarios/`` (headline pair, variants and
validation scenarios) a few replications are run with a short horizon and a
fixed seed. Their summary rows are stored as CSV (floats written at full
precision) and every table (summary, weekly, leads, customers, queues) as a
SHA-256 digest of its canonical CSV text, columns in name order. The test in
``tests/test_backtests.py`` reruns them and fails on any difference, so a
refactor that changes behaviour fails loudly.

Regenerate only on purpose (a change to the model that is meant to move the
numbers), and say why in the commit::

    .venv/bin/python tests/backtests.py
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
STORE = Path(__file__).resolve().parent / "data" / "backtests"
SEED = 20261129
REPLICATIONS = 3
# Long enough for every mechanism to act (reports, churn, re-orders), short enough to be quick.
HORIZON = "26 w"
TABLES = ("summary", "weekly", "leads", "customers", "queues")


def scenario_files() -> list[Path]:
    """Every scenario file shipped under ``scenarios/``, in a stable order."""
    return sorted(
        path
        for path in (ROOT / "scenarios").rglob("*.toml")
        if "sweeps" not in path.relative_to(ROOT / "scenarios").parts
        and not path.name.startswith("assumptions")
    )


def key(path: Path) -> str:
    """The file's name in the store: its path under ``scenarios/``."""
    return path.relative_to(ROOT / "scenarios").as_posix()


def canonical(frame: pd.DataFrame) -> str:
    """A table as CSV text with its columns in name order and floats at full precision."""
    buffer = io.StringIO()
    frame[sorted(frame.columns)].to_csv(buffer, index=False, float_format="%.17g")
    return buffer.getvalue()


def digest(frame: pd.DataFrame) -> str:
    """SHA-256 of :func:`canonical`."""
    return hashlib.sha256(canonical(frame).encode()).hexdigest()


def run(path: Path) -> dict[str, pd.DataFrame]:
    """The back-test run of one scenario file: every table of a few replications."""
    import sim

    scenario = sim.load_scenario(path, {"clock.horizon": HORIZON, "clock.warmup": "0 w"})
    results = sim.run(scenario, replications=REPLICATIONS, seed=SEED)
    return {name: getattr(results, name) for name in TABLES}


def write() -> None:
    """Run every scenario and store its summary rows and table digests."""
    STORE.mkdir(parents=True, exist_ok=True)
    summaries = []
    digests: dict[str, dict[str, str]] = {}
    for path in scenario_files():
        tables = run(path)
        summaries.append(tables["summary"].assign(file=key(path)))
        digests[key(path)] = {name: digest(frame) for name, frame in tables.items()}
        sys.stderr.write(f"{key(path)}: {len(tables['leads'])} leads\n")
    summary = pd.concat(summaries, ignore_index=True)
    summary.to_csv(STORE / "summary.csv", index=False, float_format="%.17g")
    (STORE / "digests.json").write_text(json.dumps(digests, indent=2, sort_keys=True) + "\n")
    sys.stderr.write(f"wrote {STORE / 'summary.csv'} and {STORE / 'digests.json'}\n")


if __name__ == "__main__":
    write()
