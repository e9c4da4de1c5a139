"""What the host of an exchange visit hears: that a visit to them is planned, changed or
cancelled, and, a week and a day before it, how many visitors are coming and which
languages they read (no names, no phone numbers: the host needs to prepare, not to
contact them; the moderators do that).

The host is `Visit.host_member_id` (the practice's contributor, when the practice has
one). Messages are jobs on the scheduler's table, as the invitations' are, with `ref_id`
the visit, so quiet hours are respected and a later state wins: each handler
(bot/flows/visit_host.py) reads the visit as it is when it runs.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from content.languages import BY_CODE
from content.models import Job, Member, Visit, VisitInvite
from services.scheduling import schedule
from services.visit_invites import send_at

PLANNED, CHANGED, CANCELLED = "visit_host_new", "visit_host_change", "visit_host_cancel"
WEEK, DAY = "visit_host_week", "visit_host_day"
KINDS = (PLANNED, CHANGED, CANCELLED, WEEK, DAY)
REMINDERS = ((WEEK, timedelta(days=7)), (DAY, timedelta(days=1)))


def planned(*, session: Session, visit: Visit, now: datetime) -> None:
    """The host is told of the new visit and will be reminded before it."""
    if visit.host_member_id is None:
        return
    schedule(session=session, kind=PLANNED, member_id=visit.host_member_id,
             ref_id=visit.id, due_at=now)
    plan_reminders(session=session, visit=visit, now=now)


def changed(*, session: Session, visit: Visit, now: datetime) -> None:
    """The host is told of the visit as it now is; reminders move with its dates."""
    if visit.host_member_id is None:
        return
    schedule(session=session, kind=CHANGED, member_id=visit.host_member_id,
             ref_id=visit.id, due_at=now)
    plan_reminders(session=session, visit=visit, now=now)


def cancelled(*, session: Session, visit: Visit, now: datetime) -> None:
    """Nothing more about the visit reaches the host but the cancellation."""
    if visit.host_member_id is None:
        return
    _drop(session, visit.id, KINDS)
    schedule(session=session, kind=CANCELLED, member_id=visit.host_member_id,
             ref_id=visit.id, due_at=now)


def plan_reminders(*, session: Session, visit: Visit, now: datetime) -> None:
    """Reminders a week and a day before the visit's present first day (those already
    past are skipped: a visit planned for tomorrow has no week reminder)."""
    _drop(session, visit.id, (WEEK, DAY))
    for kind, before in REMINDERS:
        due = send_at(visit.starts_on - before)
        if due > now:
            schedule(session=session, kind=kind, member_id=visit.host_member_id,
                     ref_id=visit.id, due_at=due)


def visitors(*, session: Session, visit: Visit) -> tuple[int, str]:
    """How many said yes, and the languages they read, most read first, in Latin
    letters (readable on any phone): (3, "Khmer 2, English 1")."""
    langs = Counter(session.exec(select(Member.language).join(
        VisitInvite, VisitInvite.member_id == Member.id).where(
        VisitInvite.visit_id == visit.id, VisitInvite.status == "yes")))
    names = ", ".join(f"{BY_CODE[code].latin_name if code in BY_CODE else code} {n}"
                      for code, n in sorted(langs.items(), key=lambda kv: (-kv[1], kv[0])))
    return sum(langs.values()), names


def _drop(session: Session, visit_id: int, kinds: tuple[str, ...]) -> None:
    session.exec(update(Job).where(Job.kind.in_(kinds), Job.ref_id == visit_id,
                                   Job.status == "due").values(status="cancelled"))
