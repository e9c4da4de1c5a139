"""Logging in to the console: the session cookie, one answer whether or not an e-mail has
an account, throttling per e-mail and per client address, the same Argon2 work for every
attempt, and the login form's own CSRF check."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from content.db import session_scope
from content.models import ConsoleAccount, ConsoleSession, LoginFailure, utcnow
from services.accounts import passwords
from tests.support.console import PASSWORD, PEOPLE, form_login
from web.console.core import Console

KNOWN = PEOPLE["moderator"][0]  # mod@cedac.example.org
UNKNOWN = "zzz@cedac.example.org"  # as long as KNOWN, so the pages can be compared
assert len(KNOWN) == len(UNKNOWN)


@pytest.fixture
def browser_at(app) -> Iterator:
    """`browser_at("10.0.0.1")`: a browser whose requests come from that address."""
    opened: list[TestClient] = []

    def open_at(address: str, *, https: bool = False) -> TestClient:
        client = TestClient(app, follow_redirects=False, client=(address, 40000),
                            base_url="https://testserver" if https else "http://testserver")
        opened.append(client.__enter__())
        return client

    yield open_at
    for client in opened:
        client.__exit__(None, None, None)


def comparable(response, email: str) -> tuple[int, str, dict]:
    """What an answer tells the person who typed `email` (the form keeps what they typed,
    so that is replaced). The date may differ, and so may Retry-After by the seconds
    between two answers: it counts down the same window for both (checked apart)."""
    headers = {k: v for k, v in response.headers.items() if k not in {"date", "retry-after"}}
    return response.status_code, response.text.replace(email, "E-MAIL"), headers


def test_the_right_password_starts_a_session_with_a_strict_cookie(world, browser_at, services):
    browser = browser_at("10.0.0.1", https=True)
    response = form_login(browser, KNOWN, next_url="/admin/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/account"
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("peerlearn_console="))
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    # site-wide: the simulator reads it where it needs a login
    assert {"httponly", "samesite=lax", "path=/", "secure"} <= attributes
    assert browser.get("/admin/account").status_code == 200
    with Session(services.db) as session:
        account = session.get(ConsoleAccount, world.accounts["moderator"])
        assert account.last_login_at is not None
        assert len(session.exec(select(ConsoleSession)).all()) == 1


def test_over_plain_http_the_cookie_is_not_marked_secure(world, browser_at):
    response = form_login(browser_at("10.0.0.1"), KNOWN)
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("peerlearn_console="))
    assert "secure" not in cookie.lower()
    assert "httponly" in cookie.lower()


def test_a_next_page_on_another_site_is_ignored(world, browser_at):
    for target in ("https://evil.example/", "//evil.example/admin", "/admin\\@evil"):
        response = form_login(browser_at("10.0.0.1"), KNOWN, next_url=target)
        assert response.headers["location"] == "/admin"


def test_a_wrong_password_and_an_unknown_email_get_the_same_page(world, browser_at):
    browser = browser_at("10.0.0.1")
    wrong = form_login(browser, KNOWN, "not the password")
    unknown = form_login(browser, UNKNOWN, "not the password")
    assert wrong.status_code == 401
    assert "The e-mail or the password is not right." in wrong.text
    assert comparable(wrong, KNOWN) == comparable(unknown, UNKNOWN)
    assert "peerlearn_console=" not in wrong.headers.get("set-cookie", "")


def test_a_disabled_account_with_its_right_password_gets_the_same_page(world, browser_at,
                                                                        services):
    with session_scope(services.db) as session:
        session.get(ConsoleAccount, world.accounts["moderator"]).disabled_at = utcnow()
    browser = browser_at("10.0.0.1")
    disabled = form_login(browser, KNOWN, PASSWORD)
    unknown = form_login(browser, UNKNOWN, PASSWORD)
    assert disabled.status_code == 401
    assert comparable(disabled, KNOWN) == comparable(unknown, UNKNOWN)


def test_an_account_without_a_password_yet_gets_the_same_page(world, browser_at, services):
    with session_scope(services.db) as session:
        session.get(ConsoleAccount, world.accounts["moderator"]).password_hash = None
    browser = browser_at("10.0.0.1")
    assert comparable(form_login(browser, KNOWN, ""), KNOWN) == \
        comparable(form_login(browser, UNKNOWN, ""), UNKNOWN)


def test_the_sixth_failure_for_an_email_is_throttled_known_or_not(world, browser_at):
    browser = browser_at("10.0.0.1")
    answers = {}
    for email in (KNOWN, UNKNOWN):
        statuses = [form_login(browser, email, "wrong password").status_code
                    for _ in range(5)]
        assert statuses == [401] * 5
        answers[email] = form_login(browser, email, PASSWORD)  # even the right one
        assert answers[email].status_code == 429
        assert 1 <= int(answers[email].headers["retry-after"]) <= 15 * 60
        assert "Too many attempts" in answers[email].text
    assert comparable(answers[KNOWN], KNOWN) == comparable(answers[UNKNOWN], UNKNOWN)
    waits = [int(answers[email].headers["retry-after"]) for email in (KNOWN, UNKNOWN)]
    assert abs(waits[0] - waits[1]) <= 5, waits
    # The e-mail is blocked from every address; another e-mail is not.
    assert form_login(browser_at("10.0.0.9"), KNOWN).status_code == 429
    assert form_login(browser, PEOPLE["viewer"][0]).status_code == 303


def test_the_email_limit_lifts_after_fifteen_minutes(world, browser_at, services):
    browser = browser_at("10.0.0.1")
    for _ in range(5):
        form_login(browser, KNOWN, "wrong password")
    assert form_login(browser, KNOWN).status_code == 429
    with session_scope(services.db) as session:  # the failures move 15 minutes back
        for failure in session.exec(select(LoginFailure)):
            failure.at -= timedelta(minutes=15, seconds=1)
    assert form_login(browser, KNOWN).status_code == 303


def test_an_address_is_throttled_after_twenty_failures_across_emails(world, browser_at):
    noisy = browser_at("10.0.0.1")
    for n in range(20):
        assert form_login(noisy, f"guess{n}@example.org", "wrong").status_code == 401
    assert form_login(noisy, "guess99@example.org", "wrong").status_code == 429
    assert form_login(noisy, KNOWN).status_code == 429  # the right password too
    # Another address is not held back by the first one's failures.
    assert form_login(browser_at("10.0.0.2"), KNOWN).status_code == 303


@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """The hashes Argon2 verified (recorded by wrapping argon2-cffi's verify)."""
    seen: list[str] = []
    original = PasswordHasher.verify

    def counting(self, hash, password):  # noqa: A002 (argon2-cffi's parameter name)
        seen.append(hash)
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return seen


def test_every_attempt_verifies_exactly_one_argon2_hash(world, browser_at, services,
                                                        verifications):
    browser = browser_at("10.0.0.1")
    with session_scope(services.db) as session:
        session.get(ConsoleAccount, world.accounts["viewer"]).disabled_at = utcnow()
    attempts = [(KNOWN, "wrong password"), (UNKNOWN, "wrong password"),
                (PEOPLE["viewer"][0], PASSWORD), ("", "anything"), (KNOWN, PASSWORD)]
    for email, password in attempts:
        before = len(verifications)
        form_login(browser, email, password)
        assert len(verifications) - before == 1, email
    # The unknown e-mail's verification is a real Argon2id hash, as costly as an account's.
    assert verifications[1] == passwords.dummy_hash()
    assert passwords.hasher().check_needs_rehash(verifications[1]) is False
    assert verifications[1].split("$")[:4] == verifications[0].split("$")[:4]


def test_the_unknown_email_hash_is_made_at_start_up(services):
    passwords.dummy_hash.cache_clear()  # else the first unknown e-mail would pay for it
    Console(services)
    assert passwords.dummy_hash.cache_info().currsize == 1


def test_a_throttled_attempt_verifies_nothing_known_or_not(world, browser_at, verifications):
    browser = browser_at("10.0.0.1")
    for email in (KNOWN, UNKNOWN):
        for _ in range(5):
            form_login(browser, email, "wrong password")
        before = len(verifications)
        assert form_login(browser, email, PASSWORD).status_code == 429
        assert len(verifications) == before


def test_the_login_form_needs_its_cookie_token(world, browser_at, services):
    browser = browser_at("10.0.0.1")
    page = browser.get("/admin/login")
    assert page.status_code == 200
    token = browser.cookies.get("peerlearn_login")
    assert token and f'value="{token}"' in page.text
    fresh = browser_at("10.0.0.2")  # a page of another site posting to ours has no cookie
    refused = fresh.post("/admin/login", data={"email": KNOWN, "password": PASSWORD,
                                              "csrf_token": token})
    assert refused.status_code == 403
    wrong = browser.post("/admin/login", data={"email": KNOWN, "password": PASSWORD,
                                              "csrf_token": "x" + token})
    assert wrong.status_code == 403
    missing = browser.post("/admin/login", data={"email": KNOWN, "password": PASSWORD})
    assert missing.status_code == 403
    with Session(services.db) as session:
        assert session.exec(select(ConsoleSession)).all() == []
