"""Answers to a topics question (topics wanted, topics offered): several topic groups.

Typed numbers pick them at once on any channel ('1 3', '13', '១ ៣'). Where the groups
are buttons, a tap ticks a group or unticks it, on the question's own keyboard (the
reply edits the message tapped), and Done saves what is ticked. "Everything" stands
alone: ticking it unticks the others, and ticking another unticks it.

The ticks are dialog data (`PICKED`), with the message whose keyboard shows them: a tap
on another message (the question asked again) starts afresh, as that keyboard shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.choices import TOPIC_GROUPS
from bot.flows.common import invalid
from bot.intents import single_digits
from bot.replies import Choice, Reply
from bot.turn import Turn

DONE = "done"  # the Done button's data
PICKED = "picked"  # dialog data: {"on": message id or None, "groups": [1, 3]}
EVERYTHING = next(n for n, (name, _) in enumerate(TOPIC_GROUPS, start=1) if name == "all")


@dataclass(frozen=True)
class Answer:
    """The groups picked (1-based numbers), or None and what to say meanwhile."""

    groups: list[int] | None
    replies: list[Reply] = field(default_factory=list)


def question(key: str, ticked: list[int] | tuple[int, ...] = (),
             edits: str | None = None) -> Reply:
    """The topic groups under the text `key`, ticked ones marked, and Done as a button."""
    groups = tuple(Choice(str(n), f"topic.{name}", picked=n in ticked)
                   for n, (name, _) in enumerate(TOPIC_GROUPS, start=1))
    return Reply(key, choices=(*groups, Choice(DONE, "topics.done", tap_only=True)),
                 edits=edits)


def typed(turn: Turn) -> list[int] | None:
    """The topic group numbers typed ('1 3', '13', '១ ៣'), or None if any is invalid."""
    picks = single_digits(turn.parsed.numbers)
    if not picks or not all(1 <= n <= len(TOPIC_GROUPS) for n in picks):
        return None
    return list(dict.fromkeys(picks))


def answer(turn: Turn, key: str) -> Answer:
    """Reads the member's answer to the question `key`: a tap, Done, or typed numbers."""
    tapped = turn.payload.get("tapped") if turn.kind == "callback" else None
    if turn.caps.buttons and turn.parsed.intent is None and turn.parsed.argument == DONE:
        groups = _ticked(turn, tapped)
        if not groups:
            return Answer(None, [Reply("topics.none")])
        turn.data.pop(PICKED, None)
        return Answer(groups)
    number = turn.number
    if turn.kind == "callback" and number is not None and 1 <= number <= len(TOPIC_GROUPS):
        groups = toggle(_ticked(turn, tapped), number)
        turn.data[PICKED] = {"on": tapped, "groups": groups}
        return Answer(None, [question(key, groups, edits=tapped)])
    turn.data.pop(PICKED, None)  # typed: the numbers are the whole answer
    groups = typed(turn)
    if groups is None:
        return Answer(None, [invalid(1, len(TOPIC_GROUPS)), question(key)])
    return Answer(groups)


def toggle(groups: list[int], number: int) -> list[int]:
    """The ticked groups after a tap on `number`."""
    if number in groups:
        return [n for n in groups if n != number]
    if number == EVERYTHING:
        return [EVERYTHING]
    return sorted([n for n in groups if n != EVERYTHING] + [number])


def _ticked(turn: Turn, tapped: str | None) -> list[int]:
    """The groups ticked so far on the keyboard tapped (any, when the channel does not
    say which message was tapped)."""
    picked = turn.data.get(PICKED) or {}
    if tapped is not None and picked.get("on") != tapped:
        return []
    return list(picked.get("groups", []))
