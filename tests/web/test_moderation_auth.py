"""Every route under /api/moderation, found in the app itself so that new routes are
covered as they come: 503 until ADMIN_EMAIL and ADMIN_PASSWORD are set, 401 without the
right credentials, and with them the route's own answer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session, select

from content.models import AuditLog, Introduction, Member, Organisation
from peerlearn.app import create_app
from peerlearn.settings import Settings
from peerlearn.wiring import build
from web.moderation import PREFIX

ADMIN = ("lead@partner.example.org", "s3cret-enough")
OURS = {("GET", "/introductions"), ("POST", "/introductions/{introduction_id}/close"),
        ("GET", "/members"), ("POST", "/members/{member_id}/expert"),
        ("POST", "/members/{member_id}/role")}
# Bodies that make a route answer 200; a route not listed gets {} and must only get past
# the credential check.
BODIES = {
    "/members/{member_id}/expert": {"topics_offered": ["farming"], "languages": ["en"]},
    "/members/{member_id}/role": {"role": "member"},
}
DENIED = (401, 403, 503)


@dataclass(frozen=True)
class Call:
    """One request to one moderation route."""

    method: str
    template: str  # the path after the prefix, with {parameters}
    path: str  # the path to request

    def send(self, client: TestClient, auth: tuple[str, str] | None = None):
        body = BODIES.get(self.template, {}) if self.method in ("POST", "PUT", "PATCH") else None
        return client.request(self.method, self.path, json=body, auth=auth)


def settings_with(database_url: str, **admin) -> Settings:
    return Settings(database_url=database_url, run_dispatcher=False,
                    public_base_url="https://peerlearn.example.org", **admin)


@pytest.fixture
def ids(services) -> dict[str, int]:
    """An open introduction and a member, for the routes that act on one."""
    with Session(services.db) as session:
        a, b = Member(name="A", country="KH"), Member(name="B", country="PH")
        session.add_all([a, b, Organisation(slug="parc", name="PARC")])
        session.flush()
        intro = Introduction(member_a=a.id, member_b=b.id, status="active")
        session.add(intro)
        session.commit()
        return {"introduction_id": intro.id, "member_id": a.id}


def moderation_calls(app, ids: dict[str, int]) -> list[Call]:
    """Every method of every route under the moderation prefix, read from the app's
    OpenAPI schema (FastAPI keeps included routers nested, the schema lists them all)."""
    calls = []
    for template, operations in app.openapi()["paths"].items():
        if not template.startswith(PREFIX + "/"):
            continue
        path = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), template)
        calls += [Call(method.upper(), template[len(PREFIX):], path)
                  for method in sorted(operations)]
    assert calls, "no moderation routes found"
    return calls


def nothing_changed(services, ids: dict[str, int]) -> bool:
    """The introduction still open, the member still a member, the audit log empty."""
    with Session(services.db) as session:
        return (session.get(Introduction, ids["introduction_id"]).status == "active"
                and session.get(Member, ids["member_id"]).role == "member"
                and session.exec(select(AuditLog)).first() is None)


@pytest.fixture
def client_for(database_url, db, services) -> Iterator:
    """Opens an app whose moderation API has the given admin settings."""
    opened = []

    def open_with(**admin) -> TestClient:
        client = TestClient(create_app(settings_with(database_url, **admin),
                                       build(settings_with(database_url, **admin), db=db)))
        opened.append(client.__enter__())
        return client

    yield open_with
    for client in opened:
        client.__exit__(None, None, None)


def test_every_route_of_ours_is_found(client_for, ids):
    calls = moderation_calls(client_for(admin_email=ADMIN[0], admin_password=ADMIN[1]).app,
                             ids)
    assert OURS <= {(c.method, c.template) for c in calls}


@pytest.mark.parametrize("admin", [
    {}, {"admin_email": ADMIN[0]}, {"admin_password": SecretStr(ADMIN[1])},
    {"admin_email": ADMIN[0], "admin_password": SecretStr("")},
    {"admin_email": "", "admin_password": SecretStr(ADMIN[1])},
], ids=["neither", "no password", "no e-mail", "empty password", "empty e-mail"])
def test_without_admin_settings_every_route_is_503(services, client_for, ids, admin):
    client = client_for(**admin)
    for call in moderation_calls(client.app, ids):
        for auth in (None, ADMIN):
            response = call.send(client, auth)
            assert response.status_code == 503, (call, auth, response.text)
            assert "ADMIN_EMAIL" in response.json()["detail"]
    assert nothing_changed(services, ids)


@pytest.mark.parametrize("auth", [
    None, (ADMIN[0], "wrong"), ("someone@else.org", ADMIN[1]), (ADMIN[0], ""),
    (ADMIN[0].upper(), ADMIN[1]), ("", ""),
], ids=["none", "wrong password", "wrong e-mail", "empty password", "e-mail in capitals",
        "empty"])
def test_without_the_right_credentials_every_route_is_401(services, client_for, ids,
                                                          auth):
    client = client_for(admin_email=ADMIN[0], admin_password=ADMIN[1])
    for call in moderation_calls(client.app, ids):
        response = call.send(client, auth)
        assert response.status_code == 401, (call, response.text)
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert nothing_changed(services, ids)


def test_with_the_credentials_every_route_answers(client_for, ids):
    client = client_for(admin_email=ADMIN[0], admin_password=ADMIN[1])
    for call in moderation_calls(client.app, ids):
        response = call.send(client, ADMIN)
        if (call.method, call.template) in OURS:
            assert response.status_code == 200, (call, response.text)
        else:  # another area's route: its own answer (200, or 404/422 for our guesses)
            assert response.status_code not in DENIED and response.status_code < 500, (
                call, response.text)
