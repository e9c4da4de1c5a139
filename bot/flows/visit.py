"""VISIT: a member would like to visit the enterprise behind a practice (exchange
visits, "to see is believing"). Moderators see the demand per practice and country and
organise the visits; the member is thanked and told so.

How a member names the practice:
- `VISIT` while reading a story, or after one: the practice being read (else the one
  read last) is offered to confirm;
- `VISIT 3`: the third of the list `VISIT` shows; `VISIT sri-cambodia` or a few words
  of the title: that practice;
- an invitation to a visit not answered yet comes first: VISIT asks it again
  (bot/flows/visiting.py);
- otherwise a numbered list: hosts who welcome visitors first, then practices on the
  member's topics (never a host who said no, never the member's own practice).

```mermaid
flowchart LR
  visit([VISIT]) -->|a story read| confirm
  visit -->|nothing read| choose
  visit -->|VISIT 3, VISIT name| noted([thanks, menu])
  confirm -->|1 yes| noted
  confirm -->|2 another| choose -->|a number| noted
```
"""

from __future__ import annotations

from bot.flows import visiting
from bot.flows.common import BACK, invalid, to_menu
from bot.flows.flow import Flow, Keyword
from bot.flows.practice_lists import practice_choices
from bot.intents import VISIT
from bot.replies import Choice, Outcome, Reply, Step
from bot.turn import Turn
from services import stories, visit_invites, visits

CONFIRM = (Choice("1", "visit.yes"), Choice("2", "visit.other"), BACK)


def start(turn: Turn) -> Outcome:
    """VISIT, VISIT 3 or VISIT and a name."""
    argument = turn.parsed.argument.strip() if turn.parsed.intent == VISIT else ""
    waiting = visit_invites.pending(session=turn.session, member_id=turn.member.id,
                                    today=turn.now.date())
    if waiting is not None and not argument:
        return visiting.ask_again(turn, waiting)  # an invitation not answered yet
    reading = turn.data.get("practice_id")  # the story being read, if any
    turn.data = {}
    if argument.isdecimal():
        offered = visits.offer(session=turn.session, member=turn.member)
        number = int(argument)
        if 1 <= number <= len(offered):
            return note(turn, offered[number - 1])
        return offer(turn, offered, invalid(1, len(offered)) if offered else None)
    if argument:
        return by_name(turn, argument)
    if not visits.visitable(session=turn.session, practice_id=reading,
                            member_id=turn.member.id):
        reading = visits.last_read(session=turn.session, member_id=turn.member.id)
    if reading is None:
        return offer(turn, visits.offer(session=turn.session, member=turn.member))
    turn.data = {"practice_id": reading}
    title = _titles(turn, [reading])[reading]
    return Outcome([Reply("visit.confirm", {"title": title}, CONFIRM, fit="title")],
                   Step("visit", "confirm"))


def by_name(turn: Turn, name: str) -> Outcome:
    """The practice the member names; a list when none or several fit."""
    found = [pid for pid in stories.find_practices(
        session=turn.session, name=name, langs=turn.content_langs(), limit=visits.LIST_MAX)
        if visits.visitable(session=turn.session, practice_id=pid, member_id=turn.member.id)]
    if len(found) == 1:
        return note(turn, found[0])
    if found:
        return offer(turn, found)
    return offer(turn, visits.offer(session=turn.session, member=turn.member),
                 Reply("visit.unknown"))


def confirm(turn: Turn) -> Outcome:
    """1: note the visit; 2: choose another practice."""
    practice_id = turn.data.get("practice_id")
    if turn.number == 1 and practice_id is not None:
        return note(turn, practice_id)
    if turn.number == 2:
        return offer(turn, visits.offer(session=turn.session, member=turn.member))
    title = _titles(turn, [practice_id]).get(practice_id, "") if practice_id else ""
    return Outcome([invalid(1, 2), Reply("visit.confirm", {"title": title}, CONFIRM,
                                         fit="title")],
                   Step("visit", "confirm"))


def choose(turn: Turn) -> Outcome:
    """A number from the list offered."""
    offered: list[int] = turn.data.get("offered", [])
    number = turn.number
    if number is not None and 1 <= number <= len(offered):
        return note(turn, offered[number - 1])
    return offer(turn, offered, invalid(1, len(offered)))


def offer(turn: Turn, practice_ids: list[int], before: Reply | None = None) -> Outcome:
    """The practices, numbered, with titles short enough for two SMS."""
    first = [before] if before else []
    if not practice_ids:
        return to_menu(*first, Reply("visit.none"))
    titles = _titles(turn, practice_ids)
    labels = [titles[pid] for pid in practice_ids if pid in titles]
    choices = practice_choices(labels, segmented=turn.caps.segmented)
    turn.data = {"offered": practice_ids[:len(choices)]}
    return Outcome([*first, Reply("visit.which", choices=choices, fit="labels")],
                   Step("visit", "choose"))


def note(turn: Turn, practice_id: int) -> Outcome:
    """Records the interest once and thanks the member."""
    if not visits.visitable(session=turn.session, practice_id=practice_id,
                            member_id=turn.member.id):
        return to_menu(Reply("visit.unknown"))
    created = visits.record(session=turn.session, member=turn.member,
                            practice_id=practice_id, now=turn.now)
    title = _titles(turn, [practice_id])[practice_id]
    return to_menu(Reply("visit.thanks" if created else "visit.already", {"title": title},
                         fit="title"))


def _titles(turn: Turn, practice_ids: list[int]) -> dict[int, str]:
    """Titles in the member's language (the SMS renderer cuts what does not fit)."""
    return stories.titles(session=turn.session, practice_ids=practice_ids,
                          langs=turn.content_langs())


FREE_TEXT: frozenset[str] = frozenset()  # numbers only: commands act everywhere
STEPS = {"confirm": confirm, "choose": choose}
FLOW = Flow(name="visit", steps=STEPS, keywords=(Keyword(VISIT, start, takes_argument=True),),
            free_text=FREE_TEXT)
