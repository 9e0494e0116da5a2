"""The app in a real browser: Debian's Chromium, headless, driven by Playwright.

``flocksim app`` runs as a subprocess on a free loopback port; each test opens
the page as a person would and checks what they would see: the page loads with
both firms, the verdict and the hours chart, and asks nothing of the internet;
moving the sales-only firm's salespeople slider redraws the hours chart and its
profit (with the "running" banner meanwhile); the language switch turns the page
Chinese, drawn with the package's CJK font; a market smaller than the customers
gives a sentence, never a traceback, and the article's firms come back with one
click.  No test may leave an error in the browser console.  Screenshots go to
``results/app/``.

Playwright only drives the browser: it is pointed at ``/usr/bin/chromium`` and
never downloads one.  Without Chromium or Playwright the tests skip with one
line; under CI that skip fails the run (``tests/browser_ci.py``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "results" / "app"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: One run of both firms takes a few seconds; allow for a busy machine.
WAIT_MS = 90_000


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    """End the server by its pid: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium with a fresh profile (skips, one line, without one)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("no Playwright: pip install -e '.[dev]'")
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium: apt-get install chromium (Debian's package)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=path,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 1900},
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def app_url(context: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``flocksim app`` on a free loopback port, stopped by its pid afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path_factory.mktemp("app") / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "sim", "app", "--port", str(port)],
            cwd=REPO,
            env={**os.environ, "MPLBACKEND": "Agg"},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None:
                    pytest.fail(f"the app exited with {server.returncode}: {log.read_text()}")
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"the app did not answer on {url} in 60 s: {log.read_text()}")
                    time.sleep(0.3)
            yield url
        finally:
            stop(server)


