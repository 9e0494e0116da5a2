"""Fault tests with real processes: ``kill -9``, two writers, read-only places, signals.

STYLE.md: tests that claim crash safety kill a real process, never set a
flag. Every process started here is found by its pid and killed in a
``finally``. Children are found through ``/proc`` (Linux), so these tests are
skipped elsewhere. About 40 seconds in all.
"""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

from sim.cli import main
from sim.results import MANIFEST, Results, ResultsError
from sim.storage import lock_file

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds processes through /proc (Linux)"
)

ROOT = Path(__file__).resolve().parents[1]
SALES_ONLY = str(ROOT / "scenarios" / "sales_only.toml")
FULL_SYSTEM = str(ROOT / "scenarios" / "full_system.toml")
SHORT = ["--set", 'clock.horizon="4 w"']

# Saves big results again and again into one folder, each save marked in every table.
SAVER = """
import sys
import numpy as np
import pandas as pd
from sim.results import Results

target, marker, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
force = sys.argv[4] == "force"
go = sys.argv[5] if len(sys.argv) > 5 else None
base = pd.DataFrame(
    {"scenario": "s", "replication": np.arange(rows), "x": np.random.default_rng(0).random(rows)}
)
if go:
    import os, time
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.001)
while True:
    frame = base.assign(marker=marker)
    results = Results(
        summary=frame.iloc[:1000], weekly=frame, leads=frame, customers=frame,
        manifest={"marker": marker},
    )
    try:
        results.save(target, force=force)
    except ValueError as exc:
        print("refused:", exc, flush=True)
        sys.exit(3)
    print(marker, flush=True)
    if go:
        break
    marker += 1
"""

HOLDER = """
import os, sys, time
from sim.storage import exclusive_lock
with exclusive_lock(sys.argv[1]):
    print(os.getpid(), flush=True)
    time.sleep(120)
"""

# A parent that starts a child watching it (the fallback without PR_SET_PDEATHSIG), then ends.
ORPHAN = """
import subprocess, sys
child = subprocess.Popen(
    [sys.executable, "-c",
     "import os; from sim.interrupts import _watch_parent; print(os.getpid(), flush=True); "
     "_watch_parent(os.getppid())"],
    stdout=subprocess.PIPE, text=True,
)
print(child.stdout.readline().strip(), flush=True)
"""


