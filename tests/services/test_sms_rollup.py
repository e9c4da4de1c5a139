"""The SMS roll-up (migration 0020's triggers, services/indicators/rollup.py): the SMS
figure equals what the outbox's rows say, computed here in Python from the rows
themselves, after the provider reports billed segments, after rows are suppressed,
withdrawn or deleted, after a simulator member's SMS, and before and after a squash."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from content.models import Member, OutboundMessage, SmsDay
from services.access import Principal
from services.indicators import default_filters, figure
from services.indicators.rollup import squash
from tests.support import indicators_data
from tests.support.indicators_data import TODAY

ADMIN = Principal(account_id=None, email="a@x", name="A", role="admin")
NOT_SENT = ("suppressed", "skipped", "withdrawn")
FILTERS = default_filters(TODAY)


@pytest.fixture
def data(services):
    yield indicators_data.generate(services.db)
    indicators_data.remove(services.db)


def from_the_outbox(session: Session) -> list[tuple]:
    """The figure's rows, from the outbox and its members as they are now."""
    counts = defaultdict(lambda: [0, 0, 0.0, 0.0])
    for row, member in session.exec(select(OutboundMessage, Member)
                                    .join(Member, Member.id == OutboundMessage.member_id)):
        day = row.created_at.date()
        if row.channel != "sms" or row.status in NOT_SENT or member.sandbox \
                or not FILTERS.start <= day <= FILTERS.end:
            continue
        tally = counts[((day - timedelta(days=day.weekday())).isoformat(),
                        member.country or "?")]
        tally[0] += 1
        tally[1] += row.billed_segments or row.segments or 0
        tally[2] += (row.unit_price or 0) * (row.billed_segments or 0)
        tally[3] += row.cost_estimate or 0
    return sorted((w, c, *t) for (w, c), t in counts.items())


def agrees(session: Session) -> None:
    found = figure(session=session, principal=ADMIN, key="sms", filters=FILTERS).rows
    want = from_the_outbox(session)
    assert want, "the generated programme sends SMS"
    assert [r[:4] for r in found] == [r[:4] for r in want]
    assert [r[4:] for r in found] == [pytest.approx(r[4:], abs=1e-3) for r in want]


def sms_rows(session: Session) -> list[OutboundMessage]:
    return list(session.exec(select(OutboundMessage).where(OutboundMessage.channel == "sms")
                             .order_by(OutboundMessage.id)))


def test_the_roll_up_follows_every_change_of_the_outbox(services, data):
    with Session(services.db) as session:
        agrees(session)
        rows = sms_rows(session)
        for row in rows[0:40:3]:  # the provider reports what it billed
            row.billed_segments, row.unit_price = 4, 0.07
        for row, status in zip(rows[1:40:3], ["suppressed", "withdrawn", "delivered"] * 5,
                               strict=False):
            row.status = status
        for row in rows[2:40:3]:
            session.delete(row)
        rows[50].status = "sending"  # a dispatcher's move: counted as before
        session.commit()
        agrees(session)


def test_a_squash_folds_the_rows_and_changes_no_figure(services, data):
    with Session(services.db) as session:
        for row in sms_rows(session)[:30]:
            row.billed_segments = (row.billed_segments or 0) + 1
        session.commit()
        before = session.exec(select(func.count()).select_from(SmsDay)).one()
        assert squash(session) > 0
        session.commit()
        groups = session.exec(select(func.count()).select_from(
            select(SmsDay.day, SmsDay.country, SmsDay.organisation_id).distinct().subquery())
        ).one()
        assert session.exec(select(func.count()).select_from(SmsDay)).one() == groups < before
        agrees(session)
        assert squash(session) == 0  # nothing left to fold
        agrees(session)


def test_a_simulator_members_sms_is_not_counted(services, data):
    with Session(services.db) as session:
        sms = sms_rows(session)[0]
        member = session.get(Member, sms.member_id)
        member.sandbox = "sandbox-1"
        session.add(OutboundMessage(member_id=member.id, identity_id=sms.identity_id,
                                    provider="twilio", channel="sms", address="x", text="t",
                                    segments=2, created_at=sms.created_at))
        session.commit()
        agrees(session)  # the new row is left out (the member's earlier rows stay counted)
