"""Members onboarded per week, and members active in the 30 days up to the period's end,
by country, language, channel or role."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from content.models import Identity, InboundMessage, Member
from services.access import Principal
from services.indicators.figure import Figure, Series, weekly_series
from services.indicators.period import Filters, week_of
from services.indicators.scope import between, counted

DIMENSIONS = ("country", "language", "channel", "role")
ACTIVE_DAYS = 30
UNKNOWN = "?"


def onboarded(*, session: Session, principal: Principal, filters: Filters) -> Figure:
    """Members who finished onboarding, per week and per value of `filters.by`."""
    week = week_of(Member.onboarded_at)
    value = _dimension(filters.by, Identity.channel)
    query = select(week, value, func.count(func.distinct(Member.id))) \
        .where(counted(principal, filters), between(Member.onboarded_at, filters))
    if filters.by == "channel":  # a member on two channels counts once on each
        query = query.join(Identity, Identity.member_id == Member.id)
    rows = [(w, v or UNKNOWN, n) for w, v, n in
            session.exec(query.group_by(week, value).order_by(week, value)).all()]
    weeks = filters.weeks()
    names = sorted({v for _, v, _ in rows})
    return Figure("onboarded", "Members onboarded", ("week", filters.by, "members"), rows,
                  labels=tuple(weeks), chart="stacked",
                  series=weekly_series(weeks, {(w, v): n for w, v, n in rows}, names))


def active(*, session: Session, principal: Principal, filters: Filters) -> Figure:
    """Members who sent anything in the ACTIVE_DAYS days up to the period's end, per
    value of `filters.by` (the channel: the one they wrote on). The writers are found
    from the inbound index alone, then each member is read once (joining every message
    to its member first took three times as long: bench/indicators.py)."""
    since = filters.until - timedelta(days=ACTIVE_DAYS)
    wrote = (InboundMessage.received_at >= since, InboundMessage.received_at < filters.until)
    if filters.by == "channel":
        pairs = select(InboundMessage.member_id, InboundMessage.channel) \
            .where(*wrote).distinct().subquery()
        value = pairs.c.channel
        query = select(value, func.count()).join(Member, Member.id == pairs.c.member_id)
    else:
        value = _dimension(filters.by, InboundMessage.channel)
        query = select(value, func.count()).where(
            Member.id.in_(select(InboundMessage.member_id).where(*wrote)))
    query = query.where(counted(principal, filters)).group_by(value).order_by(value)
    rows = [(v or UNKNOWN, n) for v, n in session.exec(query).all()]
    return Figure("active", f"Members active in the {ACTIVE_DAYS} days to "
                  f"{filters.end.isoformat()}", (filters.by, "members"), rows,
                  labels=tuple(v for v, _ in rows), chart="hbar",
                  series=(Series("members", tuple(n for _, n in rows)),))


def _dimension(by: str, channel):
    if by not in DIMENSIONS:
        raise ValueError(f"members are counted by {', '.join(DIMENSIONS)}, not {by!r}")
    return channel if by == "channel" else getattr(Member, by)
