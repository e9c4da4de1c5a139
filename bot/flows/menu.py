"""The main menu: numbers or keywords lead to the other flows.

```mermaid
flowchart LR
  menu -->|1 / STORY| stories
  menu -->|2 / ASK| ask
  menu -->|3 / TOPICS| settings.topics
  menu -->|4 / LANG| settings.language
  menu -->|5 / HELP| help
```
"""

from __future__ import annotations

from bot.flows import ask, settings, stories
from bot.flows.common import MENU_ITEMS, invalid, to_menu
from bot.intents import ASK, LANG, MORE, NEXT, STORY, TOPICS
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
    if intent in (STORY, MORE, NEXT):
        return stories.start(turn)
    if intent == ASK:
        return ask.start(turn)
    if intent == TOPICS:
        return settings.ask_topics(turn)
    if intent == LANG:
        return settings.ask_language(turn)
    return to_menu(Reply("help"))


STEPS = {"choose": choose}
