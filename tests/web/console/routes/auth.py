"""Logging in, the set-up link, the account page, the overview."""

from __future__ import annotations

from sqlmodel import select

from content.db import session_scope
from content.models import ApiToken, ConsoleSession, utcnow
from tests.web.console.routes import row

EVERYONE = dict(admin=200, moderator=200, translator=200, viewer=200)
REDIRECTED = dict(admin=303, moderator=303, translator=303, viewer=303)


def other_session(db, world) -> dict:
    """A second session of the admin (ending it is a no-op for anyone else)."""
    with session_scope(db) as session:
        row_ = ConsoleSession(token_hash="x" * 64, account_id=world.accounts["admin"],
                              csrf_token="c", expires_at=utcnow())
        session.add(row_)
        session.flush()
        return {"session_id": row_.id}


def a_token(db, world) -> dict:
    with session_scope(db) as session:
        token = session.exec(select(ApiToken).where(
            ApiToken.account_id == world.accounts["admin"])).first()
        return {"token_id": token.id}


ROWS = [
    row("GET", "/admin/login", anonymous=200, **EVERYONE),
    # Without the login form's cookie the double-submit check refuses the post.
    row("POST", "/admin/login", anonymous=403, admin=403, moderator=403, translator=403,
        viewer=403, form={"email": "a@b.org", "password": "x"}),
    row("POST", "/admin/logout", **REDIRECTED),
    row("GET", "/admin/setup/{token}", anonymous=404, admin=404, moderator=404,
        translator=404, viewer=404, setup=lambda db, world: {"token": "su_nope"}),
    row("POST", "/admin/setup/{token}", anonymous=403, admin=403, moderator=403,
        translator=403, viewer=403, setup=lambda db, world: {"token": "su_nope"},
        form={"password": "x", "confirm": "x"}),
    row("GET", "/admin", **EVERYONE),
    row("GET", "/admin/account", **EVERYONE),
    row("POST", "/admin/account/password", admin=422, moderator=422, translator=422,
        viewer=422, form={"old": "wrong", "new": "a new password", "confirm": "a new password"}),
    row("POST", "/admin/account/sessions/{session_id}/revoke", **REDIRECTED,
        setup=other_session),
    row("POST", "/admin/account/tokens", **EVERYONE, form={"name": "script"}),
    row("POST", "/admin/account/tokens/{token_id}/revoke", **REDIRECTED, setup=a_token),
]
