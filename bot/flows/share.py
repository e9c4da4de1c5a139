"""SHARE: the documentation interview that drafts a practice."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.flows.common import to_menu
from bot.replies import Notice, Outcome, Reply
from bot.turn import Turn
from content.models import Job

FREE_TEXT: frozenset[str] = frozenset()  # steps whose text is the member's own words


def start(turn: Turn) -> Outcome:
    """Starts the flow."""
    return to_menu(Reply("not_understood"))


def reach(session: Session, job: Job, now: datetime) -> list[Notice]:
    """Tells a contributor how many members their practice reached (job kind `reach`)."""
    return []


STEPS: dict = {}
