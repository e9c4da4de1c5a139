"""Personal API tokens: a moderator creates one in the console for scripts that call
the moderation API (`Authorization: Bearer plt_...`). The token is shown once; the
database keeps its SHA-256 and its first characters, to tell tokens apart. A token acts
with its account's role and scope and stops working when it is revoked or the account is
disabled.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from content.models import ApiToken, ConsoleAccount
from services.accounts.passwords import digest, new_token

PREFIX = "plt_"
SHOWN = 10  # characters kept in clear: "plt_AbCdEf"
TOUCH_EVERY = timedelta(minutes=1)


def create(*, session: Session, account_id: int, name: str,
           now: datetime) -> tuple[str, ApiToken]:
    """A new token: (the secret, shown once; the row)."""
    secret = new_token(PREFIX)
    row = ApiToken(account_id=account_id, name=name.strip()[:80] or "token",
                   token_hash=digest(secret), prefix=secret[:SHOWN], created_at=now)
    session.add(row)
    session.flush()
    return secret, row


def find(*, session: Session, secret: str, now: datetime) -> ConsoleAccount | None:
    """The enabled account of a live token, or None."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    found = session.exec(select(ApiToken, ConsoleAccount)
                         .join(ConsoleAccount, ConsoleAccount.id == ApiToken.account_id)
                         .where(ApiToken.token_hash == digest(secret))).first()
    if found is None:
        return None
    row, account = found
    if row.revoked_at is not None or account.disabled_at is not None:
        return None
    last = row.last_used_at
    if last is None or now - (last if last.tzinfo else last.replace(tzinfo=now.tzinfo)) \
            >= TOUCH_EVERY:
        row.last_used_at = now
        session.add(row)
    return account


def listed(*, session: Session, account_id: int) -> list[ApiToken]:
    """The account's tokens, live ones first, newest first."""
    return list(session.exec(select(ApiToken).where(ApiToken.account_id == account_id)
                             .order_by(ApiToken.revoked_at.is_not(None),
                                       ApiToken.id.desc())))


def revoke(*, session: Session, account_id: int, token_id: int, now: datetime) -> bool:
    """Revokes one of the account's tokens; whether it was live."""
    return session.execute(update(ApiToken).where(
        ApiToken.id == token_id, ApiToken.account_id == account_id,
        ApiToken.revoked_at.is_(None)).values(revoked_at=now)).rowcount > 0


def revoke_all(*, session: Session, account_id: int, now: datetime) -> int:
    """Revokes every token of the account (it was disabled); how many."""
    return session.execute(update(ApiToken).where(
        ApiToken.account_id == account_id,
        ApiToken.revoked_at.is_(None)).values(revoked_at=now)).rowcount
