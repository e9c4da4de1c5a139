"""Commands that work from anywhere: STOP, START, HELP, MENU, LANG, STORY, MORE, NEXT.

They are decided before any flow step, so a member stuck in a step can always get out.
"""

from __future__ import annotations

from bot.flows import menu, onboarding, stories
from bot.flows.common import to_menu
from bot.flows.registry import FREE_TEXT
from bot.intents import (
    ASK,
    HELP,
    LANG,
    MENU,
    MORE,
    NEXT,
    PEER,
    SETTINGS,
    SHARE,
    START,
    STOP,
    STORY,
    TOPICS,
    TRIED,
    VISIT,
)
from bot.replies import Outcome, Reply
from bot.turn import Turn
from services import members

DEEP_LINK_PREFIX = "practice-"


def stop(turn: Turn) -> Outcome:
    """Opts this identity out and confirms it once."""
    members.opt_out(session=turn.session, identity=turn.identity)
    if turn.caps.provider_confirms_opt_out:
        return Outcome([], None)
    return Outcome([Reply("stop.done")], None)


def start(turn: Turn, step: str | None) -> Outcome:
    """Opts back in; a deep-link payload opens a practice once onboarded."""
    was_out = members.opt_in(session=turn.session, identity=turn.identity)
    before = [Reply("start.done")] if was_out else []
    payload = turn.parsed.argument.strip()
    if turn.member.onboarded_at is None:
        if payload.startswith(DEEP_LINK_PREFIX):  # opened once onboarding is done
            turn.data["open"] = payload[len(DEEP_LINK_PREFIX):]
        outcome = onboarding.resume(turn, step) if step else onboarding.start(turn)
        outcome.replies[:0] = before
        return outcome
    if payload.startswith(DEEP_LINK_PREFIX):
        opened = stories.open_practice(turn, payload[len(DEEP_LINK_PREFIX):])
        if opened is not None:
            opened.replies[:0] = before
            return opened
    return to_menu(*before)


def onboarded_command(turn: Turn, intent: str, flow: str | None,
                      step: str | None = None) -> Outcome | None:
    """The outcome of a command for an onboarded member, None if the step should decide."""
    if intent == HELP:
        return to_menu(Reply("help"))
    if intent == MENU:
        return to_menu()
    if (flow, step) in FREE_TEXT:  # the member's own words; only HELP and MENU act
        return None
    if intent in (LANG, STORY, TOPICS, ASK, PEER, SHARE, TRIED, VISIT, SETTINGS):
        return menu.run(turn, intent)
    if intent in (MORE, NEXT) and flow != "stories":
        return menu.run(turn, intent)
    return None


GLOBAL = frozenset({STOP, START, HELP, MENU, LANG, STORY, TOPICS, MORE, NEXT, ASK, PEER,
                    SHARE, TRIED, VISIT, SETTINGS})
