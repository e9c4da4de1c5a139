"""What the console keeps of secrets: one-time set-up links that work once and expire,
personal API tokens shown once and stored as hashes, passwords as Argon2id hashes and
nowhere in plain text."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, select

from content.db import session_scope
from content.models import ApiToken, ConsoleAccount, utcnow
from services import accounts
from services.accounts.passwords import digest
from tests.support.console import PASSWORD, PEOPLE, csrf_of, form_login
from web.console.core import COOKIE

NEW_EMAIL = "sopheap@cedac.example.org"
CHOSEN = "rice fields after the rain"
CHANGED = "a completely different passphrase"
MISTYPED = "rice fields after the rian"
QUEUE = "/api/moderation/questions/queue"


def new_account(services, world) -> str:
    """A CEDAC moderator with no password yet; the set-up token."""
    with session_scope(services.db) as session:
        _, token, _ = accounts.create_account(
            session=session, email=NEW_EMAIL, name="Sopheap", role="moderator",
            organisation="cedac", languages=["km"], actor="tests", now=utcnow())
    return token


def set_password(client, token: str, password: str, confirm: str | None = None):
    page = client.get(f"/admin/setup/{token}")
    return client.post(f"/admin/setup/{token}", data={
        "password": password, "confirm": password if confirm is None else confirm,
        "csrf_token": csrf_of(page.text)})


def test_a_setup_link_sets_the_password_once(world, services, anonymous):
    token = new_account(services, world)
    page = anonymous.get(f"/admin/setup/{token}")
    assert page.status_code == 200 and NEW_EMAIL in page.text
    assert set_password(anonymous, token, CHOSEN, MISTYPED).status_code == 422
    assert set_password(anonymous, token, "short").status_code == 422  # still usable
    done = set_password(anonymous, token, CHOSEN)
    assert done.status_code == 303 and done.headers["location"] == "/admin"
    assert anonymous.get("/admin").status_code == 200  # logged in by the link
    assert anonymous.get(f"/admin/setup/{token}").status_code == 404
    anonymous.cookies.delete(COOKIE, path="/admin")
    form = csrf_of(anonymous.get("/admin/login").text)  # a valid form token, a used link
    again = anonymous.post(f"/admin/setup/{token}", data={
        "password": "somebody else's", "confirm": "somebody else's", "csrf_token": form})
    assert again.status_code == 404
    assert form_login(anonymous, NEW_EMAIL, CHOSEN).status_code == 303


def test_a_setup_link_expires(world, services, anonymous):
    token = new_account(services, world)
    with session_scope(services.db) as session:
        account = accounts.accounts.by_email(session, NEW_EMAIL)
        assert account.setup_expires_at - utcnow() > timedelta(days=2, hours=23)
        account.setup_expires_at = utcnow() - timedelta(seconds=1)
    assert anonymous.get(f"/admin/setup/{token}").status_code == 404


def test_a_new_setup_link_replaces_the_old_one(world, services, anonymous):
    old = new_account(services, world)
    with session_scope(services.db) as session:
        account = accounts.accounts.by_email(session, NEW_EMAIL)
        new = accounts.new_setup_link(session=session, account_id=account.id,
                                      actor="tests", now=utcnow())
    assert anonymous.get(f"/admin/setup/{old}").status_code == 404
    assert anonymous.get(f"/admin/setup/{new}").status_code == 200


def test_a_disabled_account_s_setup_link_does_not_work(world, services, anonymous):
    token = new_account(services, world)
    with session_scope(services.db) as session:
        account = accounts.accounts.by_email(session, NEW_EMAIL)
        accounts.set_disabled(session=session, account_id=account.id, disabled=True,
                              actor="tests", now=utcnow())
    assert anonymous.get(f"/admin/setup/{token}").status_code == 404


def test_an_api_token_is_shown_once_stored_as_a_hash_and_revocable(world, client_as,
                                                                   services):
    browser = client_as("moderator")
    page = browser.get("/admin/account")
    created = browser.post("/admin/account/tokens", data={
        "name": "weekly report", "csrf_token": csrf_of(page.text)})
    assert created.status_code == 200
    secret = re.search(r"plt_[A-Za-z0-9_-]{40,}", created.text).group(0)
    assert "no-store" in created.headers["cache-control"]
    assert secret not in browser.get("/admin/account").text  # shown once
    with Session(services.db) as session:
        row = session.exec(select(ApiToken).where(ApiToken.name == "weekly report")).one()
    assert row.token_hash == digest(secret) and secret.startswith(row.prefix)
    assert secret not in dump(services)
    bearer = {"Authorization": f"Bearer {secret}"}
    assert browser.get(QUEUE, headers=bearer).status_code == 200
    page = browser.get("/admin/account")
    revoked = browser.post(f"/admin/account/tokens/{row.id}/revoke",
                           data={"csrf_token": csrf_of(page.text)})
    assert revoked.status_code == 303
    assert browser.get(QUEUE, headers=bearer).status_code == 401


def test_a_token_of_another_account_cannot_be_revoked(world, client_as, services):
    browser = client_as("moderator")
    with Session(services.db) as session:
        theirs = session.exec(select(ApiToken).where(
            ApiToken.account_id == world.accounts["parc"])).one()
    page = browser.get("/admin/account")
    browser.post(f"/admin/account/tokens/{theirs.id}/revoke",
                 data={"csrf_token": csrf_of(page.text)})
    bearer = {"Authorization": f"Bearer {world.tokens['parc']}"}
    assert browser.get(QUEUE, headers=bearer).status_code == 200


def dump(services) -> str:
    """Every value of every column of every table, as text."""
    parts: list[str] = []
    with Session(services.db) as session:
        for table in SQLModel.metadata.sorted_tables:
            for row in session.execute(sa_select(table)):
                parts.extend(str(value) for value in row)
    return "\n".join(parts)


def test_no_password_is_stored_in_plain_text_anywhere(world, services, anonymous, client_as):
    token = new_account(services, world)
    set_password(anonymous, token, CHOSEN)
    page = anonymous.get("/admin/account")
    anonymous.post("/admin/account/password", data={
        "csrf_token": csrf_of(page.text), "old": CHOSEN, "new": CHANGED, "confirm": CHANGED})
    anonymous.cookies.delete(COOKIE, path="/admin")
    form_login(anonymous, NEW_EMAIL, MISTYPED)
    form_login(anonymous, "nobody@example.org", MISTYPED)
    assert form_login(anonymous, NEW_EMAIL, CHANGED).status_code == 303
    basic = base64.b64encode(f"{NEW_EMAIL}:{CHANGED}".encode()).decode()
    assert anonymous.get(QUEUE, headers={"Authorization": f"Basic {basic}"}).status_code == 200
    everything = dump(services)
    for secret in (PASSWORD, CHOSEN, CHANGED, MISTYPED, token):
        assert secret not in everything
    with Session(services.db) as session:
        hashes = [a.password_hash for a in session.exec(select(ConsoleAccount))]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert len(hashes) == len(PEOPLE) + 1
