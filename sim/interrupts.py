"""Stopping cleanly: interrupts that keep the finished work, and workers that never outlive
their parent.

A Ctrl-C (SIGINT) or SIGTERM inside :func:`interruptible` raises
:class:`RunInterrupted`; each layer it passes through (the runner, ``compare``,
the command line) adds the replications it had finished, so the caller can
save them, marked partial. The exception derives from ``BaseException``, like
``KeyboardInterrupt``, so that no ``except Exception`` swallows it.

Worker processes (:func:`prepare_worker`, run by the pool's initializer) ignore
SIGINT, so a Ctrl-C at the terminal, which reaches the whole process group,
is handled once, by the parent; and they die with their parent, even when it
is killed with ``kill -9``: on Linux the kernel sends them SIGTERM
(``PR_SET_PDEATHSIG``); elsewhere a watchdog thread sees the parent change.
:func:`stop_pool` cancels what has not started and terminates the workers.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.results import Results

log = logging.getLogger(__name__)

#: Signals that stop a run and keep its finished replications.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

# How often a worker without PR_SET_PDEATHSIG looks for its parent, in seconds.
_WATCH_INTERVAL = 0.5


class RunInterrupted(BaseException):
    """A run stopped by a signal; ``results`` holds the replications already finished.

    ``results`` is None when none had finished.
    """

    def __init__(self, signum: int) -> None:
        # the signal number is the exception's only argument, so that code which
        # re-creates an exception from its args (SimPy does, when a process raises)
        # makes the same one again
        super().__init__(signum)
        self.signum = signum
        self.results: Results | None = None

    def __str__(self) -> str:
        return f"interrupted by {self.signal_name}"

    @property
    def signal_name(self) -> str:
        """``SIGINT``, ``SIGTERM``, ..."""
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        """The shell's code for a process ended by this signal: 130, 143, ..."""
        return 128 + self.signum


class SignalGuard:
    """What :func:`interruptible` installs: the first signal raises, or waits if held."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._held = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first = self.received is None
        if first:
            self.received = signum
        # a signal while the finished work is being saved waits for the save, unless it is
        # the second one: the user insists, and the save (atomic) is abandoned whole
        if self._held and first:
            log.warning("%s received; stopping once the results are saved", signal.Signals(signum))
            return
        raise RunInterrupted(signum)

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Within this block a first signal is noted (see ``received``), not raised."""
        self._held = True
        try:
            yield
        finally:
            self._held = False


@contextmanager
def interruptible() -> Iterator[SignalGuard]:
    """Turn SIGINT and SIGTERM into :class:`RunInterrupted` within the block.

    Only the main thread can install signal handlers; elsewhere the block runs
    with the handlers it has.
    """
    guard = SignalGuard()
    if threading.current_thread() is not threading.main_thread():
        yield guard
        return
    previous = {signum: signal.signal(signum, guard._handle) for signum in STOP_SIGNALS}
    try:
        yield guard
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def prepare_worker(parent: int) -> None:
    """Make this worker process ignore SIGINT and die with ``parent`` (its parent's pid)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a forked worker inherits the parent's Python handlers; it must simply die on SIGTERM
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not _die_with_parent():
        threading.Thread(
            target=_watch_parent, args=(parent,), name="flocksim-watch-parent", daemon=True
        ).start()
    if os.getppid() != parent:  # the parent died before the kernel could be asked
        os._exit(1)


def _die_with_parent() -> bool:
    """Ask Linux to send SIGTERM when the parent dies; False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (AttributeError, OSError):
        return False
    pr_set_pdeathsig = 1
    return bool(prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0) == 0)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_INTERVAL)
    os._exit(1)


def stop_pool(pool: ProcessPoolExecutor, timeout: float = 5.0) -> None:
    """Cancel the tasks not started and terminate the workers, waiting for them briefly."""
    # the executor keeps its workers in a private mapping until shutdown, which forgets
    # them; Python 3.14's ``terminate_workers`` does the same through it
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + timeout
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1.0)
    log.info("stopped %d worker processes", len(processes))


__all__ = [
    "STOP_SIGNALS",
    "RunInterrupted",
    "SignalGuard",
    "interruptible",
    "prepare_worker",
    "stop_pool",
]
