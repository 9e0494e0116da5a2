"""Under CI a browser test that skips fails the run (``tests/browser_ci.py``).

Checked on a throwaway test run in its own pytest: locally a browser test without
a browser skips with its one-line reason; with ``CI=true`` (or ``1``) the same
skip is a failure that names the reason, and other skips stay skips.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path


def test_under_ci_a_skipped_browser_test_fails_the_run(tmp_path: Path) -> None:
    """The rule itself, on a throwaway test that skips as a browser test would."""
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    browser: x\n")
    (tmp_path / "conftest.py").write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(Path(__file__).parent)!r})
            from browser_ci import pytest_runtest_makereport  # noqa: F401
            """
        )
    )
    (tmp_path / "test_skips.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.fixture
            def browser():
                pytest.skip("no Chromium: apt-get install chromium")

            @pytest.mark.browser
            def test_needs_a_browser(browser):
                pass

            def test_other_skips_stay_skips():
                pytest.skip("not a browser test")
            """
        )
    )

    def run(ci: str | None) -> subprocess.CompletedProcess[str]:
        # only the conftest's hook: the installed plugins would add seconds and nothing else
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        if ci is not None:
            env["CI"] = ci
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(tmp_path)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    local = run(None)
    assert local.returncode == 0, local.stdout
    assert "2 skipped" in local.stdout
    assert "no Chromium" in local.stdout
    for ci in ("true", "1"):
        under_ci = run(ci)
        assert under_ci.returncode == 1, under_ci.stdout
        assert "1 skipped, 1 error" in under_ci.stdout
        assert f"browser test skipped under CI={ci}: no Chromium" in under_ci.stdout
    assert run("false").returncode == 0
