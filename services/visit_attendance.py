"""Who came to an exchange visit: after its last day a moderator ticks, on the "yes"
list, the members who came (`VisitInvite.attended`; None everywhere until someone
records it for that visit).

Where attendance is recorded for a visit, it is what counts: the reflection interview
goes to the members who came, and the indicators count them as having made the visit.
Where nothing is recorded, a "yes" stands for having come, as before attendance was
kept (most visits will never have it recorded).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, exists, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from content.models import Job, Visit, VisitInvite
from services.access import Principal
from services.audit import record as audit
from services.scheduling import schedule
from services.visit_invites import REFLECT


class Refused(ValueError):
    """Attendance cannot be recorded now; says why."""


def recordable(visit: Visit, now: datetime) -> bool:
    """Whether the visit took place and is over (its last day has passed)."""
    return visit.status == "planned" and visit.ends_on < now.date()


def recorded(session: Session, visit_id: int) -> bool:
    """Whether anyone's attendance is recorded for the visit."""
    return session.exec(select(VisitInvite.id).where(
        VisitInvite.visit_id == visit_id, VisitInvite.attended.is_not(None))).first() \
        is not None


def record(*, session: Session, principal: Principal, visit: Visit,
           came: Iterable[int], now: datetime) -> int:
    """Marks each member who said yes as come (their id in `came`) or not; returns how
    many came. Anyone who came and was not asked the reflection yet (the interview went
    only to those who came, before this was corrected) is asked it now."""
    if not recordable(visit, now):
        raise Refused("Attendance is recorded after the visit's last day.")
    came = set(came)
    rows = list(session.exec(select(VisitInvite).where(
        VisitInvite.visit_id == visit.id, VisitInvite.status == "yes")))
    for invite in rows:
        invite.attended = invite.member_id in came
        session.add(invite)
        if invite.attended and invite.reflected_at is None and not _asked(session, invite):
            schedule(session=session, kind=REFLECT, member_id=invite.member_id,
                     ref_id=invite.id, due_at=now)
    session.flush()
    total = sum(1 for invite in rows if invite.attended)
    audit(session=session, actor=principal, action="visit.attendance", target_type="visit",
          target_id=visit.id, came=total, said_yes=len(rows))
    return total


def reflects(session: Session, invite: VisitInvite) -> bool:
    """Whether the member is asked the reflection: they came, or, where nothing was
    recorded for the visit, they said yes."""
    if invite.attended is not None:
        return invite.attended
    return invite.status == "yes" and not recorded(session, invite.visit_id)


def made():
    """SQL condition on VisitInvite: the member made the visit (came where attendance is
    recorded for the visit, else said yes). For the indicators' "visits made"."""
    other = aliased(VisitInvite)
    kept = exists().where(other.visit_id == VisitInvite.visit_id, other.attended.is_not(None))
    return or_(VisitInvite.attended.is_(True), and_(~kept, VisitInvite.status == "yes"))


def _asked(session: Session, invite: VisitInvite) -> bool:
    """Whether a reflection was asked or is waiting to be (a due or done job)."""
    return session.exec(select(Job.id).where(
        Job.kind == REFLECT, Job.ref_id == invite.id,
        Job.status.in_(("due", "done")))).first() is not None
