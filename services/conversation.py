"""Dialog state per member: read it (noticing expiry), save it, clear it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from content.models import ConversationState, utcnow

# Core statements on the table, built once: every turn reads and writes this row, and
# needs no ORM object (no identity map, no unit-of-work flush) nor a new statement for it.
STATE = ConversationState.__table__
_READ = select(STATE.c.flow, STATE.c.step, STATE.c.data, STATE.c.expires_at).where(
    STATE.c.member_id == bindparam("member_id"))
_COLUMNS = ("flow", "step", "data", "expires_at", "updated_at")


def _upsert(insert):
    statement = insert(STATE)
    return statement.on_conflict_do_update(
        index_elements=[STATE.c.member_id],
        set_={name: statement.excluded[name] for name in _COLUMNS})


_UPSERT = {"sqlite": _upsert(sqlite.insert), "postgresql": _upsert(postgresql.insert)}


@dataclass(frozen=True)
class State:
    """A member's place in a dialog; `expired` says it timed out before this turn."""

    flow: str | None
    step: str | None
    data: dict
    expired: bool = False


def load(*, session: Session, member_id: int, now: datetime | None = None) -> State:
    """The member's state; an expired one comes back empty and flagged."""
    row = session.execute(_READ, {"member_id": member_id}).first()
    if row is None:
        return State(None, None, {})
    now = now or utcnow()
    if row.expires_at is not None and row.expires_at <= now:
        return State(None, None, {}, expired=bool(row.flow))
    return State(row.flow or None, row.step or None, dict(row.data))


def save(*, session: Session, member_id: int, flow: str | None, step: str | None,
         data: dict, ttl: timedelta, now: datetime | None = None) -> None:
    """Stores where the member is and for how long it stays valid."""
    now = now or utcnow()
    session.execute(_UPSERT[session.get_bind().dialect.name], dict(
        member_id=member_id, flow=flow or "", step=step or "", data=dict(data),
        expires_at=now + ttl, updated_at=now))