def environment() -> dict[str, str]:
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def python(script: str, *args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=cwd,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def flocksim(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def state(pid: int) -> str | None:
    """The process's state letter from /proc (None once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()[0]


def alive(pid: int) -> bool:
    return state(pid) not in (None, "Z")  # a zombie has ended; only its parent must reap it


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def kill(pids: Iterable[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def stop(process: subprocess.Popen[str], *others: int) -> None:
    """Kill a started process and the others by pid, and reap it."""
    kill([process.pid, *others])
    with contextlib.suppress(subprocess.TimeoutExpired, ValueError):
        process.communicate(timeout=10)


def wait_until(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def lines_of(stream) -> queue.Queue[str]:
    """The stream's lines as they come, read by a thread (a full pipe never blocks);
    an empty string after the last one marks the end of the stream."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    return lines


def rest_of(lines: queue.Queue[str], timeout: float = 30) -> list[str]:
    """Every line still to come, until the end of the stream."""
    rest = []
    while (line := lines.get(timeout=timeout)) != "":
        rest.append(line.strip())
    return rest


def next_line(lines: queue.Queue[str], timeout: float = 60) -> str:
    return lines.get(timeout=timeout).strip()


def markers(folder: Path) -> set[int]:
    results = Results.load(folder)
    found = {
        int(value)
        for name in ("summary", "weekly", "leads", "customers")
        for value in getattr(results, name)["marker"].unique()
    }
    return found | {int(results.manifest["marker"])}


# ---------------------------------------------------------------- saving


def test_kill_9_during_saves_leaves_old_or_new_results_never_a_mixture(tmp_path):
    target = tmp_path / "run"
    chance = random.Random(20261129)
    mid_save = 0
    for round_ in range(4):
        process = python(SAVER, str(target), str(1000 * round_), "200000", "force", cwd=tmp_path)
        try:
            lines = lines_of(process.stdout)
            last = int(next_line(lines))  # one whole save done: from here on it saves non-stop
            time.sleep(chance.uniform(0.0, 0.4))
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            for line in rest_of(lines):  # to the end of the stream: none left unread
                last = int(line)
        finally:
            stop(process)
        leftovers = [path for path in tmp_path.iterdir() if path.name != "run"]
        mid_save += bool(leftovers)
        found = markers(target)  # loads and verifies
        assert len(found) == 1, found  # one save's tables and manifest, never two
        assert found.pop() in (last, last + 1)  # the last printed, or one finished unprinted
    # what the killed writers left beside the folder goes with the next save
    Results.load(target).save(target, force=True)
    assert [path.name for path in tmp_path.iterdir()] == ["run"]
    assert mid_save, "no kill landed in the middle of a save: the test tested nothing"


def test_two_writers_into_one_folder_one_saves_the_other_is_refused(tmp_path):
    for force in ("no", "force"):
        target = tmp_path / f"out-{force}"
        go = tmp_path / f"go-{force}"
        writers = [
            python(SAVER, str(target), str(marker), "150000", force, str(go), cwd=tmp_path)
            for marker in (1, 2)
        ]
        try:
            for writer in writers:
                assert writer.stdout is not None
                assert writer.stdout.readline().strip() == "ready"
            go.touch()
            outcomes = [writer.communicate(timeout=60) for writer in writers]
        finally:
            for writer in writers:
                stop(writer)
        codes = [writer.returncode for writer in writers]
        saved = [marker for marker, code in zip((1, 2), codes, strict=True) if code == 0]
        refusals = [out.strip() for (out, _), code in zip(outcomes, codes, strict=True) if code]
        assert all(code in (0, 3) for code in codes), outcomes
        for refusal in refusals:
            assert refusal.startswith(f"refused: {target}: "), refusal
            assert "is writing there" in refusal or "already holds results" in refusal
        if force == "no":
            assert len(saved) == 1, outcomes  # exactly one, whatever the timing
        assert saved, outcomes
        assert markers(target) <= set(saved)
        assert len(markers(target)) == 1
        assert not lock_file(target).exists()


def test_a_held_lock_is_refused_and_a_killed_holders_lock_taken_over(tmp_path):
    target = tmp_path / "out"
    holder = python(HOLDER, str(target), cwd=tmp_path)
    try:
        assert holder.stdout is not None
        pid = int(holder.stdout.readline())
        with pytest.raises(ResultsError, match=rf"{target}: another process \(pid {pid}\)"):
            Results(summary=_summary()).save(target)
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "sim",
                "run",
                SALES_ONLY,
                "--reps",
                "100000",
                "--out",
                str(target),
            ],
            cwd=tmp_path,
            env=environment(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert run.returncode == 2, run.stderr
        assert run.stderr.strip() == (
            f"flocksim: error: --out {target}: another process (pid {pid}) is writing there"
        )
        os.kill(pid, signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        stop(holder)
    assert lock_file(target).exists()  # left by the killed holder...
    Results(summary=_summary()).save(target)  # ...and taken over
    assert not lock_file(target).exists()
    assert Results.load(target).summary.equals(_summary())


def _summary():
    import pandas as pd

    return pd.DataFrame({"scenario": ["a"], "replication": [0], "revenue": [1.0]})


# ---------------------------------------------------------------- read-only --out


def read_only_places(tmp_path: Path) -> dict[str, Path]:
    """Places nobody can write, root included (tests run as root in CI, and root ignores
    permissions): under a regular file, and under /proc, where no folder can be made. A
    read-only folder is added when permissions hold for this user."""
    (tmp_path / "a-file").write_text("")
    places = {
        "under a file": tmp_path / "a-file" / "out",
        "under /proc": Path(f"/proc/flocksim-test-{os.getpid()}/out"),
    }
    locked = tmp_path / "read-only"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        (locked / "probe").mkdir()
    except PermissionError:
        places["read-only folder"] = locked / "out"
    else:
        (locked / "probe").rmdir()
    return places


@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_read_only_out_is_refused_before_simulating(tmp_path, monkeypatch, capsys, command):
    def no_simulation(*args, **kwargs):
        raise AssertionError("simulated before checking --out")

    monkeypatch.setattr("sim.cli.commands.run_replications", no_simulation)
    monkeypatch.setattr("sim.cli.commands.compare", no_simulation)
    places = read_only_places(tmp_path)
    try:
        for name, out in places.items():
            code = main([command, SALES_ONLY, FULL_SYSTEM, "--reps", "100000", "--out", str(out)])
            err = capsys.readouterr().err
            assert code == 2, (name, err)
            lines = err.strip().splitlines()
            assert len(lines) == 1, (name, err)
            assert lines[0].startswith(f"flocksim: error: --out {out}: cannot write there"), name
    finally:
        (tmp_path / "read-only").chmod(0o755)


# ---------------------------------------------------------------- workers and signals


def test_kill_9_of_a_run_with_two_workers_leaves_no_process_behind(tmp_path):
    process = flocksim(
        "run",
        SALES_ONLY,
        *SHORT,
        "--reps",
        "100000",
        "--workers",
        "2",
        "--out",
        str(tmp_path / "out"),
        cwd=tmp_path,
    )
    workers: list[int] = []
    try:
        assert wait_until(lambda: len(children(process.pid)) == 2, timeout=60)
        workers = children(process.pid)
        assert all(alive(pid) for pid in workers)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        assert wait_until(lambda: not any(alive(pid) for pid in workers), timeout=5), [
            (pid, state(pid)) for pid in workers
        ]
    finally:
        stop(process, *workers)
    assert not (tmp_path / "out").exists()


def test_a_worker_whose_parent_died_ends_without_pdeathsig(tmp_path):
    """The watchdog used where the kernel cannot be asked (not Linux)."""
    middle = python(ORPHAN, cwd=tmp_path)
    child = 0
    try:
        out, _ = middle.communicate(timeout=60)
        child = int(out.strip())
        assert wait_until(lambda: not alive(child), timeout=5)
    finally:
        stop(middle, *([child] if child else []))


@pytest.mark.parametrize(
    ("command", "signum", "workers", "code"),
    [("run", signal.SIGINT, "1", 130), ("compare", signal.SIGTERM, "2", 143)],
)
def test_a_signal_keeps_the_finished_replications_marked_partial(
    tmp_path, command, signum, workers, code
):
    out = tmp_path / "out"
    scenarios = [SALES_ONLY] if command == "run" else [SALES_ONLY, FULL_SYSTEM]
    process = flocksim(
        "-v",
        command,
        *scenarios,
        *SHORT,
        "--reps",
        "2000",
        "--workers",
        workers,
        "--out",
        str(out),
        cwd=tmp_path,
    )
    pool: list[int] = []
    try:
        lines = lines_of(process.stderr)
        while "replications done" not in next_line(lines):  # a first one has finished
            pass
        time.sleep(1.0)
        pool = children(process.pid)
        process.send_signal(signum)
        process.wait(timeout=60)  # not communicate(): the reader thread owns stderr
        assert wait_until(lambda: not any(alive(pid) for pid in pool), timeout=5)
    finally:
        stop(process, *pool)
    err = rest_of(lines)
    assert process.returncode == code, err
    assert not any("Traceback" in line for line in err), err
    name = signal.Signals(signum).name
    summary_line = [line for line in err if line.startswith("flocksim: interrupted")]
    assert len(summary_line) == 1, err
    assert f"interrupted by {name}; kept the finished replications (sales-only " in summary_line[0]
    assert f"in {out}/, marked partial" in summary_line[0]
    results = Results.load(out)
    assert results.partial
    manifest = results.manifest
    assert manifest["interrupted_by"] == name
    assert manifest["replications_requested"] == 2000
    done = manifest["replications_done"]
    assert list(done) == [Path(s).stem.replace("_", "-") for s in scenarios]
    assert 0 < done["sales-only"] < 2000
    assert len(results.summary) == sum(done.values())
    assert results.comparison.empty
    assert (out / MANIFEST).is_file()
