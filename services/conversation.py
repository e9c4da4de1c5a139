"""Dialog state per member: read it (noticing expiry), save it, clear it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from content.models import ConversationState, utcnow

_LOADED = "conversation.loaded"


@dataclass(frozen=True)
class State:
    """A member's place in a dialog; `expired` says it timed out before this turn."""

    flow: str | None
    step: str | None
    data: dict
    expired: bool = False


def load(*, session: Session, member_id: int, now: datetime | None = None) -> State:
    """The member's state; an expired one comes back empty and flagged."""
    row = session.get(ConversationState, member_id)
    if row is None:
        return State(None, None, {})
    # The session's identity map holds clean rows weakly: keeping a reference for the
    # session's life lets `save` find this row there instead of selecting it again.
    session.info.setdefault(_LOADED, []).append(row)
    now = now or utcnow()
    if row.expires_at is not None and row.expires_at <= now:
        return State(None, None, {}, expired=bool(row.flow))
    return State(row.flow or None, row.step or None, dict(row.data))


def save(*, session: Session, member_id: int, flow: str | None, step: str | None,
         data: dict, ttl: timedelta, now: datetime | None = None) -> None:
    """Stores where the member is and for how long it stays valid."""
    now = now or utcnow()
    row = session.get(ConversationState, member_id) or ConversationState(
        member_id=member_id, flow="", step="")
    row.flow, row.step, row.data = flow or "", step or "", dict(data)
    row.expires_at, row.updated_at = now + ttl, now
    session.add(row)
