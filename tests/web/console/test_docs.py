"""/docs works offline: the page and everything it loads come from this host, under the
console's Content-Security-Policy, and Swagger UI renders the API's operations in
Chromium without breaking that policy."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tests.support.browser import chromium_page, needs_chromium
from tests.support.server import serving


class References(HTMLParser):
    """Every URL an HTML page refers to (src, href, data-*)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if value and (name in ("src", "href", "action") or name.startswith("data-")):
                self.urls.append(value)
            if name == "style" or name.startswith("on"):
                self.inline_scripts += 1

    def handle_data(self, data) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag) -> None:
        self._in_script = False


def test_the_page_and_every_asset_it_loads_are_served_here(anonymous):
    page = anonymous.get("/docs")
    assert page.status_code == 200
    parser = References()
    parser.feed(page.text)
    assert parser.inline_scripts == 0
    assert parser.urls, "the page refers to nothing?"
    for url in parser.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} is on another host"
        asset = anonymous.get(url)
        assert asset.status_code == 200, url
    assert anonymous.get("/openapi.json").json()["paths"]


def test_docs_carry_the_content_security_policy(anonymous):
    headers = anonymous.get("/docs").headers
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("style-src")[0]  # never for scripts
    assert "unsafe-eval" not in policy
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"


# Collects the browser's own reports of blocked content (the console message the
# chromium_page helper watches for is a second, independent check).
VIOLATIONS = """window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));"""


@pytest.fixture
def base_url(app) -> Iterator[str]:
    with serving(app) as url:
        yield url


@needs_chromium
def test_swagger_ui_renders_the_operations_offline_without_a_csp_violation(base_url):
    elsewhere: list[str] = []
    with chromium_page(base_url) as page:
        page.on("request", lambda request: elsewhere.append(request.url)
                if not request.url.startswith((base_url, "data:")) else None)
        page.add_init_script(VIOLATIONS)
        page.goto("/docs")
        page.wait_for_selector(".opblock-summary-path")
        paths = page.locator(".opblock-summary-path").all_text_contents()
        assert any("/api/moderation/questions/queue" in path for path in paths)
        assert any("/api/search" in path for path in paths)
        page.locator(".opblock-summary").first.click()  # opens an operation
        page.wait_for_selector(".opblock-body")
        page.locator("button.try-out__btn").first.click()  # the form Swagger UI builds
        page.locator("section.models").click()
        assert page.evaluate("window.cspViolations") == []
    assert elsewhere == []
