"""Every flow's steps by name, so a saved state can be resumed."""

from __future__ import annotations

from collections.abc import Callable

from bot.flows import ask, menu, onboarding, settings, stories
from bot.replies import Outcome
from bot.turn import Turn

STEPS: dict[str, dict[str, Callable[[Turn], Outcome]]] = {
    "ask": ask.STEPS,
    "menu": menu.STEPS,
    "onboarding": onboarding.STEPS,
    "settings": settings.STEPS,
    "stories": stories.STEPS,
}
