"""The one list of flows: every flow module's `FLOW`, and the tables read from them.

Intents (which words are commands, which take an argument), the commands (what a word
starts), the main menu, the steps a saved state resumes, the steps that take free text
and the follow-up check (which flows a nudge must not interrupt) all come from here, so
a new flow is its module, its catalog entries and one line below (docs/adding-a-flow.md).

The tables are built on first use, not at import: every flow module imports the menu
helpers (bot/flows/common.py), which read this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from types import ModuleType

from bot import keywords as catalog_words
from bot.flows.flow import Flow, Keyword, MenuEntry
from bot.intents import Words
from bot.replies import Outcome
from bot.turn import Turn


def _modules() -> tuple[ModuleType, ...]:
    """Each flow module once, and the global commands (declared the same way)."""
    from bot import commands
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
        visiting,
    )

    return (commands, onboarding, menu, stories, subscriptions, ask, answering, peer,
            share, tried, visit, visiting, settings, profile)


@cache
def flows() -> tuple[Flow, ...]:
    """Every declaration, the global commands' first (their words win any clash)."""
    return tuple(module.FLOW for module in _modules())


@cache
def steps() -> dict[str, dict[str, Callable[[Turn], Outcome]]]:
    """Every flow's steps by name, so a saved state can be resumed."""
    return {flow.name: dict(flow.steps) for flow in flows()}


@cache
def keywords() -> dict[str, Keyword]:
    """Every command word's declaration by intent."""
    return {k.intent: k for flow in flows() for k in flow.keywords}


@cache
def owner() -> dict[str, str]:
    """The flow that declares each intent."""
    return {k.intent: flow.name for flow in flows() for k in flow.keywords}


@cache
def words() -> Words:
    """The words parse() reads: the declarations joined with the catalogs' entries."""
    return catalog_words.build(keywords().values(), catalog_words.read())


@cache
def menu() -> tuple[MenuEntry, ...]:
    """The main menu's entries in order of their numbers."""
    entries = sorted((f.menu for f in flows() if f.menu), key=lambda e: e.position)
    if [e.position for e in entries] != list(range(1, len(entries) + 1)):
        raise ValueError(f"menu positions must be 1..n once each: {entries}")
    return tuple(entries)


@cache
def free_text() -> frozenset[tuple[str, str]]:
    """(flow, step) pairs that take the member's own words: only HELP, MENU and STOP are
    commands there, so "share the harvest" in the SHARE interview is an answer."""
    return frozenset((flow.name, step) for flow in flows() for step in flow.free_text)


@cache
def busy_flows() -> frozenset[str]:
    """Flows a follow-up must not interrupt (it would take over the member's next "1")."""
    return frozenset(flow.name for flow in flows() if not flow.interruptible)


@cache
def media_flows() -> frozenset[str]:
    """Flows whose steps take photos."""
    return frozenset(flow.name for flow in flows() if flow.takes_media)
