"""The masked relay between two introduced peers (filled in by the PEER work)."""

from __future__ import annotations

from bot.replies import Outcome
from bot.turn import Turn


def by_code(turn: Turn, code: str, body: str) -> Outcome | None:
    """Forwards a relay message; None when the member has no open relay with this code."""
    return None
