"""Members invited to an exchange visit: the invitation, the answer (yes, no or maybe by
number), the waiting list, the reminders and, after the visit, the reflection.

Seats: a "yes" takes one; when none is left a "yes" joins the waiting list, in the order
people said it. A seat freed (a "no" after a "yes", more capacity) is offered to the
first waiting member (`offered`): it is held for them for OFFER_HOLD (48 hours), or, when
the visit starts sooner, for half the time left, so the next member on the list still
has the other half. An offer not answered in time lapses (`lapsed`, no seat; the
`visit_lapse` job) and the seat is offered to the next. No seat is offered once the visit
has started: the whole first day counts from 00:00 UTC (07:00 in Indochina, 08:00 in
Manila), before any visit there begins.

Jobs (services/scheduling; bot/flows/visiting.py sends them), all with `ref_id` the
invitation: `visit_invite` asks for the answer, `visit_week` and `visit_day` remind a
week and a day before the first day, `visit_reflect` asks what they saw and will try the
day after the last; `visit_lapsed` tells a member their offer lapsed. The reflection
schedules the TRIED follow-ups for the practice 30
and 90 days later (`followup`, the reading follow-up's kind, and `followup_late`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from content.db import is_sqlite
from content.models import Job, Visit, VisitInvite
from content.models.visits import ANSWERS, OPEN
from services.access import Principal
from services.audit import record
from services.scheduling import FOLLOWUP, schedule

INVITE, WEEK, DAY, REFLECT = "visit_invite", "visit_week", "visit_day", "visit_reflect"
LAPSE, LAPSED = "visit_lapse", "visit_lapsed"
LATE_FOLLOWUP = "followup_late"
KINDS = (INVITE, WEEK, DAY, REFLECT, LAPSE, LAPSED)
OFFER_HOLD = timedelta(hours=48)
# Reminders and the reflection are due at 01:00 UTC (08:00 in Indochina, 09:00 in
# Manila); a member still in quiet hours gets them when those end (bot/jobs.py).
SEND_AT = time(1, 0, tzinfo=UTC)
FOLLOWUPS = ((FOLLOWUP, timedelta(days=30)), (LATE_FOLLOWUP, timedelta(days=90)))


def invite(*, session: Session, visit: Visit, member_ids: list[int], now: datetime,
           actor: Principal | str = "system") -> int:
    """Invites the members not invited yet; each gets the invitation as a job due now.
    Returns how many were invited (and audit-logs them as the actor's)."""
    if visit.status != "planned":
        return 0
    known = set(session.exec(select(VisitInvite.member_id).where(
        VisitInvite.visit_id == visit.id)))
    added = 0
    for member_id in dict.fromkeys(member_ids):
        if member_id in known:
            continue
        row = VisitInvite(visit_id=visit.id, member_id=member_id, invited_at=now)
        session.add(row)
        session.flush()
        schedule(session=session, kind=INVITE, member_id=member_id, ref_id=row.id, due_at=now)
        added += 1
    if added:
        record(session=session, actor=actor, action="visit.invite", target_type="visit",
               target_id=visit.id, invited=added)
    return added


def taken(session: Session, visit_id: int) -> int:
    """Seats taken: those who said yes and those a seat is held for."""
    return session.exec(select(func.count(VisitInvite.id)).where(
        VisitInvite.visit_id == visit_id,
        VisitInvite.status.in_(("yes", "offered")))).one()


def answer(*, session: Session, invite: VisitInvite, number: int, now: datetime) -> str:
    """Records answer 1 yes, 2 no or 3 maybe; returns the status it gave (a yes with no
    seat left is `waiting`)."""
    visit = _locked(session, invite.visit_id)
    said = ANSWERS[number - 1]
    before = invite.status
    if said == "yes" and before not in ("yes", "offered") \
            and taken(session, visit.id) >= visit.capacity:
        if before != "waiting":
            invite.waiting_since = now
        invite.status = "waiting"
    else:
        invite.status = said
    invite.answered_at = now
    session.add(invite)
    session.flush()
    if before == "offered":
        _drop(session, invite.id, (LAPSE,))
    plan_reminders(session=session, visit=visit, invite=invite, now=now)
    if before in ("yes", "offered") and invite.status != "yes":
        fill_seats(session=session, visit=visit, now=now)
    return invite.status


def fill_seats(*, session: Session, visit: Visit, now: datetime) -> int:
    """Offers each free seat to the next member on the waiting list, held until
    `offer_expiry`; returns how many."""
    expires = offer_expiry(visit, now)
    if visit.status != "planned" or expires is None:
        return 0
    free = visit.capacity - taken(session, visit.id)
    waiting = list(session.exec(select(VisitInvite).where(
        VisitInvite.visit_id == visit.id, VisitInvite.status == "waiting")
        .order_by(VisitInvite.waiting_since, VisitInvite.id).limit(max(free, 0))))
    for row in waiting:
        row.status, row.offer_expires_at = "offered", expires
        session.add(row)
        schedule(session=session, kind=INVITE, member_id=row.member_id, ref_id=row.id,
                 due_at=now)
        schedule(session=session, kind=LAPSE, member_id=row.member_id, ref_id=row.id,
                 due_at=expires)
    session.flush()
    return len(waiting)


def offer_expiry(visit: Visit, now: datetime) -> datetime | None:
    """Until when a seat offered now is held: OFFER_HOLD on, or halfway to the visit's
    start when that is nearer; None once the visit has started (no offer then)."""
    starts = datetime.combine(visit.starts_on, time(0, tzinfo=UTC))
    if now >= starts:
        return None
    return now + OFFER_HOLD if starts - now >= OFFER_HOLD else now + (starts - now) / 2


def hold_offers(*, session: Session, visit: Visit, now: datetime) -> None:
    """After the visit's dates changed: no offer is held longer than one made now would
    be, so none runs past the new start."""
    bound = offer_expiry(visit, now) or now
    for row in session.exec(select(VisitInvite).where(VisitInvite.visit_id == visit.id,
                                                      VisitInvite.status == "offered")):
        if row.offer_expires_at is None or row.offer_expires_at > bound:
            row.offer_expires_at = bound
            session.add(row)
            _drop(session, row.id, (LAPSE,))
            schedule(session=session, kind=LAPSE, member_id=row.member_id, ref_id=row.id,
                     due_at=bound)


def lapse(*, session: Session, invite: VisitInvite, now: datetime) -> bool:
    """An offer not answered by its expiry lapses: the member has no seat, the seat goes
    to the next waiting member, and the member is told (a `visit_lapsed` job, which
    waits for their quiet hours). False when the offer was answered or is not due."""
    visit = _locked(session, invite.visit_id)
    session.refresh(invite)
    if invite.status != "offered" or invite.offer_expires_at is None \
            or invite.offer_expires_at > now:
        return False
    invite.status = "lapsed"
    session.add(invite)
    session.flush()
    _drop(session, invite.id, (INVITE,))  # a question held for quiet hours: too late now
    fill_seats(session=session, visit=visit, now=now)
    schedule(session=session, kind=LAPSED, member_id=invite.member_id, ref_id=invite.id,
             due_at=now)
    return True


def plan_reminders(*, session: Session, visit: Visit, invite: VisitInvite,
                   now: datetime) -> None:
    """Reminders a week and a day before, and the reflection after, for a "yes" (at the
    visit's present dates); none for any other answer."""
    _drop(session, invite.id, (WEEK, DAY, REFLECT))
    if invite.status != "yes" or visit.status != "planned":
        return
    for kind, day in ((WEEK, visit.starts_on - timedelta(days=7)),
                      (DAY, visit.starts_on - timedelta(days=1)),
                      (REFLECT, visit.ends_on + timedelta(days=1))):
        due = send_at(day)
        if due > now or kind == REFLECT:
            schedule(session=session, kind=kind, member_id=invite.member_id,
                     ref_id=invite.id, due_at=max(due, now))


def pending(*, session: Session, member_id: int, today: date) -> VisitInvite | None:
    """The member's invitation to an upcoming visit whose answer may still change (not
    answered, maybe, yes, waiting), newest first."""
    return session.exec(select(VisitInvite).join(Visit, Visit.id == VisitInvite.visit_id)
                        .where(VisitInvite.member_id == member_id,
                               VisitInvite.status.in_(OPEN), Visit.status == "planned",
                               Visit.ends_on >= today)
                        .order_by(VisitInvite.id.desc())).first()


def position(session: Session, invite: VisitInvite) -> int:
    """The member's place on the waiting list (1: next)."""
    ahead = session.exec(select(func.count(VisitInvite.id)).where(
        VisitInvite.visit_id == invite.visit_id, VisitInvite.status == "waiting",
        VisitInvite.waiting_since < invite.waiting_since)).one()
    return ahead + 1


def reflect(*, session: Session, invite: VisitInvite, seen: str | None = None,
            will_try: str | None = None, now: datetime) -> None:
    """Keeps what the member saw and will try; when both are in, the TRIED follow-ups
    for the practice are scheduled 30 and 90 days on."""
    if seen is not None:
        invite.seen = seen[:2000]
    if will_try is not None:
        invite.will_try = will_try[:2000]
        invite.reflected_at = now
        visit = session.get(Visit, invite.visit_id)
        for kind, after in FOLLOWUPS:
            schedule(session=session, kind=kind, member_id=invite.member_id,
                     ref_id=visit.practice_id, due_at=now + after)
    session.add(invite)


def _locked(session: Session, visit_id: int) -> Visit:
    """The visit, its row locked on PostgreSQL until the transaction ends, so that two
    members' answers never count the same free seat (SQLite has one writer at a time)."""
    query = select(Visit).where(Visit.id == visit_id)
    if not is_sqlite(session.get_bind()):
        query = query.with_for_update()
    return session.exec(query).one()


def send_at(day: date) -> datetime:
    """When the day's reminders are due (SEND_AT)."""
    return datetime.combine(day, SEND_AT)


def _drop(session: Session, invite_id: int, kinds: tuple[str, ...]) -> None:
    session.exec(update(Job).where(Job.kind.in_(kinds), Job.ref_id == invite_id,
                                   Job.status == "due").values(status="cancelled"))
