"""The console in a real browser: logging in and out, the overview. Every page the
browser tests visit must load without a JavaScript error, a dialog or a CSP violation
(tests/support/browser.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.browser import chromium_page, log_in, needs_chromium
from tests.support.console import PEOPLE
from tests.support.server import serving

pytestmark = needs_chromium


@pytest.fixture
def base_url(app) -> Iterator[str]:
    """The module's app on a free local port."""
    with serving(app) as url:
        yield url


def test_a_moderator_logs_in_sees_the_queues_and_logs_out(base_url, world, tmp_path):
    with chromium_page(base_url) as page:
        page.goto("/admin/account")
        assert "/admin/login" in page.url  # sent to the login page first
        page.fill("input[name=email]", PEOPLE["moderator"][0])
        page.fill("input[name=password]", "not the password")
        page.click("button[type=submit]")
        assert "is not right" in page.text_content("[role=alert]")
        log_in(page, PEOPLE["moderator"][0])
        assert page.text_content("h1").startswith("Good to see you")
        assert page.locator("nav.side").get_by_text("Escalated questions").count() == 1
        page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
        page.click("text=Log out")
        page.wait_for_url("**/admin/login**")
        assert "You logged out." in page.text_content("[role=status]")
        page.goto("/admin")
        assert "/admin/login" in page.url
