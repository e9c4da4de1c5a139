"""What a flow says about itself, as data: its steps, its command words, its menu entry,
whether a follow-up may interrupt it, which steps take the member's own words.

Each flow module ends with one `FLOW = Flow(...)`; bot/flows/registry.py collects them,
and intents, commands, the menu and the follow-up check read the registry. The words
themselves are not here: they are the catalog entry `keyword.<intent>` in each
language's file under bot/locale, so translators edit them (docs/adding-a-flow.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.catalog import KEYWORD_PREFIX

if TYPE_CHECKING:  # only for the annotations: bot.turn reads bot.intents, which reads us
    from bot.replies import Outcome
    from bot.turn import Turn


@dataclass(frozen=True)
class Keyword:
    """A command word: the intent parse() gives for it and what it starts.

    `start` None: bot/commands.py and the engine decide (STOP, START, MENU).
    `takes_argument`: "TRIED 2" is TRIED with "2"; otherwise the word must be the whole
    message, as Twilio matches STOP, so "end of the season" is no opt-out.
    `fixed`: words that work whatever the catalogs say (Twilio's own lists).
    `step_reads_it`: inside the declaring flow the current step reads the word (MORE
    while reading a story is the next piece, not a new story).
    """

    intent: str
    start: Callable[[Turn], Outcome] | None = None
    takes_argument: bool = False
    fixed: tuple[str, ...] = ()
    step_reads_it: bool = False

    @property
    def key(self) -> str:
        """The catalog entry listing the words, e.g. `keyword.story`."""
        return KEYWORD_PREFIX + self.intent


@dataclass(frozen=True)
class MenuEntry:
    """A line of the main menu: its number, its label's catalog key, the keyword it runs."""

    position: int
    key: str
    intent: str


@dataclass(frozen=True)
class Flow:
    """One flow's declaration.

    `interruptible`: a follow-up or nudge may take over the member's next message while
    they are in this flow (the menu, a story being read). False, the default, keeps a
    dialog such as the SHARE interview whole: a new flow is safe until it says otherwise.
    `free_text`: steps whose text is the member's own words, where only HELP, MENU and
    STOP act as commands. `takes_media`: steps that take a photo.
    """

    name: str
    steps: Mapping[str, Callable[[Turn], Outcome]]
    keywords: tuple[Keyword, ...] = ()
    menu: MenuEntry | None = None
    interruptible: bool = False
    free_text: frozenset[str] = frozenset()
    takes_media: bool = False
