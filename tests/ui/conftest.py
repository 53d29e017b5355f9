"""Browser tests of the web UI: a real `choreo server local` process serving the built UI, driven by Playwright in
Debian's Chromium (never a downloaded browser).

Fixtures:
- `server`: one server per session, no authentication, the repository's `examples/` flows, a temporary CHOREO_HOME.
- `auth_server`: one server per session with basic auth (`AUTH_USER` / `AUTH_PASSWORD`), started on first use.
- `browser`: one Chromium per session; `page`: a new context and page per test, based at `server`'s URL, whose
  uncaught exceptions and console errors fail the test (`js_errors.allow(...)` for the ones a test expects);
  `new_page(**context_options)` for more pages or other context options; `auth_page` the same on `auth_server`.
- `api`: an httpx client on `server`'s tenant API (`/api/v1/main`), to set up data and check what the UI did.
- `shot(page, name)`: a full-page screenshot saved as `build/ui-screenshots/<name>.png`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Playwright, expect, sync_playwright

from server_process import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCREENSHOTS = ROOT / "build" / "ui-screenshots"
CHROMIUM = Path("/usr/bin/chromium")
# Headless, and nothing that reaches out to the network: this machine's network is closed, and Chromium's
# background connections would otherwise be refused by the dozen at each start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AUTH_USER = "admin@example.com"
AUTH_PASSWORD = "e2e pa:ss"
# Generous: a cold server start and a first page load take well under a second here.
DEFAULT_TIMEOUT_MS = 10_000
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


def _chromium_or_skip() -> Path:
    """Debian's Chromium, installed when missing and possible (as root with apt-get); the whole directory is skipped
    only when it is missing and cannot be installed."""
    if not CHROMIUM.exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, check=False)
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing and could not be installed (apt-get install chromium, as root)"
        if os.environ.get("CHOREO_UI_TESTS_REQUIRED"):  # set by .ci/run: in CI the UI tests must run
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return CHROMIUM


def _ensure_ui_built() -> None:
    """The server serves the package build of the UI; build it once when it is missing."""
    from choreo.api import ui

    if not (ui.DIST / "index.html").exists():
        subprocess.run([str(ROOT / "bin" / "build-ui")], cwd=ROOT, check=True)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    _ensure_ui_built()
    with pytest.MonkeyPatch.context() as patch:  # whatever the environment says, this one runs without auth
        patch.delenv("CHOREO_BASIC_AUTH_USERNAME", raising=False)
        patch.delenv("CHOREO_BASIC_AUTH_PASSWORD", raising=False)
        process = ServerProcess(tmp_path_factory.mktemp("ui-server"), EXAMPLES)
    yield process
    process.stop()


@pytest.fixture(scope="session")
def auth_server(tmp_path_factory) -> Iterator[ServerProcess]:
    _ensure_ui_built()
    env = {"CHOREO_BASIC_AUTH_USERNAME": AUTH_USER, "CHOREO_BASIC_AUTH_PASSWORD": AUTH_PASSWORD}
    process = ServerProcess(tmp_path_factory.mktemp("ui-auth-server"), EXAMPLES, env)
    yield process
    process.stop()


@pytest.fixture(scope="session")
def api(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{server.url}/api/v1/main", timeout=10) as client:
        yield client


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    _chromium_or_skip()
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(_chromium_or_skip()), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


API_REFUSAL = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d\b")


@dataclass
class JsErrors:
    """Uncaught exceptions and console errors of one page. A test that expects some (a 401 on a wrong password)
    allows them by pattern; every other one fails the test."""

    messages: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [m for m in self.messages if not any(p.search(m) for p in self.allowed)]

    def check(self) -> None:
        unexpected = self.unexpected()
        assert not unexpected, "JavaScript errors on the page:\n" + "\n".join(unexpected)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        if API_REFUSAL.search(message.text) and "/api/" in where:
            return  # the browser logs every 4xx answer; the app shows the API's refusals itself (a 422 as you type)
        # The UI ships no favicon: the browser's own request for /favicon.ico gets a 404. Not the app's doing.
        if where.endswith("/favicon.ico"):
            return
        self.messages.append(f"console: {message.text} ({where})")

    def on_page_error(self, error: Error) -> None:
        self.messages.append(f"uncaught: {error.name}: {error.message}\n{error.stack or ''}")


@pytest.fixture
def js_errors() -> JsErrors:
    return JsErrors()


def open_page(browser: Browser, base_url: str, js_errors: JsErrors, **context_options) -> Page:
    options = {"viewport": {"width": 1366, "height": 850}, **context_options}
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.on("console", js_errors.on_console)
    page.on("pageerror", js_errors.on_page_error)
    # A native confirm() (before a kill, a delete…) is answered yes: the tests mean the action they click.
    page.on("dialog", lambda dialog: dialog.accept())
    return page


@pytest.fixture
def new_page(browser: Browser, server: ServerProcess, js_errors: JsErrors) -> Iterator[Callable[..., Page]]:
    """`new_page(**context_options)`: a page on `server` in a new browser context with those options (color_scheme,
    viewport…). Closed, and its JavaScript errors checked, at the end of the test."""
    pages: list[Page] = []

    def make(**context_options) -> Page:
        pages.append(open_page(browser, server.url, js_errors, **context_options))
        return pages[-1]

    yield make
    for page in pages:
        page.context.close()
    js_errors.check()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@pytest.fixture
def auth_page(browser: Browser, auth_server: ServerProcess, js_errors: JsErrors) -> Iterator[Page]:
    page = open_page(browser, auth_server.url, js_errors)
    yield page
    page.context.close()
    js_errors.check()


def save_screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="session")
def shot():
    """`shot(page, name)` saves `build/ui-screenshots/<name>.png` and returns its path."""
    return save_screenshot
