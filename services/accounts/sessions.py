"""Server-side console sessions. The browser holds a random token; the database holds its
SHA-256, the account, a CSRF token, and when the session was last used.

A session ends when it has been idle too long, when it is older than the absolute limit,
on logout, on a password change (every other session of the account), and when an
admin disables the account (all of them). Looking a session up refreshes `last_seen_at`
at most once a minute, so a page view is not a write.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from content.models import ConsoleAccount, ConsoleSession
from services.accounts.passwords import digest, new_token

TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Lifetime:
    """How long a session lasts idle, and at most."""

    idle: timedelta = timedelta(hours=8)
    absolute: timedelta = timedelta(days=7)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def start(*, session: Session, account: ConsoleAccount, now: datetime,
          lifetime: Lifetime) -> tuple[str, ConsoleSession]:
    """A new session for the account: (the token for the cookie, the row)."""
    token = new_token("s_")
    row = ConsoleSession(token_hash=digest(token), account_id=account.id,
                         csrf_token=secrets.token_urlsafe(32), created_at=now,
                         last_seen_at=now, expires_at=now + lifetime.absolute)
    session.add(row)
    session.flush()
    return token, row


def find(*, session: Session, token: str | None, now: datetime,
         lifetime: Lifetime) -> tuple[ConsoleSession, ConsoleAccount] | None:
    """The live session and its enabled account for a cookie's token, or None."""
    if not token or len(token) > 200:
        return None
    found = session.exec(select(ConsoleSession, ConsoleAccount)
                         .join(ConsoleAccount, ConsoleAccount.id == ConsoleSession.account_id)
                         .where(ConsoleSession.token_hash == digest(token))).first()
    if found is None:
        return None
    row, account = found
    if row.revoked_at is not None or account.disabled_at is not None \
            or _utc(row.expires_at) <= now or _utc(row.last_seen_at) + lifetime.idle <= now:
        return None
    if now - _utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    return row, account


def revoke(*, session: Session, session_id: int, now: datetime,
           account_id: int | None = None) -> bool:
    """Ends one session (of this account, when given); whether one was live."""
    query = update(ConsoleSession).where(ConsoleSession.id == session_id,
                                         ConsoleSession.revoked_at.is_(None))
    if account_id is not None:
        query = query.where(ConsoleSession.account_id == account_id)
    return session.execute(query.values(revoked_at=now)).rowcount > 0


def revoke_all(*, session: Session, account_id: int, now: datetime,
               keep: int | None = None) -> int:
    """Ends every session of the account but `keep`; how many."""
    query = update(ConsoleSession).where(ConsoleSession.account_id == account_id,
                                         ConsoleSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(ConsoleSession.id != keep)
    return session.execute(query.values(revoked_at=now)).rowcount


def live(*, session: Session, account_id: int, now: datetime,
         lifetime: Lifetime) -> list[ConsoleSession]:
    """The account's sessions that still work, newest first."""
    rows = session.exec(select(ConsoleSession).where(
        ConsoleSession.account_id == account_id, ConsoleSession.revoked_at.is_(None),
        ConsoleSession.expires_at > now,
        ConsoleSession.last_seen_at > now - lifetime.idle)
        .order_by(ConsoleSession.last_seen_at.desc()))
    return list(rows)
