"""Finds stored inbound messages that were never processed, or failed, to try again."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.inbox import Inbox
from content.models import InboundMessage, utcnow

MAX_ATTEMPTS = 5


def due_inbound(inbox: Inbox, *, grace: timedelta = timedelta(seconds=30),
                limit: int = 50) -> list[int]:
    """Ids of rows left `received` past the grace time, or `failed` with attempts left."""
    cutoff = utcnow() - grace
    with Session(inbox.db) as session:
        return list(session.exec(select(InboundMessage.id).where(
            InboundMessage.status.in_(("received", "failed")),
            InboundMessage.attempts < MAX_ATTEMPTS,
            InboundMessage.received_at < cutoff).order_by(InboundMessage.id).limit(limit)))


def retry_inbound(inbox: Inbox, **kwargs) -> int:
    """Processes what is due; returns how many were tried. Failures stay for later."""
    tried = 0
    for inbound_id in due_inbound(inbox, **kwargs):
        tried += 1
        try:
            inbox.process(inbound_id)
        except Exception:  # recorded on the row by Inbox.process; the next pass retries
            continue
    return tried
