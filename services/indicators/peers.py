"""Introductions proposed, accepted by both and with contacts shared, per week of the
proposal; members' interest in visits per week, and the visits they made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import case, distinct, func, or_
from sqlmodel import Session, select

from content.models import Introduction, Member, VisitInterest
from content.models.visits import Visit, VisitInvite
from services import visit_attendance
from services.access import Principal
from services.indicators.figure import Figure, weekly_series
from services.indicators.period import Filters, week_of
from services.indicators.scope import between, counted

INTRODUCTION_COLUMNS = ("week", "proposed", "accepted", "contacts shared")


def introductions(*, session: Session, principal: Principal, filters: Filters) -> Figure:
    """Introductions asked for by a counted member (member_a), per week proposed."""
    week = week_of(Introduction.created_at)
    accepted = Introduction.a_accepted.is_(True) & Introduction.b_accepted.is_(True)
    shared = or_(Introduction.a_shares_contact.is_(True),
                 Introduction.b_shares_contact.is_(True))
    query = select(week, func.count(), func.sum(case((accepted, 1), else_=0)),
                   func.sum(case((shared, 1), else_=0))) \
        .join(Member, Member.id == Introduction.member_a) \
        .where(counted(principal, filters), between(Introduction.created_at, filters)) \
        .group_by(week)
    found = {w: (p, int(a), int(s)) for w, p, a, s in session.exec(query).all()}
    weeks = filters.weeks()
    rows = [(w, *found.get(w, (0, 0, 0))) for w in weeks]
    counts = {(r[0], name): r[i] for r in rows
              for i, name in enumerate(INTRODUCTION_COLUMNS[1:], start=1)}
    return Figure("introductions", "Introductions", INTRODUCTION_COLUMNS, rows,
                  labels=tuple(weeks), chart="line",
                  series=weekly_series(weeks, counts, list(INTRODUCTION_COLUMNS[1:])))


def visits(*, session: Session, principal: Principal, filters: Filters) -> Figure:
    """Visit interest and visits made, per week."""
    week = week_of(VisitInterest.created_at)
    query = select(week, func.count()) \
        .join(Member, Member.id == VisitInterest.member_id) \
        .where(counted(principal, filters), between(VisitInterest.created_at, filters)) \
        .group_by(week)
    interest = dict(session.exec(query).all())
    made = visits_made(session=session, principal=principal, filters=filters)
    weeks = filters.weeks()
    names = ["interest", "visits made"]
    rows = [(w, interest.get(w, 0), made.get(w, 0)) for w in weeks]
    counts = {(r[0], name): r[i] for r in rows for i, name in enumerate(names, start=1)}
    return Figure("visits", "Visits", ("week", *names), rows, labels=tuple(weeks),
                  series=weekly_series(weeks, counts, names))


def visits_made(*, session: Session, principal: Principal,
                filters: Filters) -> dict[str, int]:
    """Visits made per week of the visit's last day: counted members who made a visit
    that was not cancelled and is over (services/visits.py, visits_made): those marked
    as having come where a moderator recorded attendance for that visit, else those who
    said yes (services/visit_attendance.made). Visits are few, so they are counted per
    day in SQL and put in their weeks here."""
    today = datetime.now(UTC).date()
    query = select(Visit.ends_on, func.count(distinct(VisitInvite.member_id))) \
        .join(Visit, Visit.id == VisitInvite.visit_id) \
        .join(Member, Member.id == VisitInvite.member_id) \
        .where(visit_attendance.made(), Visit.status == "planned", Visit.ends_on < today,
               Visit.ends_on >= filters.since.date(), Visit.ends_on < filters.until.date(),
               counted(principal, filters)) \
        .group_by(Visit.ends_on)
    made: dict[str, int] = {}
    for day, number in session.exec(query).all():
        monday = (day - timedelta(days=day.weekday())).isoformat()
        made[monday] = made.get(monday, 0) + number
    return made
