"""Login throttling: failed logins are counted per account (the e-mail as typed,
lowercased, whether an account has it or not, so the limit itself reveals nothing) and
per client address, over a sliding window. Only SHA-256 digests of both are stored.

Counting in the database keeps the limit right across any number of web processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from content.models import LoginFailure
from services.accounts.passwords import digest

WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Limits:
    """Failures allowed within the window, per account and per address."""

    per_account: int = 5
    per_address: int = 20
    window: timedelta = WINDOW


class Throttled(Exception):
    """Too many failed logins; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} s")
        self.retry_after = retry_after


def _keys(email: str, address: str | None) -> list[tuple[str, str, str]]:
    keys = [("account", digest("account:" + email.strip().lower()), "per_account")]
    if address:
        keys.append(("address", digest("address:" + address), "per_address"))
    return keys


def check(*, session: Session, email: str, address: str | None, now: datetime,
          limits: Limits) -> None:
    """Raises Throttled when the account or the address has used up its failures."""
    since = now - limits.window
    for kind, key, limit_name in _keys(email, address):
        count, oldest = session.execute(
            select(func.count(), func.min(LoginFailure.at)).where(
                LoginFailure.kind == kind, LoginFailure.key_hash == key,
                LoginFailure.at > since)).one()
        if count >= getattr(limits, limit_name):
            oldest = oldest.replace(tzinfo=UTC) if oldest.tzinfo is None else oldest
            wait = (oldest + limits.window - now).total_seconds()
            raise Throttled(max(1, int(wait) + 1))


def record_failure(*, session: Session, email: str, address: str | None,
                   now: datetime, limits: Limits) -> None:
    """Counts one failed login for the account and the address; forgets old ones."""
    session.add_all(LoginFailure(kind=kind, key_hash=key, at=now)
                    for kind, key, _ in _keys(email, address))
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - 4 * limits.window))
