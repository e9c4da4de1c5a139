"""Requests on a moderator's behalf (web/cross_site.py): with the moderator's Basic
credentials cached, a browser sends them with whatever another site makes it post. A
change through the API must therefore be JSON, or carry X-Requested-With or a personal
token; a form (urlencoded, multipart, text/plain) or a body without a Content-Type is
refused with 403 before anything is read, and nothing changes in the database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlmodel import Session

from content.db import session_scope
from content.models import Practice
from peerlearn.app import create_app
from tests.conftest import clear
from tests.support.snapshot import snapshot
from tests.web.moderation.conftest import ADMIN

BODY = b'{"note": "from another site"}'
# name: (request keyword arguments, status, archived afterwards)
CASES = {
    "form, urlencoded": (dict(data={"note": "x"}), 403, False),
    "form, multipart": (dict(files={"note": ("n.txt", b"x", "text/plain")}), 403, False),
    "form, text/plain holding JSON": (
        dict(content=BODY, headers={"Content-Type": "text/plain"}), 403, False),
    "no body at all": (dict(), 403, False),
    "JSON without a Content-Type (a no-cors fetch of a Blob)": (
        dict(content=BODY), 403, False),
    "JSON": (dict(json={}), 200, True),
    "JSON with a charset": (
        dict(content=b"{}", headers={"Content-Type": "application/json; charset=utf-8"}),
        200, True),
    "X-Requested-With, no body": (dict(headers={"X-Requested-With": "script"}), 200, True),
}


@pytest.fixture
def browser(settings, services) -> Iterator[TestClient]:
    """A browser holding the moderator's Basic credentials (and nothing else)."""
    with TestClient(create_app(settings, services)) as client:
        client.auth = ADMIN
        yield client


@pytest.fixture
def practice(services) -> Iterator[int]:
    """A published practice of this test's own (the shared store stays as it is)."""
    with session_scope(services.db) as session:
        row = Practice(slug="cross-site-target", pack="tests", status="published",
                       topics=["farming"])
        session.add(row)
        session.flush()
        found = row.id
    yield found
    clear(services.db)
    with session_scope(services.db) as session:
        session.execute(delete(Practice).where(Practice.id == found))


@pytest.mark.parametrize("name", CASES)
def test_archiving_with_cached_basic_credentials(browser, services, practice, name):
    kwargs, status, archived = CASES[name]
    before = snapshot(services.db)
    response = browser.post(f"/api/moderation/practices/{practice}/archive", **kwargs)
    assert response.status_code == status, response.text
    with Session(services.db) as session:
        assert (session.get(Practice, practice).status == "archived") is archived
    if status == 403:
        assert "JSON body" in response.json()["detail"]
        assert snapshot(services.db) == before


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_other_changing_methods_are_held_to_it_too(browser, practice, method):
    response = browser.request(method, f"/api/moderation/practices/{practice}",
                               data={"note": "x"})
    assert response.status_code == 403


def test_reads_need_nothing_more(browser, practice):
    assert browser.get("/api/moderation/practices/drafts").status_code == 200
    assert browser.get("/api/search", params={"q": "rice"}).status_code == 200


@pytest.mark.parametrize("kwargs, status", [
    (dict(data={"channel": "sms", "address": "+85512345678", "text": "hi"}), 403),
    (dict(content=b'{"channel": "sms", "address": "+85512345678", "text": "hi"}',
          headers={"Content-Type": "text/plain"}), 403),
    (dict(json={"channel": "sms", "address": "+85512345678", "text": "hi"}), 200),
])
def test_the_simulator_takes_json_only(browser, kwargs, status):
    assert browser.post("/simulator/api/messages", **kwargs).status_code == status
