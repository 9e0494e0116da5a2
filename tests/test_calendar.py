"""Any week length works: the exact calendar (issue #8, item 1).

Week ``k`` starts at ``k * week_hours`` and ``Calendar.week_of`` is corrected
against those boundaries (``sim/model/context.py``). With the float floor it
replaced, ``floor(k * w / w)`` is ``k - 1`` for some ``k`` and ``w`` (36.6 h at
week 7, 39.9 h at week 13, 38.4 h at week 31): a process waiting for the next
week boundary got the boundary it stood on and waited zero time for ever, and
the ledger's boundaries drifted until a booking fell past its last week
(``IndexError``). Here every week length from 20.0 to 60.0 hours in steps of
0.1 runs to its end within a time limit and closes its ledgers, week by week;
the issue's two command lines end cleanly.

With the correction reverted (``week_of`` as the bare floor), 88 of the 401
week lengths of the sweep hang within its 8 weeks, and the first command
line below never ends.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conservation import Hang, check_books, check_ledgers, run_replication
from hypothesis import given
from hypothesis import strategies as st

from sim.limits import MAX_HORIZON_WEEKS, MAX_WEEK_HOURS
from sim.model.context import Calendar

ROOT = Path(__file__).resolve().parents[1]
SWEEP = [tenths / 10 for tenths in range(200, 601)]  # 20.0 to 60.0 h, 401 week lengths
RUN_LIMIT = 10.0  # seconds for one small run (it takes a few hundredths)
CLI_LIMIT = 120.0  # seconds for one command line (it takes a few)


def small_firm(week_hours: float, weeks: int) -> dict[str, Any]:
    """Every department at work on a small market, so every ledger has something to book."""
    return {
        "name": "calendar",
        "clock": {"week_hours": week_hours, "horizon": f"{weeks} w", "warmup": "1 w"},
        "market": {
            "segments": [
                {
                    "name": "bass",
                    "size": 200,
                    "p_organic": "0.005 / w",
                    "q": "0.1 / w",
                    "initial_customers": 5,
                    "deal_value": 1000,
                    "reorder_rate": "0.2 / w",
                    "reorder_value": 100,
                    "problem_probability": 0.3,
                    "patience": "2 d",
                    "churn_rate": "0.02 / w",
                },
                {"name": "poisson", "size": "unlimited", "lead_rate": "1 / w", "deal_value": 500},
            ]
        },
        "marketing": {
            "staff": 1,
            "budget_per_week": 200,
            "channels": [
                {"name": "ads", "budget_share": 1.0, "cost_per_lead": 100, "carryover": 0.5}
            ],
        },
        "sales": {
            "staff": 2,
            "first_contact": "1 h",
            "meeting": "90 min",
            "meeting_lead_time": "1 d",
            "prospecting": {"enabled": True, "block": "4 h"},
        },
        "service": {"staff": 1, "feedback": {"review_period": "1 w"}},
        "production": {
            "delivery": "2 d",
            "chase_share": 0.5,
            "chased_by": "operations",
            "chase_time": "30 min",
            "late_share": 0.5,
        },
        "operations": {"staff": 1},
    }


# ---------------------------------------------------------------- the calendar itself


@given(
    week_hours=st.floats(1e-3, MAX_WEEK_HOURS, exclude_min=True),
    week=st.integers(0, MAX_HORIZON_WEEKS),
)
def test_a_boundary_is_in_the_week_it_starts(week_hours: float, week: int) -> None:
    calendar = Calendar(week_hours, week_hours, 0.0)
    start = calendar.start(week)
    assert calendar.week_of(start) == week
    assert calendar.next_boundary(start) == calendar.start(week + 1) > start
    # just before the boundary is the week before
    if week > 0:
        assert calendar.week_of(math.nextafter(start, 0.0)) == week - 1


@pytest.mark.parametrize(("week_hours", "week"), [(36.6, 7), (39.9, 13), (38.4, 31)])
def test_the_issues_week_lengths_are_where_the_float_floor_failed(week_hours, week):
    """The boundaries the issue names are those where the bare floor is a week short."""
    assert math.floor(week * week_hours / week_hours) == week - 1  # the old arithmetic
    assert Calendar(week_hours, week_hours, 0.0).week_of(week * week_hours) == week


# ---------------------------------------------------------------- runs


def test_the_time_limit_catches_the_old_calendars_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the float floor back in ``week_of``, a 36.6-hour week hangs and fails as one."""

    def bare_floor(self: Calendar, time: float) -> int:
        return math.floor(time / self.week_hours)

    monkeypatch.setattr(Calendar, "week_of", bare_floor)
    with pytest.raises(Hang, match="a hang"):
        run_replication(small_firm(36.6, 8), seed=0, limit=2.0)


def test_every_week_length_from_20_to_60_hours_runs_and_closes_its_ledgers() -> None:
    """401 week lengths, 8 weeks each: every run ends in time, every ledger week balances."""
    failures: dict[float, str] = {}
    for week_hours in SWEEP:
        try:
            firm, _ = run_replication(small_firm(week_hours, 8), seed=0, limit=RUN_LIMIT)
            assert firm.calendar.weeks == 8
            assert firm.env.now == firm.calendar.horizon == 8 * week_hours
            check_ledgers(firm)
        except Exception as error:  # a hang or a broken book: collect them all, then fail
            failures[week_hours] = f"{type(error).__name__}: {error}"
    assert not failures, f"{len(failures)} of {len(SWEEP)} week lengths fail: {failures}"


@pytest.mark.parametrize(("week_hours", "weeks"), [(38.4, 32), (39.9, 14), (36.6, 8), (26.8, 25)])
def test_the_issues_week_lengths_run_past_the_week_that_hung(week_hours, weeks):
    """Past the week where each hung or failed, keeping every book."""
    firm, tables = run_replication(small_firm(week_hours, weeks), seed=3, limit=RUN_LIMIT)
    check_books(firm, tables)


# ---------------------------------------------------------------- the issue's command lines


def flocksim(*args: str, out: Path) -> subprocess.CompletedProcess[str]:
    """Run ``flocksim run`` in a child process; a hang fails the test (and kills the child)."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "sim", "run", *args, "--reps", "1", "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=CLI_LIMIT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"flocksim run {' '.join(args)} did not end within {CLI_LIMIT:g} s")


def test_a_36_6_hour_week_ends(tmp_path: Path) -> None:
    """The issue's first command line hung for ever, with no output."""
    done = flocksim(
        "scenarios/sales_only.toml",
        "--set",
        "clock.week_hours=36.6",
        "--set",
        'clock.horizon="8 w"',
        out=tmp_path / "run",
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "run" / "manifest.json").is_file()


def test_a_26_8_hour_week_with_15_agents_ends_without_an_index_error(tmp_path: Path) -> None:
    """The issue's second command line ended in IndexError in sim/model/ledger.py."""
    done = flocksim(
        "scenarios/full_system.toml",
        "--set",
        'clock.horizon="25 w"',
        "--set",
        "clock.week_hours=26.8",
        "--set",
        "service.staff=15",
        out=tmp_path / "run",
    )
    assert done.returncode == 0, done.stderr
    assert "IndexError" not in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "run" / "manifest.json").is_file()
