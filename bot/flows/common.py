"""Pieces every flow uses: the menu reply and the way back to it."""

from __future__ import annotations

from bot.flows import registry
from bot.replies import Choice, Outcome, Reply, Step

BACK = Choice("0", "menu.back")


def menu_reply() -> Reply:
    """The menu as one reply with numbered choices (the flows' menu entries)."""
    return Reply("menu.title", choices=tuple(
        Choice(str(entry.position), entry.key) for entry in registry.menu()))


def to_menu(*before: Reply) -> Outcome:
    """Shows the menu after any replies given, and waits for a pick."""
    return Outcome([*before, menu_reply()], Step("menu", "choose"))


def invalid(low: int, high: int) -> Reply:
    """Says which numbers are allowed."""
    return Reply("out_of_range", {"low": low, "high": high})
