"""STORY ON / STORY OFF: the weekly story."""

from __future__ import annotations

from bot.replies import Outcome
from bot.turn import Turn

FREE_TEXT: frozenset[str] = frozenset()  # steps whose text is the member's own words


def switch(turn: Turn) -> Outcome | None:
    """STORY ON / STORY OFF; None when the STORY command has no such argument."""
    return None


STEPS: dict = {}
