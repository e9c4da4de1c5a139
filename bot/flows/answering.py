"""Answers by reply code, relayed to the asker, and the asker's rating."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.replies import Notice, Outcome
from bot.turn import Turn

FREE_TEXT: frozenset[str] = frozenset()  # steps whose text is the member's own words


def by_code(turn: Turn, code: str, body: str) -> Outcome | None:
    """An answer by reply code; None when the member holds no route with this code."""
    return None



def route_question(session: Session, question_id: int, now: datetime) -> list[Notice]:
    """Routes an open question to answerers; the notices that ask them."""
    return []


def relay_answer(session: Session, answer_id: int, now: datetime) -> list[Notice]:
    """An approved answer to its asker, in the asker's language, asking for a rating."""
    return []


def sweep(session: Session, now: datetime) -> list[Notice]:
    """Periodic work: escalates questions unanswered too long, routes waiting ones."""
    return []


STEPS: dict = {}
