"""Practices members documented through SHARE (services/documentation.py: a practice
with a contributor) and those published, per week; replication reports per practice
and country by outcome."""

from __future__ import annotations

from sqlalchemy import case, func
from sqlmodel import Session, select

from content.models import Member, Practice, ReplicationReport
from services.access import Principal
from services.indicators.figure import Figure, Series, weekly_series
from services.indicators.period import Filters, week_of
from services.indicators.scope import between, counted

OUTCOMES = ("adopted", "adapted", "abandoned")


def documented(*, session: Session, principal: Principal, filters: Filters) -> Figure:
    """SHARE drafts started, and SHARE practices published for the first time."""
    found: dict[tuple[str, str], int] = {}
    for name, column in (("documented", Practice.created_at),
                         ("published", Practice.published_at)):
        week = week_of(column)
        query = select(week, func.count()) \
            .join(Member, Member.id == Practice.contributor_id) \
            .where(counted(principal, filters), between(column, filters)) \
            .group_by(week)
        found.update({(w, name): n for w, n in session.exec(query).all()})
    weeks = filters.weeks()
    rows = [(w, found.get((w, "documented"), 0), found.get((w, "published"), 0))
            for w in weeks]
    return Figure("documented", "Practices documented through SHARE",
                  ("week", "documented", "published"), rows, labels=tuple(weeks),
                  series=weekly_series(weeks, found, ["documented", "published"]))


def replication(*, session: Session, principal: Principal, filters: Filters) -> Figure:
    """Reports adopted / adapted / abandoned per practice and the report's country."""
    sums = [func.sum(case((ReplicationReport.outcome == o, 1), else_=0)) for o in OUTCOMES]
    country = func.coalesce(ReplicationReport.country, "?")
    query = select(Practice.slug, country, *sums) \
        .join(Member, Member.id == ReplicationReport.member_id) \
        .join(Practice, Practice.id == ReplicationReport.practice_id) \
        .where(counted(principal, filters), between(ReplicationReport.created_at, filters),
               ReplicationReport.outcome.in_(OUTCOMES)) \
        .group_by(Practice.slug, country).order_by(Practice.slug, country)
    rows = [(slug, c, *(int(n) for n in counts))
            for slug, c, *counts in session.exec(query).all()]
    return Figure("replication", "Replication reports", ("practice", "country", *OUTCOMES),
                  rows, labels=tuple(f"{r[0]} ({r[1]})" for r in rows), chart="hbar_stacked",
                  series=tuple(Series(o, tuple(r[i] for r in rows))
                               for i, o in enumerate(OUTCOMES, start=2)))
