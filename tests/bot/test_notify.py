"""Notices: messages to another member, in their language, on the channel they last used."""

from __future__ import annotations

from sqlmodel import Session, select

from bot import notify
from bot.replies import Notice, Reply, Step
from content.models import Identity, OutboundMessage, utcnow
from services import conversation
from services.delivery.outbox import rows as outbox_rows
from tests.bot.test_dialogs import onboard
from tests.support.chat import Chat


def deliver(services, member_id: int, *replies: Reply, next_step: Step | None = None,
            data: dict | None = None) -> list[OutboundMessage]:
    with Session(services.db) as session:
        ids = notify.deliver(session, services.catalog,
                             Notice(member_id, replies, next_step, data or {}), now=utcnow())
        session.commit()
        return outbox_rows(session, ids)


def test_a_notice_reaches_the_channel_the_member_last_wrote_from(services):
    sms = Chat(services, "sms", "+85512000001")
    onboard(sms, language="2")  # Khmer
    member = sms.member()
    telegram = Chat(services, "telegram", "500001")
    telegram.say("hi")
    with Session(services.db) as session:  # the Telegram chat belongs to the same person
        identity = telegram.identity(session)
        old_member = identity.member_id
        identity.member_id = member.id
        session.add(identity)
        session.commit()
    assert old_member != member.id
    telegram.say("menu")
    (row,) = deliver(services, member.id, Reply("menu.title"))
    assert (row.channel, row.address) == ("telegram", "500001")
    assert row.text == services.catalog.text("km", "menu.title", "telegram")
    assert sms.received() == []


def test_an_opted_out_identity_is_skipped_and_nothing_is_sent_when_all_are(services):
    sms = Chat(services, "sms", "+85512000002")
    onboard(sms)
    member_id = sms.member().id
    sms.say("STOP")
    assert deliver(services, member_id, Reply("menu.title")) == []
    with Session(services.db) as session:
        outbox = session.exec(select(OutboundMessage).where(
            OutboundMessage.member_id == member_id, OutboundMessage.purpose == "reply",
            OutboundMessage.inbound_id.is_(None))).all()
    assert outbox == []


def test_a_notice_can_set_the_next_step_and_long_sms_wait_for_more(services):
    sms = Chat(services, "sms", "+85512000003")
    onboard(sms)
    member_id = sms.member().id
    long = Reply("ask.answer", {"answer": "word " * 150, "title": "T"})
    rows = deliver(services, member_id, long, next_step=Step("ask", "rate"),
                   data={"question_id": 7})
    assert len(rows) == 1 and rows[0].segments <= 2
    with Session(services.db) as session:
        state = conversation.load(session=session, member_id=member_id, now=utcnow())
        assert (state.flow, state.step, state.data["question_id"]) == ("ask", "rate", 7)
        assert state.data["_pages"]
        identity = session.exec(select(Identity).where(Identity.member_id == member_id)).one()
    assert [r.identity_id for r in sms.received()] == [identity.id]
    more = sms.say("MORE")
    assert more and "word" in more[0].text
