"""TRIED: a member reports how a practice went when they tried it; some time after a
practice was read to the end, one follow-up asks the same (job kind `followup`).

Outcomes are stored as replication reports (see services/replication.py for how the
numbered answers map to them). "It did not work" asks what went wrong and turns the
answer into a question for peers, linked to the practice.

```mermaid
flowchart LR
  start -->|TRIED, menu 5| practice
  start -->|TRIED 2, TRIED sri-cambodia| outcome
  practice -->|a number| outcome
  practice -->|a name| practice
  followup([follow-up notice]) --> outcome
  outcome -->|1 worked, 4 not yet, 5 not for me| done([thanks, menu])
  outcome -->|2 with changes| changes -->|what changed, or 0 / Skip| done
  outcome -->|3 did not work| wrong -->|a question routed to peers| done
```
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.flows import answering, registry
from bot.flows.common import invalid, to_menu
from bot.flows.flow import Flow, Keyword, MenuEntry
from bot.flows.practice_lists import LIST_MAX, content_langs, practice_choices
from bot.intents import TRIED
from bot.notify import reachable_identity
from bot.replies import Choice, Notice, Outcome, Reply, Step
from bot.turn import Turn
from content.models import Job, Member, Practice
from services import conversation, replication, stories

OUTCOME_CHOICES = (Choice("1", "tried.worked"), Choice("2", "tried.changed"),
                   Choice("3", "tried.failed"), Choice("4", "tried.not_yet"),
                   Choice("5", "tried.not_for_me"))
SKIP = Choice("0", "tried.skip", tap_only=True)  # "0" is MENU: the report stays as it is
THANKS = {"adopted": "tried.thanks", "interested": "tried.later",
          "declined": "tried.declined"}
# How long a follow-up waits before it looks again when the member is in a dialog it
# must not interrupt (each flow says whether it may: its FLOW's `interruptible`).
BUSY_RETRY = timedelta(hours=1)

FREE_TEXT: frozenset[str] = frozenset({"changes", "wrong"})


def start(turn: Turn) -> Outcome:
    """TRIED (the practices read, most recent first), TRIED 2, or TRIED and a name."""
    argument = turn.parsed.argument.strip() if turn.parsed.intent == TRIED else ""
    recent = replication.recent_reads(session=turn.session, member_id=turn.member.id,
                                      limit=LIST_MAX)
    if argument.isdecimal():
        number = int(argument)
        if 1 <= number <= len(recent):
            return ask_outcome(turn, recent[number - 1])
        return offer(turn, recent, invalid(1, len(recent)) if recent else None)
    if argument:
        return by_name(turn, argument)
    return offer(turn, recent)


def practice(turn: Turn) -> Outcome:
    """A number from the list offered, or the practice's name."""
    offered: list[int] = turn.data.get("offered", [])
    if turn.parsed.numbers:
        number = turn.number
        if number is not None and 1 <= number <= len(offered):
            return ask_outcome(turn, offered[number - 1])
        return offer(turn, offered, invalid(1, len(offered)) if offered else None)
    return by_name(turn, turn.text, offered)


def by_name(turn: Turn, name: str, offered: list[int] | None = None) -> Outcome:
    """The practice the member names: straight on if one fits, else a list to pick from."""
    found = stories.find_practices(session=turn.session, name=name,
                                   langs=turn.content_langs(), limit=LIST_MAX)
    if len(found) == 1:
        return ask_outcome(turn, found[0])
    if not found:
        return offer(turn, offered or [], Reply("tried.not_found"))
    return offer(turn, found)


def offer(turn: Turn, practice_ids: list[int], before: Reply | None = None) -> Outcome:
    """Which practice: the ones given, numbered, or (none) the member writes its name."""
    first = [before] if before else []
    if not practice_ids:
        turn.data = {"offered": []}
        return Outcome([*first, Reply("tried.name_ask")], Step("tried", "practice"))
    titles = stories.titles(session=turn.session, practice_ids=practice_ids,
                            langs=turn.content_langs())
    shown = [pid for pid in practice_ids if pid in titles]
    choices = practice_choices([titles[pid] for pid in shown], segmented=turn.caps.segmented)
    turn.data = {"offered": shown[:len(choices)]}
    return Outcome([*first, Reply("tried.which", choices=choices, fit="labels")],
                   Step("tried", "practice"))


def ask_outcome(turn: Turn, practice_id: int) -> Outcome:
    """How did it go, with the practice's title."""
    turn.data = {"practice_id": practice_id}
    reply = outcome_question(turn.session, turn.member, practice_id)
    return Outcome([reply], Step("tried", "outcome"))


