"""TRIED: reports of practices tried, and the follow-up answers."""

from __future__ import annotations

from bot.flows.common import to_menu
from bot.replies import Outcome, Reply
from bot.turn import Turn

FREE_TEXT: frozenset[str] = frozenset()  # steps whose text is the member's own words


def start(turn: Turn) -> Outcome:
    """Starts the flow."""
    return to_menu(Reply("not_understood"))


STEPS: dict = {}
