"""Every console page and moderation API route, for every role (tests/web/console/routes).

The table is checked against the app's own routes: a route without a row, or a row
without a route, fails here.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts
from sqlmodel import Session, select

from content.models import ConsoleSession
from tests.web.console.routes import WHO, Row, collect

ROWS = collect()
GUARDED = ("/admin", "/api/moderation")


def declared(app) -> set[tuple[str, str]]:
    """(method, path) of every guarded route the app serves (FastAPI keeps included
    routers nested; iter_route_contexts walks them with their prefixes)."""
    return {(method, route.path) for route in iter_route_contexts(app.routes)
            if route.path and route.path.startswith(GUARDED) and route.methods
            for method in route.methods - {"HEAD"}}


def test_every_route_has_exactly_one_row(app):
    rows = [(r.method, r.path) for r in ROWS]
    assert len(rows) == len(set(rows)), "a route has two rows"
    missing = declared(app) - set(rows)
    extra = set(rows) - declared(app)
    assert not missing, f"routes without a row in tests/web/console/routes: {sorted(missing)}"
    assert not extra, f"rows without a route: {sorted(extra)}"


def _csrf(services, client) -> str:
    from services.accounts.passwords import digest
    from web.console.core import COOKIE

    with Session(services.db) as session:
        row = session.exec(select(ConsoleSession).where(
            ConsoleSession.token_hash == digest(client.cookies.get(COOKIE)))).one()
        return row.csrf_token


@pytest.mark.parametrize(("row", "who"), [(r, w) for r in ROWS for w in WHO],
                         ids=[f"{r} as {w}" for r in ROWS for w in WHO])
def test_the_route_answers_as_the_table_says(row: Row, who: str, services, world,
                                            anonymous, client_as):
    params = row.setup(services.db, world)
    path = re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), row.path)
    client = anonymous if who == "anonymous" else client_as(who)
    if row.api:
        headers = {} if who == "anonymous" else {
            "Authorization": f"Bearer {world.tokens[who]}"}
        body = _filled(row.json, params)
        if body is None and row.method != "GET":
            body = {}  # a change is sent as JSON (web/cross_site.py)
        response = client.request(row.method, path, json=body, headers=headers)
    elif row.method == "GET":
        response = client.get(path)
    else:
        form = dict(_filled(row.form, params) or {})
        if who != "anonymous":
            form["csrf_token"] = _csrf(services, client)
        response = client.request(row.method, path, data=form)
    assert response.status_code == row.expect[who], (
        f"{row} as {who}: {response.status_code} {response.text[:300]}")


def _filled(values: dict | None, params: dict) -> dict | None:
    """A body whose "{name}" values are the setup's ids (e.g. the expert to assign)."""
    if values is None:
        return None
    exact = re.compile(r"^\{(\w+)\}$")
    return {key: params[m.group(1)] if isinstance(value, str) and (m := exact.match(value))
            else value for key, value in values.items()}
