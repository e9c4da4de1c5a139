"""SMS segments and their cost per week and the member's country. Segments are the
provider's billed count where it reported one, else our own count; the actual cost is
unit_price × billed_segments (known once the provider reported), the estimate the
outbox row's cost_estimate (migration 0017). Rows never handed to a provider
(suppressed, skipped) cost nothing and are left out."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from content.models import Member, OutboundMessage
from services.access import Principal
from services.indicators.figure import Figure, weekly_series
from services.indicators.period import Filters, week_of
from services.indicators.scope import between, counted

NOT_SENT = ("suppressed", "skipped")
COLUMNS = ("week", "country", "messages", "segments", "actual cost", "estimated cost")


def sms_cost(*, session: Session, principal: Principal, filters: Filters) -> Figure:
    """Per week and country: messages, segments, actual and estimated cost."""
    week = week_of(OutboundMessage.created_at)
    country = func.coalesce(Member.country, "?")
    out = OutboundMessage
    query = select(week, country, func.count(),
                   func.sum(func.coalesce(out.billed_segments, out.segments, 0)),
                   func.sum(out.unit_price * out.billed_segments),
                   func.sum(out.cost_estimate)) \
        .join(Member, Member.id == out.member_id) \
        .where(counted(principal, filters), between(out.created_at, filters),
               out.channel == "sms", out.status.not_in(NOT_SENT)) \
        .group_by(week, country).order_by(week, country)
    rows = [(w, c, n, int(s or 0), round(a or 0, 4), round(e or 0, 4))
            for w, c, n, s, a, e in session.exec(query).all()]
    weeks = filters.weeks()
    names = sorted({r[1] for r in rows})
    return Figure("sms", "SMS segments and cost", COLUMNS, rows, labels=tuple(weeks),
                  chart="stacked",
                  series=weekly_series(weeks, {(r[0], r[1]): r[3] for r in rows}, names),
                  note="The chart shows segments; the table their cost.")
