"""Pieces every flow uses: the menu reply and the way back to it."""

from __future__ import annotations

from bot.intents import ASK, HELP, PEER, SETTINGS, SHARE, STORY, TRIED
from bot.replies import Choice, Outcome, Reply, Step

MENU_ITEMS = (("menu.story", STORY), ("menu.ask", ASK), ("menu.peer", PEER),
              ("menu.share", SHARE), ("menu.tried", TRIED), ("menu.settings", SETTINGS),
              ("menu.help", HELP))
BACK = Choice("0", "menu.back")


def menu_reply() -> Reply:
    """The menu as one reply with numbered choices."""
    return Reply("menu.title", choices=tuple(
        Choice(str(i), key) for i, (key, _) in enumerate(MENU_ITEMS, start=1)))


def to_menu(*before: Reply) -> Outcome:
    """Shows the menu after any replies given, and waits for a pick."""
    return Outcome([*before, menu_reply()], Step("menu", "choose"))


def invalid(low: int, high: int) -> Reply:
    """Says which numbers are allowed."""
    return Reply("out_of_range", {"low": low, "high": high})
