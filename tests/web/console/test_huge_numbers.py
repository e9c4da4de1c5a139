"""Ids, offsets and limits no id column holds (2^31 on PostgreSQL, 2^63 on SQLite): 404 or
422 on every console page and moderation API route, never a 500 (web/params.py).

The table is the route × role table (tests/web/console/routes): for each route, every
integer the app declares for it (path and query, found on the route itself, so a new
route or parameter is covered without a new row) and every id its form or JSON body
carries is sent too large, by the first person the table lets through.
"""

from __future__ import annotations

import re

import pytest
from fastapi.dependencies.utils import get_dependant, get_flat_params
from fastapi.routing import iter_route_contexts

from tests.web.console.routes import WHO, Row, collect
from tests.web.console.test_routes import _csrf, _filled

HUGE = (2**31, 2**63, 2**64, 10**30)
IDS = re.compile(r"\{(\w+_id|number)\}")
ROWS = collect()


def declared_integers(app, row: Row) -> tuple[list[str], list[str]]:
    """(path, query) names of the integers the route of this row takes."""
    for route in iter_route_contexts(app.routes):
        if route.path == row.path and row.method in (route.methods or ()):
            params = get_flat_params(get_dependant(path=route.path, call=route.endpoint))
            ints = [p for p in params if p.field_info.annotation is int]
            names = set(re.findall(r"\{(\w+)\}", row.path))
            return ([p.alias for p in ints if p.alias in names],
                    [p.alias for p in ints if p.alias not in names])
    raise AssertionError(f"no route for {row}")


def body_ids(row: Row) -> list[str]:
    """Fields of the row's form or JSON body that carry an id of the set-up."""
    body = row.form or row.json or {}
    return [key for key, value in body.items() if isinstance(value, str)
            and re.fullmatch(r"\{\w+_id\}", value)]


def allowed(row: Row) -> str | None:
    """The first person the table lets through to the route itself."""
    return next((who for who in WHO[1:] if row.expect[who] not in (401, 403)), None)


def send(row: Row, who: str, client, token: str, services, params: dict, *,
         query=None, body=None):
    """The row's request as `who`, with `params` in the path and `body` over its body."""
    path = re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), row.path)
    if row.api:
        values = {**(_filled(row.json, params) or {}), **(body or {})}
        return client.request(row.method, path, params=query, json=values or None,
                              headers={"Authorization": f"Bearer {token}"})
    if row.method == "GET":
        return client.get(path, params=query)
    form = {**(_filled(row.form, params) or {}), **(body or {}),
            "csrf_token": _csrf(services, client)}
    return client.request(row.method, path, params=query, data=form)


def refused(row: Row, tries, services, world, client_as) -> list[str]:
    """Sends each (path, query, body) change of the row; what was not 404 or 422."""
    who = allowed(row)
    client, token = client_as(who), world.tokens[who]
    params = row.setup(services.db, world)
    wrong = []
    for label, path, query, body in tries(params):
        response = send(row, who, client, token, services, path, query=query, body=body)
        if response.status_code not in (404, 422):
            wrong.append(f"{row} {label}: {response.status_code} {response.text[:200]}")
    return wrong


WITH_IDS = [r for r in ROWS if allowed(r) and (IDS.search(r.path) or body_ids(r))]


@pytest.mark.parametrize("row", WITH_IDS, ids=[str(r) for r in WITH_IDS])
def test_ids_no_column_holds_are_refused(row, app, services, world, client_as):
    in_path, _ = declared_integers(app, row)
    assert in_path or body_ids(row)

    def tries(params):
        for huge in HUGE:
            for name in in_path:
                yield f"{name}={huge}", {**params, name: huge}, None, None
            for name in body_ids(row):
                yield f"body {name}={huge}", params, None, {name: huge}

    assert refused(row, tries, services, world, client_as) == []


def test_offsets_and_limits_no_column_holds_are_refused(app, services, world, client_as):
    wrong, names = [], set()
    for row in ROWS:
        _, in_query = declared_integers(app, row)
        if not in_query or not allowed(row):
            continue
        names.update(in_query)

        def tries(params, in_query=in_query):
            for huge in HUGE:
                for name in in_query:
                    yield f"?{name}={huge}", params, {name: huge}, None

        wrong += refused(row, tries, services, world, client_as)
    assert names >= {"offset", "limit", "at"}
    assert wrong == []


def test_every_route_taking_an_integer_is_in_the_table(app):
    """A route with an id or offset that no one may call would go unchecked."""
    unchecked = [str(r) for r in ROWS if any(declared_integers(app, r)) and not allowed(r)]
    assert unchecked == []


@pytest.mark.parametrize("which", [str(2**31), str(2**63), "\u00b2", "-1"])
def test_a_version_to_compare_no_column_holds_is_refused(which, services, world, client_as):
    row = next(r for r in ROWS if r.path == "/admin/practices/{practice_id}/versions")
    params = row.setup(services.db, world)
    client = client_as("admin")
    path = row.path.replace("{practice_id}", str(params["practice_id"]))
    for query in ({"a": which}, {"b": which}):
        assert client.get(path, params=query).status_code == 422
