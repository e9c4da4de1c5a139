"""Every console answer carries the security headers: a Content-Security-Policy without
inline scripts or styles, no framing, no caching, no Referer (a set-up link in the URL
stays private) — pages, redirects, error pages and the login form alike."""

from __future__ import annotations

import pytest

EXPECTED = {"x-frame-options": "DENY", "referrer-policy": "no-referrer",
            "cache-control": "no-store", "x-content-type-options": "nosniff"}


def check(response) -> None:
    policy = response.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, name


@pytest.mark.parametrize("path", ["/admin/login", "/admin", "/admin/setup/su_nope",
                                  "/admin/no-such-page"])
def test_anonymous_answers_carry_the_headers(anonymous, path):
    check(anonymous.get(path))


@pytest.mark.parametrize("path", ["/admin", "/admin/account", "/admin/accounts",
                                  "/admin/organisations", "/admin/no-such-page"])
def test_logged_in_pages_carry_the_headers(client_as, path):
    check(client_as("admin").get(path))


def test_a_refused_page_carries_them_too(client_as):
    response = client_as("viewer").get("/admin/accounts")
    assert response.status_code == 403
    check(response)


def test_pages_outside_the_console_keep_their_own_headers(anonymous):
    response = anonymous.get("/healthz")
    assert "content-security-policy" not in response.headers
