"""Invited to an exchange visit: the invitation answered by number (1 yes, 2 no,
3 maybe), the reminders, change and cancellation notices, and the two-question
reflection after the visit (services/visit_invites.py keeps the answers and seats).

Everything here starts from a job the worker runs (bot/jobs.py names the handlers):
like the TRIED follow-up, a question waits while the member is in a dialog it must not
interrupt, and a notice waits for the end of their quiet hours; the notice continues the
member's dialog at the step that reads the answer. An invitation left unanswered (the
member went on to something else) is asked again by VISIT (bot/flows/visit.py).

```mermaid
flowchart LR
  invite([visit_invite job]) --> answer
  answer -->|1 yes| going([seat: details, reminders a week and a day before])
  answer -->|1 yes, full| waiting([waiting list]) -.->|a seat frees| invite
  answer -->|2 no, 3 maybe| done([thanks, menu])
  invite -.->|offer not answered in 48 h| lapsed([visit_lapse: lapsed, seat to the next])
  reflect([visit_reflect job, the day after]) --> seen -->|their words| try
  try -->|their words| thanks([TRIED follow-ups at 30 and 90 days])
```
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.flows.common import invalid, to_menu
from bot.flows.flow import Flow
from bot.flows.practice_lists import content_langs
from bot.flows.tried import BUSY_RETRY, busy
from bot.notify import reachable_identity
from bot.replies import Choice, Notice, Outcome, Reply, Step
from bot.turn import Turn
from content.models import Job, Member, Visit, VisitInvite
from content.models.visits import ANSWERS, NOTIFIED, PENDING
from services import stories, visit_attendance, visit_invites
from services.visit_plans import dates

CHOICES = tuple(Choice(str(n), f"visit.answer.{a}") for n, a in enumerate(ANSWERS, 1))
SAID = {"yes": "visit.going", "no": "visit.declined", "maybe": "visit.maybe",
        "waiting": "visit.waiting"}
PURPOSE = "visit"


def question(session: Session, member: Member, visit: Visit, invite: VisitInvite) -> Reply:
    """The invitation, or the seat offered from the waiting list, with the answers."""
    key = "visit.seat" if invite.status == "offered" else "visit.invite"
    return Reply(key, visit_params(session, member, visit), CHOICES, fit="title")


def ask_again(turn: Turn, invite: VisitInvite) -> Outcome:
    """The pending invitation, asked again (VISIT while one waits for an answer)."""
    visit = turn.session.get(Visit, invite.visit_id)
    turn.data = {"invite_id": invite.id}
    return Outcome([question(turn.session, turn.member, visit, invite)],
                   Step("visiting", "answer"))


def answer(turn: Turn) -> Outcome:
    """1 yes, 2 no, 3 maybe: the seat, the waiting list, or thanks."""
    invite = _own(turn)
    if invite is None:
        return to_menu(Reply("not_understood"))
    visit = turn.session.get(Visit, invite.visit_id)
    if invite.status == "lapsed":  # answered after the seat went to the next member
        return to_menu(Reply("visit.lapsed", visit_params(turn.session, turn.member, visit),
                             fit="title"))
    if visit.status != "planned" or visit.ends_on < turn.now.date():
        return to_menu(Reply("visit.cancelled", visit_params(turn.session, turn.member, visit),
                             fit="title"))
    number = turn.number
    if number is None or not 1 <= number <= len(ANSWERS):
        return Outcome([invalid(1, len(ANSWERS)),
                        question(turn.session, turn.member, visit, invite)],
                       Step("visiting", "answer"))
    status = visit_invites.answer(session=turn.session, invite=invite, number=number,
                                  now=turn.now)
    params = visit_params(turn.session, turn.member, visit)
    if status == "waiting":
        params["n"] = visit_invites.position(turn.session, invite)
    return to_menu(*_said(status, visit, params))


def seen(turn: Turn) -> Outcome:
    """What the member saw; then what they will try."""
    invite = _own(turn)
    if invite is not None:
        visit_invites.reflect(session=turn.session, invite=invite, seen=turn.text.strip(),
                              now=turn.now)
    return Outcome([Reply("visit.try_ask")], Step("visiting", "try"))


def will_try(turn: Turn) -> Outcome:
    """What the member will try: kept, and the TRIED follow-ups scheduled."""
    invite = _own(turn)
    if invite is not None:
        visit_invites.reflect(session=turn.session, invite=invite,
                              will_try=turn.text.strip(), now=turn.now)
    return to_menu(Reply("visit.reflected"))


# Job handlers (bot/jobs.py) ------------------------------------------------------------

def invitation(session: Session, job: Job, now: datetime) -> list[Notice]:
    """Asks for the answer to an invitation or an offered seat (`visit_invite`)."""
    found = _loaded(session, job, now, PENDING)
    if found is None:
        return []
    invite, visit, member = found
    if busy(session, member.id, now):
        job.due_at = now + BUSY_RETRY  # their next "1" belongs to the dialog they are in
        return []
    return [Notice(member.id, (question(session, member, visit, invite),),
                   next=Step("visiting", "answer"), data={"invite_id": invite.id},
                   purpose=PURPOSE)]


def reminder(session: Session, job: Job, now: datetime) -> list[Notice]:
    """A week or a day before (`visit_week`, `visit_day`): when and where, what to bring."""
    found = _loaded(session, job, now, ("yes",))
    if found is None:
        return []
    invite, visit, member = found
    key = "visit.remind_week" if job.kind == visit_invites.WEEK else "visit.remind_day"
    replies = [Reply(key, visit_params(session, member, visit), fit="title")]
    if visit.bring:
        replies.append(Reply("visit.bring", {"bring": visit.bring}, fit="bring"))
    return [Notice(member.id, tuple(replies), purpose=PURPOSE)]


def changed(session: Session, job: Job, now: datetime) -> list[Notice]:
    """The visit's new dates and place (`visit_change`)."""
    found = _loaded(session, job, now, NOTIFIED)
    if found is None:
        return []
    _, visit, member = found
    return [Notice(member.id, (Reply("visit.changed", visit_params(session, member, visit),
                                     fit="title"),), purpose=PURPOSE)]


