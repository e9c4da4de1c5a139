"""Answers by reply code, relayed to the asker, and the asker's rating."""

from __future__ import annotations

from bot.replies import Outcome
from bot.turn import Turn

FREE_TEXT: frozenset[str] = frozenset()  # steps whose text is the member's own words


def by_code(turn: Turn, code: str, body: str) -> Outcome | None:
    """An answer by reply code; None when the member holds no route with this code."""
    return None


STEPS: dict = {}
