"""Messages that start with a code: "A57 dry them on racks" answers a routed question,
"P12 hello" goes through a peer relay. Decided after the global commands and before the
dialog's current step, so a code works whatever the member was doing.
"""

from __future__ import annotations

from bot import relay
from bot.flows import answering
from bot.replies import Outcome
from bot.turn import Turn
from services.routing import parse_code

RELAY_LETTER = "P"


def handle(turn: Turn) -> Outcome | None:
    """The outcome of a coded message, or None when the text holds no code this member
    was given (then it is read as usual)."""
    parsed = parse_code(turn.text)
    if parsed is None:
        return None
    code, body = parsed
    if code.startswith(RELAY_LETTER):
        return relay.by_code(turn, code, body)
    return answering.by_code(turn, code, body)
