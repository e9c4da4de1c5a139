"""Delivery through the fake providers: retries, final errors, opt-out, no double sends."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import Session

from content.models import OutboundMessage, utcnow
from services.broadcasts import send_now as broadcast
from services.delivery.dispatcher import Dispatcher
from services.delivery.ratelimit import Limit, Limiter
from tests.webhooks.channels.test_telegram import CHAT, command, message
from tests.webhooks.channels.test_twilio import PHONE, sms


def one_reply(live, channel):
    if channel == "telegram":
        live.post_telegram(message(text="hi"))
    else:
        live.post_twilio(sms("hi"))
    return live.outbound()


def script(live, channel, failure):
    fake = live.telegram if channel == "telegram" else live.twilio
    getattr(fake, failure[0])(*failure[1:])


FAILURES = [
    ("telegram 429 retry_after", "telegram", ("rate_limit_next", 7), "queued", "429", False, 7),
    ("telegram 5xx", "telegram", ("server_error_next", 502), "queued", "network", False, 0),
    ("telegram 403 blocked", "telegram", ("block_next",), "dead", "403", True, None),
    ("telegram chat not found", "telegram", ("chat_not_found_next",), "dead", "400", False,
     None),
    ("twilio 429", "sms", ("rate_limit_next",), "queued", "429", False, 0),
    ("twilio 503", "sms", ("server_error_next", 503), "queued", "503", False, 0),
    ("twilio 21610 unsubscribed", "sms", ("unsubscribed_next",), "dead", "21610", True, None),
    ("twilio 21211 invalid number", "sms", ("invalid_number_next",), "dead", "21211", False,
     None),
]


@pytest.mark.parametrize("label,channel,failure,status,code,opted_out,wait", FAILURES,
                         ids=[f[0] for f in FAILURES])
def test_provider_errors(live, label, channel, failure, status, code, opted_out, wait):
    first = one_reply(live, channel)[0]
    script(live, channel, failure)
    live.dispatch()
    row = next(r for r in live.outbound() if r.id == first.id)
    assert (row.status, row.error_code) == (status, code)
    address = str(CHAT) if channel == "telegram" else PHONE
    assert live.identity(channel, address).opted_out == opted_out
    if wait is not None:
        assert row.next_attempt_at >= utcnow() + timedelta(seconds=wait - 1)
        with Session(live.services.db) as session:  # time passes...
            stored = session.get(OutboundMessage, row.id)
            stored.next_attempt_at = utcnow()
            session.add(stored)
            session.commit()
        live.dispatch()
        assert next(r for r in live.outbound() if r.id == row.id).status in ("sent", "accepted")


def test_a_worker_crash_between_claim_and_send_loses_nothing(live):
    one_reply(live, "sms")
    crashed = Dispatcher(live.services.db, live.services.senders)
    claimed = crashed.claim()  # ...and the process dies here
    assert claimed and live.twilio.sent() == []
    with Session(live.services.db) as session:
        for row in claimed:
            stored = session.get(OutboundMessage, row.id)
            stored.claimed_at = utcnow() - timedelta(minutes=5)
            session.add(stored)
        session.commit()
    live.dispatch()
    assert len(live.twilio.sent()) == len(claimed)
    assert {r.status for r in live.outbound()} == {"accepted"}


def test_two_workers_never_send_the_same_message_twice(live):
    for i in range(30):
        live.post_twilio(sms("hi", sender=f"+8551234{i:04d}"))
    total = len(live.outbound())

    async def both():
        workers = [Dispatcher(live.services.db, live.services.senders, worker=f"w{i}",
                              batch=7) for i in range(2)]

        async def drain(worker):
            while await worker.run_once():
                pass
        await asyncio.gather(*(drain(w) for w in workers))

    live.client.portal.call(both)
    bodies = [(c["To"], c["Body"]) for c in live.twilio.sent()]
    assert len(bodies) == total == len(set(bodies))


def test_a_recipient_over_its_rate_waits_without_holding_up_others(live):
    live.post_telegram(message(text="hi"))
    live.post_twilio(sms("hi"))
    with Session(live.services.db) as session:  # five more for the same chat
        row = next(r for r in live.outbound() if r.channel == "telegram")
        for i in range(5):
            session.add(OutboundMessage(**{**row.model_dump(exclude={"id"}),
                                           "text": f"extra {i}"}))
        session.commit()
    limiter = Limiter({"telegram": Limit(None, per_recipient=1.0, recipient_burst=3)})
    dispatcher = Dispatcher(live.services.db, live.services.senders, limiter=limiter)
    live.client.portal.call(dispatcher.run_once)
    assert len(live.telegram.sent()) == 3  # the burst, in order
    assert [c["text"] for c in live.telegram.sent()][:1] == [row.text]
    assert live.twilio.sent()  # the SMS member was not held up
    waiting = [r for r in live.outbound() if r.channel == "telegram" and r.status == "queued"]
    assert len(waiting) == 4 and all(r.next_attempt_at > utcnow() for r in waiting)
    assert all(r.attempts == 0 for r in waiting)


def test_nothing_reaches_a_member_who_sent_stop_not_even_a_broadcast(live):
    for text in ["hi", "1", "1", "1", "1", "1", "1"]:
        live.post_twilio(sms(text))
    live.dispatch()
    before = len(live.twilio.sent())
    live.post_twilio(sms("STOP"))
    live.process()
    with Session(live.services.db) as session:
        assert broadcast(session=session, text="A new story is out: send STORY") == 0
        session.commit()
    live.post_twilio(sms("STORY"))
    live.dispatch()
    assert len(live.twilio.sent()) == before


def test_a_broadcast_queued_before_stop_is_not_sent_after_it(live):
    for text in ["hi", "1", "1", "1", "1", "1", "1"]:
        live.post_twilio(sms(text))
    live.dispatch()
    before = len(live.twilio.sent())
    with Session(live.services.db) as session:
        assert broadcast(session=session, text="A new story is out: send STORY") == 1
        session.commit()
    live.post_twilio(sms("STOP"))
    live.dispatch()
    assert len(live.twilio.sent()) == before
    assert live.outbound()[-1].status == "suppressed"


def test_a_broadcast_reaches_a_telegram_member_as_typed(live):
    for update in [command("/start"), *(message(text="1") for _ in range(8))]:
        live.post_telegram(update)
    live.dispatch()
    with Session(live.services.db) as session:
        assert broadcast(session=session, text="Q&A on <b>rice</b> today: 5 > 3") == 1
        session.commit()
    live.dispatch()
    assert live.telegram.sent()[-1]["text"] == \
        "Q&amp;A on &lt;b&gt;rice&lt;/b&gt; today: 5 &gt; 3"
    assert live.outbound()[-1].status == "sent"
