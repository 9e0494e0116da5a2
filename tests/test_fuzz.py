"""The fuzzing harness: random valid scenarios over every key of the schema keep the books.

Issue #8, item 6. ``tests/strategies.py`` draws scenarios over every section
and key of the schema (any week length, every distribution kind, every choice
and switch); each runs one short replication under a time limit (a run that
never ends fails as a hang) and must pass every check of
``tests/conservation.py``. A test fails when a key, an option or a
distribution kind of the schema is never drawn, so a new setting cannot be
left out of the fuzzing.

``make test`` runs a fast profile (``FAST_EXAMPLES``, derandomised under
``CI=true``); ``make fuzz`` runs thousands (``FLOCKSIM_FUZZ_EXAMPLES``, 5,000
by default), shrinks a failure to a small example and prints it with the
``@reproduce_failure`` blob. Every failure found becomes an ``@example`` below
or a plain test in ``tests/test_conservation.py``.
"""

from __future__ import annotations

import os
from typing import Any

from conservation import check_books, run_replication
from hypothesis import HealthCheck, Phase, given, settings
from strategies import distribution_fields, reached, scenario_dicts, schema_coverage, seeds

FAST_EXAMPLES = 120
LONG_EXAMPLES = int(os.environ.get("FLOCKSIM_FUZZ_EXAMPLES", "0"))
"""Set by ``make fuzz``: the long run, with shrinking."""

# The fast profile does not shrink: a failing example is reported as drawn, so that a
# model bug costs seconds, not minutes, of the suite's budget; the long run shrinks it
# to something readable. No example database: the tests write nothing into the tree.
FUZZ = settings(
    max_examples=LONG_EXAMPLES or FAST_EXAMPLES,
    deadline=None,  # the time limit per run is conservation.TIME_LIMIT, which catches hangs
    database=None,
    phases=(Phase.explicit, Phase.generate, Phase.shrink)
    if LONG_EXAMPLES
    else (Phase.explicit, Phase.generate),
    print_blob=bool(LONG_EXAMPLES),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(raw=scenario_dicts(), seed=seeds)
def test_random_scenarios_keep_the_books(raw: dict[str, Any], seed: int) -> None:
    firm, tables = run_replication(raw, seed)
    check_books(firm, tables)


def test_the_strategies_reach_every_key_of_the_schema() -> None:
    """Every key, option and switch value of the schema is drawn, every distribution kind
    for durations and for money, and each distribution field in several kinds.

    Walks ``sim.Scenario.model_fields`` recursively (``strategies.schema_coverage``),
    so a key added to the schema fails here until the strategies draw it.
    """
    seen: set[tuple] = set()

    @settings(
        max_examples=100,
        derandomize=True,
        deadline=None,
        database=None,
        phases=(Phase.generate,),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(raw=scenario_dicts())
    def collect(raw: dict[str, Any]) -> None:
        seen.update(reached(raw))

    collect()
    missing = sorted(schema_coverage() - seen, key=str)
    assert not missing, f"never drawn by tests/strategies.py: {missing}"
    kinds: dict[str, set[str]] = {path: set() for path in distribution_fields()}
    for found in seen:
        if found[0] == "dist field":
            kinds[found[1]].add(found[2])
    narrow = {path: sorted(drawn) for path, drawn in kinds.items() if len(drawn) < 4}
    assert not narrow, f"distribution fields drawn in fewer than 4 kinds: {narrow}"


def test_the_coverage_walk_sees_a_missing_key() -> None:
    """The coverage check can fail: a settings dict without a key does not reach it."""
    wanted = schema_coverage()
    assert ("key", "market.segments.reorder_gap") in wanted
    assert ("option", "production.chased_by", "operations") in wanted
    assert ("dist", "money", "empirical") in wanted
    raw = {
        "name": "x",
        "market": {"segments": [{"name": "s", "size": 1, "deal_value": 0}]},
        "sales": {"staff": 1, "first_contact": {"dist": "exponential", "mean": "1 h"}},
    }
    got = reached(raw)
    assert ("key", "market.segments.size") in got
    assert ("dist", "duration", "exponential") in got
    assert ("dist", "money", "fixed") in got
    assert ("key", "market.segments.reorder_gap") not in got
    assert ("dist", "money", "empirical") not in got
