"""Every console form post needs the session's CSRF token: each non-GET console route of
the route table (tests/web/console/routes), posted by the admin without the token or with
another session's, is refused with 403 and changes nothing in the database."""

from __future__ import annotations

import re

import pytest

from content.db import session_scope
from content.models import ConsoleAccount, utcnow
from services.accounts import sessions
from tests.support.snapshot import snapshot
from tests.web.console.routes import Row, collect

POSTS = [r for r in collect() if not r.api and r.method != "GET"]


def path_of(row: Row, params: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), row.path)


def other_csrf(db, world) -> str:
    """The CSRF token of another account's live session."""
    with session_scope(db) as session:
        account = session.get(ConsoleAccount, world.accounts["moderator"])
        _, row = sessions.start(session=session, account=account, now=utcnow(),
                                lifetime=sessions.Lifetime())
        return row.csrf_token


def test_the_table_has_form_posts_to_check():
    assert len(POSTS) >= 10


@pytest.mark.parametrize("row", POSTS, ids=[str(r) for r in POSTS])
@pytest.mark.parametrize("token", ["none", "another session's"])
def test_a_form_post_without_the_session_s_token_is_refused_and_changes_nothing(
        row: Row, token: str, services, world, client_as):
    admin = client_as("admin")
    params = row.setup(services.db, world)
    form = dict(row.form or {})
    if token != "none":
        form["csrf_token"] = other_csrf(services.db, world)
    before = snapshot(services.db)
    response = admin.request(row.method, path_of(row, params), data=form)
    assert response.status_code == 403, f"{row}: {response.status_code}"
    assert "This form has expired" in response.text
    after = snapshot(services.db)
    assert {t for t in before if before[t] != after[t]} == set()


def test_the_token_works_in_the_header_htmx_sends(client_as, services, world):
    admin = client_as("admin")
    csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', admin.get("/admin").text).group(1)
    response = admin.post(f"/admin/accounts/{world.accounts['parc']}/disable",
                          headers={"X-CSRF-Token": csrf})
    assert response.status_code == 303
    wrong = admin.post(f"/admin/accounts/{world.accounts['parc']}/enable",
                       headers={"X-CSRF-Token": csrf + "x"})
    assert wrong.status_code == 403
