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

The entries and what each word starts are the flows' own declarations (their `FLOW`),
read from bot/flows/registry.py.
"""

from __future__ import annotations

from bot.flows import registry
from bot.flows.common import invalid, to_menu
from bot.flows.flow import Flow
from bot.replies import Outcome, Reply
from bot.turn import Turn


def choose(turn: Turn) -> Outcome:
    """Runs the item the member picked by number."""
    number = turn.number
    if number is None:
        return to_menu(Reply("not_understood"))
    entries = registry.menu()
    if not 1 <= number <= len(entries):
        return to_menu(invalid(1, len(entries)))
    return run(turn, entries[number - 1].intent)


def run(turn: Turn, intent: str) -> Outcome:
    """Starts what a command word or menu item starts (its flow's declaration says)."""
    keyword = registry.keywords().get(intent)
    if keyword is None or keyword.start is None:
        return to_menu(Reply("help"))
    return keyword.start(turn)


FLOW = Flow(name="menu", steps={"choose": choose}, interruptible=True)