def outcome(turn: Turn) -> Outcome:
    """Stores the report; asks what changed or what went wrong where that helps others."""
    practice_id = turn.data.get("practice_id")
    if practice_id is None:
        return to_menu(Reply("not_understood"))
    number = turn.number
    if number is None or not 1 <= number <= len(OUTCOME_CHOICES):
        question = outcome_question(turn.session, turn.member, practice_id)
        return Outcome([invalid(1, len(OUTCOME_CHOICES)), question], Step("tried", "outcome"))
    kind = replication.OUTCOMES[number - 1]
    row = replication.report(session=turn.session, member=turn.member,
                             practice_id=practice_id, outcome=kind, now=turn.now)
    turn.data = {"practice_id": practice_id, "report_id": row.id}
    if kind == "adapted":
        return Outcome([Reply("tried.changes_ask", choices=(SKIP,))], Step("tried", "changes"))
    if kind == "abandoned":
        return Outcome([Reply("tried.wrong_ask")], Step("tried", "wrong"))
    return to_menu(Reply(THANKS[kind]))


def changes(turn: Turn) -> Outcome:
    """What the member changed, kept with their report."""
    replication.add_text(session=turn.session, report_id=turn.data.get("report_id"),
                         member_id=turn.member.id, text=turn.text.strip())
    return to_menu(Reply("tried.thanks"))


def wrong(turn: Turn) -> Outcome:
    """What went wrong: kept with the report and asked of peers as a question."""
    text = turn.text.strip()
    replication.add_text(session=turn.session, report_id=turn.data.get("report_id"),
                         member_id=turn.member.id, text=text)
    question = replication.ask_peers(session=turn.session, member=turn.member,
                                     practice_id=turn.data["practice_id"], text=text,
                                     now=turn.now)
    done = to_menu(Reply("tried.asked"))
    done.notices = answering.route_question(turn.session, question.id, turn.now)
    return done


def followup(session: Session, job: Job, now: datetime) -> list[Notice]:
    """Asks how a practice read to the end (or seen on a visit, 30 days on) went (job
    kind `followup`, ref_id the practice); cancels the job if the member already
    reported on it or cannot be reached."""
    return _followup(session, job, now, replication.has_reported)


def followup_late(session: Session, job: Job, now: datetime) -> list[Notice]:
    """90 days after an exchange visit (job kind `followup_late`): asks again unless the
    member has reported trying the practice (a "not yet" at 30 days is asked again)."""
    return _followup(session, job, now, replication.has_tried)


def _followup(session: Session, job: Job, now: datetime, reported) -> list[Notice]:
    member = session.get(Member, job.member_id) if job.member_id else None
    practice_row = session.get(Practice, job.ref_id) if job.ref_id else None
    identity = reachable_identity(session, member.id) if member else None
    if member is None or member.onboarded_at is None or identity is None \
            or practice_row is None or practice_row.status != "published" \
            or reported(session=session, member_id=member.id, practice_id=practice_row.id):
        job.status = "cancelled"  # identity None: every identity sent STOP
        return []
    if busy(session, member.id, now):
        job.due_at = now + BUSY_RETRY  # asking now would end the dialog they are in
        return []
    asked = outcome_question(session, member, practice_row.id, "tried.followup")
    return [Notice(member.id, (asked,), next=Step("tried", "outcome"),
                   data={"practice_id": practice_row.id}, purpose="followup")]


def busy(session: Session, member_id: int, now: datetime) -> bool:
    """Whether the member is in the middle of a dialog (a SHARE interview, a question
    being typed): a follow-up then waits rather than take over their next "1"."""
    state = conversation.load(session=session, member_id=member_id, now=now)
    return not state.expired and state.flow in registry.busy_flows()


def outcome_question(session: Session, member: Member, practice_id: int,
                     key: str = "tried.outcome") -> Reply:
    """The numbered outcomes under the practice's title (cut on SMS if need be)."""
    title = stories.titles(session=session, practice_ids=[practice_id],
                           langs=content_langs(member)).get(practice_id, "")
    return Reply(key, {"title": title}, OUTCOME_CHOICES, fit="title")


STEPS = {"practice": practice, "outcome": outcome, "changes": changes, "wrong": wrong}
FLOW = Flow(name="tried", steps=STEPS, keywords=(Keyword(TRIED, start, takes_argument=True),),
            menu=MenuEntry(5, "menu.tried", TRIED), free_text=FREE_TEXT)