def cancelled(session: Session, job: Job, now: datetime) -> list[Notice]:
    """The visit is off (`visit_cancel`)."""
    found = _loaded(session, job, now, NOTIFIED, planned=False)
    if found is None:
        return []
    _, visit, member = found
    return [Notice(member.id, (Reply("visit.cancelled", visit_params(session, member, visit),
                                     fit="title"),), purpose=PURPOSE)]


def reflection(session: Session, job: Job, now: datetime) -> list[Notice]:
    """The day after the visit: what did you see (`visit_reflect`); only to those who
    came, where a moderator recorded who did (services/visit_attendance.py)."""
    found = _loaded(session, job, now, ("yes",), ended=True)
    if found is None or found[0].reflected_at is not None \
            or not visit_attendance.reflects(session, found[0]):
        job.status = "cancelled"
        return []
    invite, visit, member = found
    if busy(session, member.id, now):
        job.due_at = now + BUSY_RETRY
        return []
    return [Notice(member.id, (Reply("visit.seen_ask", visit_params(session, member, visit),
                                     fit="title"),),
                   next=Step("visiting", "seen"), data={"invite_id": invite.id},
                   purpose=PURPOSE)]


def lapse(session: Session, job: Job, now: datetime) -> list[Notice]:
    """An offered seat not answered in time goes to the next member (`visit_lapse`;
    never held for quiet hours: the next member's question is, and so is the notice)."""
    invite = session.get(VisitInvite, job.ref_id) if job.ref_id else None
    if invite is not None and invite.status == "offered" and invite.offer_expires_at \
            and invite.offer_expires_at > now:  # offered again since: a later expiry
        job.due_at = invite.offer_expires_at
        return []
    if invite is None or not visit_invites.lapse(session=session, invite=invite, now=now):
        job.status = "cancelled"
    return []


def lapsed(session: Session, job: Job, now: datetime) -> list[Notice]:
    """Tells the member their offer lapsed and the seat went on (`visit_lapsed`)."""
    found = _loaded(session, job, now, ("lapsed",))
    if found is None:
        return []
    _, visit, member = found
    return [Notice(member.id, (Reply("visit.lapsed", visit_params(session, member, visit),
                                     fit="title"),), purpose=PURPOSE)]


def _loaded(session: Session, job: Job, now: datetime, statuses: tuple[str, ...], *,
            planned: bool = True, ended: bool = False):
    """(invite, visit, member) if the notice still applies and the member can be
    reached; otherwise the job is cancelled and None returned."""
    invite = session.get(VisitInvite, job.ref_id) if job.ref_id else None
    visit = session.get(Visit, invite.visit_id) if invite else None
    member = session.get(Member, invite.member_id) if invite else None
    fine = visit is not None and member is not None and invite.status in statuses \
        and (visit.status == "planned") == planned \
        and (ended or not planned or visit.ends_on >= now.date()) \
        and reachable_identity(session, member.id) is not None
    if not fine:
        job.status = "cancelled"
        return None
    return invite, visit, member


def _own(turn: Turn) -> VisitInvite | None:
    invite = turn.session.get(VisitInvite, turn.data.get("invite_id") or 0)
    return invite if invite is not None and invite.member_id == turn.member.id else None


def visit_params(session: Session, member: Member, visit: Visit) -> dict:
    title = stories.titles(session=session, practice_ids=[visit.practice_id],
                           langs=content_langs(member)).get(visit.practice_id, "")
    return {"title": title, "dates": dates(visit), "place": visit.place}


def _said(status: str, visit: Visit, params: dict) -> list[Reply]:
    """What the member is told after their answer; a seat comes with the details."""
    replies = [Reply(SAID[status], params, fit="title")]
    if status == "yes":
        if visit.bring:
            replies.append(Reply("visit.bring", {"bring": visit.bring}, fit="bring"))
        replies.append(Reply("visit.costs_covered" if visit.costs_covered
                             else "visit.costs_own"))
    return replies


FREE_TEXT: frozenset[str] = frozenset({"seen", "try"})
STEPS = {"answer": answer, "seen": seen, "try": will_try}
FLOW = Flow(name="visiting", steps=STEPS, free_text=FREE_TEXT)
