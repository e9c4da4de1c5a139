"""The moderation API takes the console's accounts: HTTP Basic (counted by the same login
throttle as the form) or a personal token, with the same role checks."""

from __future__ import annotations

import base64

from argon2 import PasswordHasher
from sqlmodel import Session, select

from content.db import session_scope
from content.models import ApiToken, ConsoleAccount, utcnow
from services.accounts import tokens
from tests.support.console import PASSWORD, PEOPLE, form_login

QUEUE = "/api/moderation/questions/queue"
CLOSE = "/api/moderation/introductions/999999/close"


def basic(email: str, password: str = PASSWORD) -> dict[str, str]:
    """Basic credentials, with the header a script adds (web/cross_site.py)."""
    value = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {value}", "X-Requested-With": "peerlearn-tests"}


def test_basic_with_an_account_works_and_its_role_applies(world, anonymous):
    assert anonymous.get(QUEUE, headers=basic(PEOPLE["viewer"][0])).status_code == 200
    refused = anonymous.post(CLOSE, headers=basic(PEOPLE["viewer"][0]))
    assert refused.status_code == 403
    assert "viewer" in refused.json()["detail"]
    # A moderator gets past the role check (to a 404: no such introduction).
    assert anonymous.post(CLOSE, headers=basic(PEOPLE["moderator"][0])).status_code == 404


def test_wrong_or_missing_credentials_get_401_with_a_challenge(world, anonymous):
    for headers in (basic(PEOPLE["moderator"][0], "wrong"), basic("nobody@example.org"),
                    {"Authorization": "Basic !!not base64!!"},
                    {"Authorization": "Bearer plt_not-a-token"},
                    {"Authorization": "Digest whatever"}, {}):
        response = anonymous.get(QUEUE, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"].startswith("Basic realm=")


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(world, anonymous):
    wrong = anonymous.get(QUEUE, headers=basic(PEOPLE["moderator"][0], "wrong"))
    unknown = anonymous.get(QUEUE, headers=basic("nobody@example.org", "wrong"))
    assert (wrong.status_code, wrong.content, wrong.headers["www-authenticate"]) == \
        (unknown.status_code, unknown.content, unknown.headers["www-authenticate"])


def test_a_disabled_account_is_refused_with_basic_too(world, anonymous, services):
    with session_scope(services.db) as session:
        session.get(ConsoleAccount, world.accounts["moderator"]).disabled_at = utcnow()
    assert anonymous.get(QUEUE, headers=basic(PEOPLE["moderator"][0])).status_code == 401


def test_basic_failures_count_towards_the_login_throttle(world, anonymous):
    email = PEOPLE["moderator"][0]
    for _ in range(3):
        assert anonymous.get(QUEUE, headers=basic(email, "wrong")).status_code == 401
    for _ in range(2):
        assert form_login(anonymous, email, "wrong").status_code == 401
    throttled = anonymous.get(QUEUE, headers=basic(email))  # the right password, 6th try
    assert throttled.status_code == 429
    assert 1 <= int(throttled.headers["retry-after"]) <= 15 * 60
    assert form_login(anonymous, email).status_code == 429
    # A personal token is not a password guess: it still works.
    bearer = {"Authorization": f"Bearer {world.tokens['moderator']}"}
    assert anonymous.get(QUEUE, headers=bearer).status_code == 200


def test_an_unknown_email_over_basic_verifies_one_hash_too(world, anonymous, monkeypatch):
    calls: list[str] = []
    original = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify",
                        lambda self, h, p: calls.append(h) or original(self, h, p))
    anonymous.get(QUEUE, headers=basic("nobody@example.org", "wrong"))
    anonymous.get(QUEUE, headers=basic(PEOPLE["moderator"][0], "wrong"))
    assert len(calls) == 2


def test_a_bearer_token_works_with_its_account_s_role(world, anonymous, services):
    viewer = {"Authorization": f"Bearer {world.tokens['viewer']}"}
    assert anonymous.get(QUEUE, headers=viewer).status_code == 200
    assert anonymous.post(CLOSE, headers=viewer).status_code == 403
    with Session(services.db) as session:
        row = session.exec(select(ApiToken).where(
            ApiToken.account_id == world.accounts["viewer"])).one()
        assert row.last_used_at is not None


def test_a_revoked_token_gets_401(world, anonymous, services):
    with session_scope(services.db) as session:
        row = session.exec(select(ApiToken).where(
            ApiToken.account_id == world.accounts["moderator"])).one()
        assert tokens.revoke(session=session, account_id=world.accounts["moderator"],
                             token_id=row.id, now=utcnow())
    bearer = {"Authorization": f"Bearer {world.tokens['moderator']}"}
    response = anonymous.get(QUEUE, headers=bearer)
    assert response.status_code == 401
    assert "www-authenticate" in response.headers