class Page:
    """A page of the app, with what its console said and where it went."""

    def __init__(self, context: Any, url: str) -> None:
        self.origin = url.rstrip("/")
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.route("**/*", self._only_the_app)
        self.page.goto(url)
        self.page.wait_for_selector("#hours-chart", timeout=WAIT_MS)
        self.page.wait_for_function(
            "() => document.querySelector('#hours-chart').naturalWidth > 0", timeout=WAIT_MS
        )

    def _only_the_app(self, route: Any) -> None:
        """Let the page reach its own server only: record and refuse anything else."""
        url = route.request.url
        if url.startswith((self.origin, "data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def text(self, selector: str) -> str:
        return str(self.page.inner_text(selector))

    def profit_cell(self, column: int) -> str:
        return self.text(f'#figures tr[data-figure="profit"] td:nth-of-type({column})')

    def slider(self, name: str) -> Any:
        return self.page.locator(f".form-group:has(#{name})")

    def slider_value(self, name: str) -> float:
        return float(self.page.evaluate(f"() => $('#{name}').data('ionRangeSlider').result.from"))

    def watch_busy(self) -> None:
        """Record whether the page ever shows its running banner from now on."""
        self.page.evaluate(
            """() => { window.__busySeen = false;
              new MutationObserver(() => {
                if (document.documentElement.classList.contains('shiny-busy')) {
                  window.__busySeen = window.__busySeen ||
                    getComputedStyle(document.querySelector('#running')).display !== 'none';
                }
              }).observe(document.documentElement, {attributes: true}); }"""
        )

    def busy_seen(self) -> bool:
        return bool(self.page.evaluate("() => window.__busySeen"))

    def screenshot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / name
        self.page.wait_for_timeout(500)  # let the last image paint
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def page(context: Any, app_url: str) -> Iterator[Page]:
    opened = Page(context, app_url)
    try:
        yield opened
        assert opened.errors == [], f"errors in the browser console: {opened.errors}"
        assert opened.outside == [], f"the page asked outside its server: {opened.outside}"
    finally:
        opened.close()


@pytest.fixture(scope="module")
def article() -> Any:
    """The levers of the scenario files (what the page opens with)."""
    from sim.app.model import Firms, Levers

    return Levers.article(Firms.load())


def test_the_page_loads_with_both_firms_and_needs_no_internet(page: Page, article: Any) -> None:
    assert "where do the salespeople's hours go" in page.text("body").lower()
    verdict = page.text(".verdict")
    assert "Over 2 years the full system earns" in verdict
    assert "sales-only firm" in verdict
    assert page.page.evaluate("() => document.querySelector('#hours-chart').naturalWidth") >= 800
    assert "EUR" in page.profit_cell(1)
    assert "[" in page.profit_cell(1)
    assert "Both firms cost the same a week" in page.text("#cost-readout")
    assert page.slider_value("sales_only_staff") == article.sales_only_staff
    shot = page.screenshot("app_en.png")
    assert shot.stat().st_size > 50_000


def test_moving_the_salespeople_slider_redraws_the_hours_and_the_profit(page: Page, article):
    hours = page.page.get_attribute("#hours-chart", "src")
    profit = page.profit_cell(1)
    page.watch_busy()
    page.slider("sales_only_staff").locator(".irs-line").focus()
    page.page.keyboard.press("ArrowRight")
    page.page.keyboard.press("ArrowRight")
    page.page.wait_for_function(
        """([hours, profit]) => {
            const img = document.querySelector('#hours-chart');
            const cell = document.querySelector('#figures tr[data-figure="profit"] td');
            return img && cell && img.src !== hours && cell.innerText !== profit;
        }""",
        arg=[hours, profit],
        timeout=WAIT_MS,
    )
    assert page.slider_value("sales_only_staff") == article.sales_only_staff + 2
    assert page.profit_cell(1) != profit
    assert "no longer cost the same" in page.text("#cost-readout")
    assert page.busy_seen(), "no running banner while both firms ran"
    page.screenshot("app_en_12_salespeople.png")


def test_the_language_switch_shows_chinese_in_the_packages_font(page: Page) -> None:
    page.page.get_by_text("中文", exact=True).click()
    page.page.wait_for_function(
        "() => /利润/.test(document.querySelector('.verdict')?.innerText || '')",
        timeout=WAIT_MS,
    )
    page.page.wait_for_function(
        "() => /销售人员/.test(document.querySelector('.sidebar').innerText)", timeout=WAIT_MS
    )
    body = page.text("body")
    for words in ("两家公司", "完整营销系统", "市场规模", "每周成本相同"):
        assert words in body
    assert "Both firms" not in body
    assert "Salespeople" not in body
    assert page.page.evaluate("() => document.documentElement.lang") == "zh-Hans"
    page.page.wait_for_function("() => document.fonts.status === 'loaded'", timeout=WAIT_MS)
    faces = page.page.evaluate(
        "() => [...document.fonts].filter(f => f.family.includes('flocksim CJK'))"
        ".map(f => f.status)"
    )
    assert "loaded" in faces, f"the CJK font was not used: {faces}"
    page.screenshot("app_zh.png")


def test_a_market_smaller_than_the_customers_is_a_message_and_one_click_resets(page, article):
    from sim.app.model import LEVER_RANGES, Firms

    customers = Firms.load().customers
    market = page.slider("market_size")
    handle = market.locator(".irs-handle").bounding_box()
    line = market.locator(".irs-line").bounding_box()
    page.page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.page.mouse.down()
    page.page.mouse.move(line["x"] - 30, handle["y"] + handle["height"] / 2, steps=8)
    page.page.mouse.up()
    page.page.wait_for_selector(".problem", timeout=WAIT_MS)
    assert page.slider_value("market_size") == LEVER_RANGES["market_size"][0]
    problem = page.text(".problem")
    assert f"smaller than the {customers:,} customers" in problem
    body = page.text("body")
    assert "Traceback" not in body
    assert "Error" not in body
    assert page.page.locator("#hours-chart").count() == 0
    page.screenshot("app_en_bad_market.png")

    page.page.get_by_role("button", name="The article's firms").click()
    page.page.wait_for_selector("#hours-chart", timeout=WAIT_MS)
    assert page.page.locator(".problem").count() == 0
    assert page.slider_value("market_size") == article.market_size
