"""The main menu: numbers or keywords lead to the other flows.

```mermaid
flowchart LR
  menu -->|1 / STORY| stories
  menu -->|2 / ASK| ask
  menu -->|3 / PEER| peer
  menu -->|4 / SHARE| share
  menu -->|5 / TRIED| tried
  menu -->|6 / SETTINGS| settings
  menu -->|7 / HELP| help
  menu -->|TOPICS, LANG, VISIT, STORY ON/OFF| other[the flow named]
```
"""

from __future__ import annotations

from bot.flows import ask, peer, settings, share, stories, subscriptions, tried, visit
from bot.flows.common import MENU_ITEMS, invalid, to_menu
from bot.intents import (
    ASK,
    LANG,
    MORE,
    NEXT,
    PEER,
    SETTINGS,
    SHARE,
    STORY,
    TOPICS,
    TRIED,
    VISIT,
)
from bot.replies import Outcome, Reply
from bot.turn import Turn


def choose(turn: Turn) -> Outcome:
    """Runs the item the member picked by number."""
    number = turn.number
    if number is None:
        return to_menu(Reply("not_understood"))
    if not 1 <= number <= len(MENU_ITEMS):
        return to_menu(invalid(1, len(MENU_ITEMS)))
    return run(turn, MENU_ITEMS[number - 1][1])


def run(turn: Turn, intent: str) -> Outcome:
    """Starts the flow behind a command or menu item."""
    if intent == STORY:
        switched = subscriptions.switch(turn)  # STORY ON / STORY OFF
        if switched is not None:
            return switched
    if intent in (STORY, MORE, NEXT):
        return stories.start(turn)
    if intent == ASK:
        return ask.start(turn)
    if intent == TOPICS:
        return settings.ask_topics(turn)
    if intent == LANG:
        return settings.ask_language(turn)
    starts = {PEER: peer.start, SHARE: share.start, TRIED: tried.start, VISIT: visit.start,
              SETTINGS: settings.start}
    if intent in starts:
        return starts[intent](turn)
    return to_menu(Reply("help"))


STEPS = {"choose": choose}
