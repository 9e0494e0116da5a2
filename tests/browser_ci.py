"""Under CI a browser test may not skip: a missing browser fails the run.

Locally a browser test skips with a one-line reason when Chromium or Playwright
is missing (a developer may not have them).  In CI (``CI`` set to anything but
``""``, ``0``, ``false`` or ``no``) ``.ci/run`` installs Debian's ``chromium``
before the tests, so a skipped test marked ``browser`` means the app was never
tried in a browser: the hook below turns that skip into a failure that says so.
``tests/conftest.py`` imports the hook; ``tests/test_app_browser.py`` checks it.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

MARKER = "browser"


def in_ci() -> bool:
    """Whether the tests run under CI (the ``CI`` environment variable is set and true)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _reason(report: pytest.TestReport) -> str:
    longrepr: Any = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """Fail, under CI, a browser test that skipped (in any phase)."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.skipped and item.get_closest_marker(MARKER) is not None and in_ci():
        report.outcome = "failed"
        report.longrepr = (
            f"browser test skipped under CI={os.environ.get('CI')}: {_reason(report)} "
            "(.ci/run installs Debian's chromium before the tests; a browser test must run in CI)"
        )
