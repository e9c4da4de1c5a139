"""SMS segments and their cost per week and the member's country, read from the daily
roll-up the outbox's triggers keep (migration 0020, content/models/programme.py:
SmsDay). Segments are the provider's billed count where it reported one, else our own
count; the actual cost is unit_price × billed_segments (known once the provider
reported), the estimate the outbox row's cost_estimate. Rows never handed to a provider
(suppressed, skipped, withdrawn) cost nothing and are left out. A row counts under the
country and organisation its member had when it was queued (or last changed)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from content.models import SmsDay
from services.access import Principal
from services.indicators.figure import Figure, weekly_series
from services.indicators.period import Filters, week_of_day
from services.indicators.scope import counted

COLUMNS = ("week", "country", "messages", "segments", "actual cost", "estimated cost")


def sms_cost(*, session: Session, principal: Principal, filters: Filters) -> Figure:
    """Per week and country: messages, segments, actual and estimated cost."""
    week = week_of_day(SmsDay.day)
    country = func.coalesce(SmsDay.country, "?")
    query = select(week, country, func.sum(SmsDay.messages), func.sum(SmsDay.segments),
                   func.sum(SmsDay.actual), func.sum(SmsDay.estimate)) \
        .where(counted(principal, filters, SmsDay, rolled_up=True),
               SmsDay.day >= filters.start, SmsDay.day <= filters.end) \
        .group_by(week, country).having(func.sum(SmsDay.messages) != 0) \
        .order_by(week, country)
    rows = [(w, c, int(n), int(s or 0), round(a or 0, 4), round(e or 0, 4))
            for w, c, n, s, a, e in session.exec(query).all()]
    weeks = filters.weeks()
    names = sorted({r[1] for r in rows})
    return Figure("sms", "SMS segments and cost", COLUMNS, rows, labels=tuple(weeks),
                  chart="stacked",
                  series=weekly_series(weeks, {(r[0], r[1]): r[3] for r in rows}, names),
                  note="The chart shows segments; the table their cost.")
