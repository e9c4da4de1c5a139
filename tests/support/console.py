"""A console world for tests: two partner organisations, an account of every role, and
clients logged in as each of them (through the real session service, so a test pays for
Argon2 only where it tests logging in).

- CEDAC works in Cambodia (KH) in Khmer and English; its accounts: moderator
  (km, en), translator (km, lo), viewer (km, en).
- PARC works in the Philippines (PH) in English and Filipino; its account: moderator.
- The admin belongs to no organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from content.db import session_scope
from content.models import ApiToken, ConsoleAccount, Organisation, utcnow
from services.accounts import passwords, sessions, tokens
from web.console.core import COOKIE

PASSWORD = "correct horse battery staple"
ROLES = ("admin", "moderator", "translator", "viewer")
PEOPLE = {  # key: (e-mail, role, organisation slug, languages)
    "admin": ("admin@peerlearn.example.org", "admin", None, []),
    "moderator": ("mod@cedac.example.org", "moderator", "cedac", ["km", "en"]),
    "translator": ("tr@cedac.example.org", "translator", "cedac", ["km", "lo"]),
    "viewer": ("view@cedac.example.org", "viewer", "cedac", ["km", "en"]),
    "parc": ("mod@parc.example.org", "moderator", "parc", ["en", "fil"]),
}


@lru_cache(maxsize=1)
def password_hash() -> str:
    """One Argon2 hash of PASSWORD for every test account."""
    return passwords.hash_password(PASSWORD)


@dataclass
class World:
    """The organisations' and accounts' ids, and API tokens by person."""

    orgs: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def make_world(db) -> World:
    """Creates the organisations and one account per person (password PASSWORD)."""
    world = World()
    with session_scope(db) as session:
        for slug, name, country, languages in (
                ("cedac", "CEDAC", "KH", ["km", "en"]),
                ("parc", "PARC Interpeoples", "PH", ["en", "fil"])):
            org = Organisation(slug=slug, name=name, country=country, languages=languages)
            session.add(org)
            session.flush()
            world.orgs[slug] = org.id
        for key, (email, role, org, languages) in PEOPLE.items():
            account = ConsoleAccount(email=email, name=key.title(), role=role,
                                     organisation_id=world.orgs.get(org),
                                     languages=languages, password_hash=password_hash())
            session.add(account)
            session.flush()
            world.accounts[key] = account.id
            world.tokens[key], _ = tokens.create(session=session, account_id=account.id,
                                                 name="tests", now=utcnow())
    return world


def logged_in(client: TestClient, db, person_id: int) -> TestClient:
    """Gives the client a live console session of the account (cookie set)."""
    with session_scope(db) as session:
        account = session.get(ConsoleAccount, person_id)
        token, _ = sessions.start(session=session, account=account, now=utcnow(),
                                  lifetime=sessions.Lifetime())
    client.cookies.set(COOKIE, token, path="/admin")
    return client


def csrf_of(html: str) -> str:
    """The CSRF token a console page carries in its forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def token_rows(db) -> list[ApiToken]:
    """Every API token row (for tests that check what is stored)."""
    with Session(db) as session:
        return list(session.exec(select(ApiToken)))


def form_login(client: TestClient, email: str, password: str = PASSWORD,
               next_url: str = "/admin"):
    """Logs in through the login form as a browser does (the page first, for the form's
    CSRF cookie and field); returns the answer to the post."""
    page = client.get("/admin/login")
    return client.post("/admin/login", data={"email": email, "password": password,
                                              "csrf_token": csrf_of(page.text),
                                              "next": next_url})
