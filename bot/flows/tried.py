"""TRIED: reports of practices tried, and the follow-up answers."""

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


def followup(session: Session, job: Job, now: datetime) -> list[Notice]:
    """Asks how a practice read to the end went (job kind `followup`)."""
    return []


STEPS: dict = {}
