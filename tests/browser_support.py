"""A real headless browser for tests: Playwright driving Debian's ``chromium``.

No browser is downloaded (``executable_path`` is the system's chromium); the tests that
use it skip when it is absent, unless STATESET_REQUIRE_SERVICES=1 (as in CI), when they
fail. The browser can resolve no host name, so only 127.0.0.1 is reachable: a page that
loaded anything from the internet would show it as a failed request in ``problems``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

from tests.conftest import service_missing

TIMEOUT_MS = 30_000
# Where a run's screenshots go (not committed: .gitignore), for a reviewer to look at.
SCREENSHOTS = Path(__file__).parent / "screenshots"


@dataclass
class Tab:
    """One page, and what it saw go wrong: uncaught errors, console errors, failed
    requests; and every URL it requested."""

    page: Page
    problems: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)

    def watch(self) -> Tab:
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        self.page.on("console", self._console)
        self.page.on("requestfailed", self._failed)
        self.page.on("request", lambda request: self.requested.append(request.url))
        return self

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _failed(self, request: Request) -> None:
        self.problems.append(f"failed: {request.url} {request.failure}")

    def shot(self, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@contextmanager
def chromium() -> Iterator[Browser]:
    binary = shutil.which("chromium")
    if binary is None:
        service_missing("chromium", "not installed (apt-get install chromium)")
        raise AssertionError("unreachable")
    args = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # chromium's sandbox refuses to run as root
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=binary, args=args)
        try:
            yield browser
        finally:
            browser.close()
