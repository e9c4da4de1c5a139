"""Every console answer carries the security headers (web/headers.py): a
Content-Security-Policy without inline scripts or styles, no framing, no caching, no
Referer (a set-up link in the URL stays private) — pages, redirects, error pages and the
login form alike; and so does every other HTML page of the app (the simulator, the API
docs), checked route by route."""

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


# Declared GET routes that never answer HTML (JSON, metrics, Prometheus, webhooks).
NOT_HTML = ("/api/", "/simulator/api/", "/webhooks/", "/healthz", "/readyz", "/metrics",
            "/openapi.json")
OUTSIDE_THE_TABLE = ("/", "/simulator", "/docs")  # HTML routes the route table lacks
# Console routes that answer a file, not a page: a chart stylesheet, a CSV, a PDF, a feed.
FILES = frozenset({"/admin/indicators/charts.css", "/admin/indicators/{key}.csv",
                   "/admin/manuals/download", "/admin/organisations/{slug}/visits/{token}.ics"})


def html_routes(app) -> set[str]:
    """Every GET route the app declares that may answer a page."""
    from fastapi.routing import iter_route_contexts

    return {route.path for route in iter_route_contexts(app.routes)
            if route.path and "GET" in (route.methods or ())
            and not route.path.startswith(NOT_HTML)}


def test_every_page_of_the_app_carries_the_headers(app, services, world, client_as):
    """Each GET route (the console's from the route table, filled in as it says), as the
    admin; every answer that is HTML has them, and at least the pages do."""
    import re

    from tests.web.console.routes import collect

    admin = client_as("admin")
    pages = {row.path: row for row in collect() if row.method == "GET" and not row.api}
    assert html_routes(app) == set(pages) | set(OUTSIDE_THE_TABLE), \
        "a page without a row here: add it to the route table or OUTSIDE_THE_TABLE"
    html, made = 0, {}  # each setup once: some make rows that may exist only once
    for path in sorted(html_routes(app)):
        setup = pages[path].setup if path in pages else None
        if setup is not None and setup not in made:
            made[setup] = setup(services.db, world)
        params = made.get(setup, {})
        url = re.sub(r"\{(\w+)\}", lambda m, p=params: str(p[m.group(1)]), path)
        response = admin.get(url, follow_redirects=True)
        if response.headers.get("content-type", "").startswith("text/html"):
            html += 1
            policy = response.headers["content-security-policy"]
            assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
            for name in ("x-frame-options", "referrer-policy", "x-content-type-options"):
                assert response.headers[name] == EXPECTED[name], (url, name)
    assert html >= len(set(pages) - FILES)


@pytest.mark.parametrize("path, status", [("/simulator", 200), ("/docs", 200),
                                          ("/admin/no-such-page", 404),
                                          ("/admin/login", 200)])
def test_pages_outside_a_session_carry_them(anonymous, path, status):
    response = anonymous.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
