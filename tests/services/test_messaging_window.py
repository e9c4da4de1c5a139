"""A channel's messaging window (WhatsApp's session, Messenger's 24 hours): what falls
outside it is skipped, with the reason, not sent and not failed."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from content.models import InboundMessage, OutboundMessage, utcnow
from content.models.messages import PRIORITY_BROADCAST
from services.delivery.dispatcher import Dispatcher
from services.delivery.outbox import queue
from services.delivery.parts import Part
from services.delivery.senders import SendResult, Skipped
from services.members import identify

ADDRESS = "+6281234567890"


class Twilio:
    """Twilio as the dispatcher sees it, answering from a script (a fake provider)."""

    provider = "twilio"

    def __init__(self, *answers):
        self.answers, self.sent = list(answers), []

    async def send(self, message):
        self.sent.append(message.id)
        answer = self.answers.pop(0) if self.answers else SendResult(f"SM{message.id}")
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def close(self):
        pass


def _row(db, *, channel: str, heard: timedelta | None, kind: str = "text") -> int:
    """A broadcast to an identity last heard from `heard` ago (None: never)."""
    with Session(db) as session:
        member, identity = identify(session=session, provider="twilio", channel=channel,
                                    address=ADDRESS)
        if heard is not None:
            session.add(InboundMessage(
                provider="twilio", provider_key=uuid.uuid4().hex, channel=channel,
                address=ADDRESS, kind=kind, member_id=member.id, identity_id=identity.id,
                received_at=utcnow() - heard))
        (row_id,) = queue(session=session, identity=identity, priority=PRIORITY_BROADCAST,
                       purpose="broadcast", parts=[Part("This week's story")])
        session.commit()
        return row_id


def _stored(db, row_id: int) -> OutboundMessage:
    with Session(db) as session:
        return session.exec(select(OutboundMessage).where(OutboundMessage.id == row_id)).one()


@pytest.mark.parametrize(("channel", "heard", "kind", "status", "code", "sent"), [
    ("whatsapp", timedelta(hours=1), "text", "sent", None, True),
    ("whatsapp", timedelta(hours=25), "text", "skipped", "outside-window", False),
    ("whatsapp", None, "text", "skipped", "outside-window", False),
    # a delivery receipt an hour ago is not the member writing
    ("whatsapp", timedelta(hours=1), "status", "skipped", "outside-window", False),
    ("sms", timedelta(days=30), "text", "sent", None, True),  # SMS has no window
], ids=["within", "25 hours", "never wrote", "only a receipt", "sms"])
def test_window(services, channel, heard, kind, status, code, sent):
    row_id = _row(services.db, channel=channel, heard=heard, kind=kind)
    twilio = Twilio()
    asyncio.run(Dispatcher(services.db, {"twilio": twilio}).run_once())
    stored = _stored(services.db, row_id)
    assert (stored.status, stored.error_code) == (status, code)
    assert (row_id in twilio.sent) is sent


def test_a_provider_that_says_the_window_closed_skips_the_row(services):
    row_id = _row(services.db, channel="whatsapp", heard=timedelta(hours=1))
    twilio = Twilio(Skipped("outside-window", "the provider says the window closed"))
    asyncio.run(Dispatcher(services.db, {"twilio": twilio}).run_once())
    stored = _stored(services.db, row_id)
    assert (stored.status, stored.error_code) == ("skipped", "outside-window")
    assert stored.attempts == 1 and twilio.sent == [row_id]
