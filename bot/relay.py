"""The masked relay between two introduced peers (filled in by the PEER work)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.replies import Notice, Outcome
from bot.turn import Turn
from content.models import Job


def by_code(turn: Turn, code: str, body: str) -> Outcome | None:
    """Forwards a relay message; None when the member has no open relay with this code."""
    return None


def expire(session: Session, job: Job, now: datetime) -> list[Notice]:
    """Closes a relay whose time is up (job kind `relay_expiry`)."""
    return []
