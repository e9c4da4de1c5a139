"""What the host of an exchange visit is told (services/visit_hosts.py plans it): the
visit planned, changed or cancelled, and a week and a day before it, how many visitors
said yes and which languages they read. Job handlers only (bot/jobs.py names them): the
host answers nothing, so no dialog continues from these notices.

Each handler reads the visit when it runs, so a host told late (quiet hours) hears the
visit as it is then, and a notice that no longer applies (a "planned" for a visit
cancelled since) is dropped.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.flows.visiting import PURPOSE, visit_params
from bot.notify import reachable_identity
from bot.replies import Notice, Reply
from content.models import Job, Member, Visit
from services import visit_hosts

KEYS = {visit_hosts.PLANNED: "visit.host_planned", visit_hosts.CHANGED: "visit.host_changed",
        visit_hosts.CANCELLED: "visit.host_cancelled", visit_hosts.WEEK: "visit.host_week",
        visit_hosts.DAY: "visit.host_day"}
NOBODY = "-"  # no language to list when nobody said yes yet


def host_notice(session: Session, job: Job, now: datetime) -> list[Notice]:
    """The host's notice of this job's kind, if it still applies."""
    visit = session.get(Visit, job.ref_id) if job.ref_id else None
    member = session.get(Member, job.member_id) if job.member_id else None
    if not _applies(job, visit, member, now) or reachable_identity(session, member.id) is None:
        job.status = "cancelled"
        return []
    params = visit_params(session, member, visit) | {"seats": visit.capacity}
    if job.kind in (visit_hosts.WEEK, visit_hosts.DAY):
        count, langs = visit_hosts.visitors(session=session, visit=visit)
        params |= {"n": count, "langs": langs or NOBODY}
    return [Notice(member.id, (Reply(KEYS[job.kind], params, fit="title"),),
                   purpose=PURPOSE)]


def _applies(job: Job, visit: Visit | None, member: Member | None, now: datetime) -> bool:
    """A cancellation only for a cancelled visit; the rest only for one still to come,
    and only to its host."""
    if visit is None or member is None or visit.host_member_id != member.id:
        return False
    if job.kind == visit_hosts.CANCELLED:
        return visit.status == "cancelled"
    return visit.status == "planned" and visit.ends_on >= now.date()
