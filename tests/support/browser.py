"""Headless Chromium (Debian's package) driven by Playwright, for the console's and the
simulator's browser tests.

`chromium_page(base_url)` yields a page and fails the test, when it closes, if the page
raised a JavaScript error, opened a dialog (alert, confirm: what an XSS payload would
do) or broke the Content-Security-Policy. Screenshots go where the test says
(`tmp_path`, or docs/ for the README's pictures).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.console import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)")


@contextmanager
def chromium_page(base_url: str, *, width: int = 1280, height: int = 900) -> Iterator:
    """A fresh browser page on `base_url`; problems it saw fail the test at the end."""
    sync_api = pytest.importorskip("playwright.sync_api")
    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(base_url=base_url,
                                          viewport={"width": width, "height": height})
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
            page.on("dialog", lambda dialog: (problems.append(
                f"a dialog opened: {dialog.type} {dialog.message!r}"), dialog.dismiss()))
            page.on("console", lambda msg: problems.append(f"CSP: {msg.text}")
                    if msg.type == "error" and "Content Security Policy" in msg.text
                    else None)
            taken = page.screenshot

            def screenshot(**options):
                # The Noto fonts load when a page first shows their script, and
                # font-display: swap draws the fallback's boxes until they arrive.
                page.evaluate("Promise.all([...document.fonts].map(f => f.load()))"
                              ".then(() => document.fonts.ready).then(() => true)")
                return taken(**options)

            page.screenshot = screenshot
            yield page
        finally:
            browser.close()
    assert problems == [], problems


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Logs in through the console's form and waits for the overview."""
    page.goto("/admin/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin")
