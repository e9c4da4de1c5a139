"""Every flow's steps by name, so a saved state can be resumed."""

from __future__ import annotations

from collections.abc import Callable

from bot.flows import (
    answering,
    ask,
    menu,
    onboarding,
    peer,
    profile,
    settings,
    share,
    stories,
    subscriptions,
    tried,
    visit,
)
from bot.replies import Outcome
from bot.turn import Turn

FLOWS = {"answering": answering, "ask": ask, "menu": menu, "onboarding": onboarding,
         "peer": peer, "profile": profile, "settings": settings, "share": share,
         "stories": stories, "subscriptions": subscriptions, "tried": tried, "visit": visit}
STEPS: dict[str, dict[str, Callable[[Turn], Outcome]]] = {
    name: module.STEPS for name, module in FLOWS.items()}
# Steps that take the member's own words: only HELP, MENU and STOP are commands there,
# so "share the harvest" in the SHARE interview is an answer, not the SHARE command.
FREE_TEXT: frozenset[tuple[str, str]] = frozenset(
    (name, step) for name, module in FLOWS.items()
    for step in getattr(module, "FREE_TEXT", ()))
