"""Twilio status callbacks: statuses only move forward; billed segments are kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from bot.retry import retry_inbound
from content.models import OutboundMessage
from tests.webhooks.channels.test_twilio import PHONE, sms

STATUS = "/webhooks/twilio/status"


def status(sid: str, value: str, **extra) -> dict:
    return {"MessageSid": sid, "MessageStatus": value, "AccountSid": "AC" + "0" * 32,
            "To": PHONE, "From": "+15005550006", **extra}


def first_sent(live) -> OutboundMessage:
    live.post_twilio(sms("hi"))
    live.dispatch()
    row = live.outbound()[0]
    assert row.status == "accepted" and row.provider_id.startswith("SM")
    return row


SEQUENCES = [
    ("in order", ["queued", "sending", "sent", "delivered"], "delivered", None),
    ("delivered before sent", ["delivered", "sent", "queued"], "delivered", None),
    ("undelivered with carrier error", [("sent", {}), ("undelivered", {"ErrorCode": "30003"})],
     "undelivered", "30003"),
    ("failed", [("failed", {"ErrorCode": "30008"})], "failed", "30008"),
    ("read on WhatsApp", ["sent", "delivered", "read", "delivered"], "read", None),
    ("canceled", ["scheduled", "canceled"], "canceled", None),
    ("accepted then scheduled stays accepted", ["accepted", "scheduled"], "accepted", None),
    ("an unknown status changes nothing", ["sent", "teleported"], "sent", None),
]


@pytest.mark.parametrize("label,steps,final,code", SEQUENCES, ids=[s[0] for s in SEQUENCES])
def test_status_sequences(live, label, steps, final, code):
    row = first_sent(live)
    for step in steps:
        value, extra = (step, {}) if isinstance(step, str) else step
        response = live.post_twilio(status(row.provider_id, value, **extra), path=STATUS)
        assert response.status_code == 204
    stored = next(r for r in live.outbound() if r.id == row.id)
    assert (stored.status, stored.error_code) == (final, code)


def test_billed_segments_are_stored(live):
    row = first_sent(live)
    live.post_twilio(status(row.provider_id, "sent", NumSegments="3"), path=STATUS)
    assert next(r for r in live.outbound() if r.id == row.id).billed_segments == 3


@pytest.mark.parametrize("segments", ["\u00b2", "\u0663", "9" * 40])
def test_a_segment_count_that_is_no_count_is_ignored(live, segments):
    """isdigit() says yes to "²" and "٣"; the status is kept, the count ignored."""
    row = first_sent(live)
    before = next(r for r in live.outbound() if r.id == row.id).billed_segments
    response = live.post_twilio(status(row.provider_id, "delivered", NumSegments=segments),
                                path=STATUS)
    assert response.status_code == 204
    stored = next(r for r in live.outbound() if r.id == row.id)
    assert (stored.status, stored.billed_segments) == ("delivered", before)


def test_error_21610_opts_the_number_out(live):
    row = first_sent(live)
    live.post_twilio(status(row.provider_id, "failed", ErrorCode="21610"), path=STATUS)
    assert live.identity("sms", PHONE).opted_out


@pytest.mark.parametrize("signature", [None, "d3Jvbmc="])
def test_unsigned_status_is_refused(live, signature):
    row = first_sent(live)
    response = live.post_twilio(status(row.provider_id, "delivered"), path=STATUS,
                                signature=signature)
    assert response.status_code == 403
    assert next(r for r in live.outbound() if r.id == row.id).status == "accepted"


def test_the_same_callback_twice_is_stored_once(live):
    row = first_sent(live)
    for _ in range(2):
        live.post_twilio(status(row.provider_id, "delivered"), path=STATUS)
    assert [r.kind for r in live.inbound()].count("status") == 1


def test_a_callback_that_beats_our_commit_is_kept_and_applied_later(live):
    response = live.post_twilio(status("SM" + "7" * 32, "delivered"), path=STATUS)
    assert response.status_code == 204  # stored: Twilio is not asked to retry
    callback = live.inbound()[-1]
    assert callback.status == "failed" and "UnknownMessage" in callback.error
    row = first_sent(live)
    with Session(live.services.db) as session:
        stored = session.get(OutboundMessage, row.id)
        stored.provider_id = "SM" + "7" * 32
        session.add(stored)
        session.commit()
    assert retry_inbound(live.services.inbox, grace=timedelta(0)) >= 1
    assert next(r for r in live.outbound() if r.id == row.id).status == "delivered"


BROKEN = [
    ("a status of 5,000 characters", {"MessageStatus": "d" * 5000}),
    ("a status that is no word", {"MessageStatus": "delivered; DROP"}),
    ("no status", {"MessageStatus": ""}),
    ("an error code that is no number", {"ErrorCode": "30003x"}),
    ("an error code of 40 digits", {"ErrorCode": "3" * 40}),
    ("a MessageSid of 300 characters", {"MessageSid": "SM" + "f" * 298}),
    ("a MessageSid not Twilio's", {"MessageSid": "XX" + "f" * 32}),
    ("a To of 200 characters", {"To": "+" + "8" * 199}),
    ("a status sent with two values", {"MessageStatus": ["sent", "delivered"]}),
]


@pytest.mark.parametrize("label,fields", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_callback_no_twilio_request_can_be_is_refused(live, label, fields):
    """400 on both databases (PostgreSQL would refuse to store it: 503 for ever)."""
    row = first_sent(live)
    before = len(live.inbound())
    response = live.post_twilio({**status(row.provider_id, "delivered"), **fields},
                                path=STATUS)
    assert response.status_code == 400, response.text
    assert len(live.inbound()) == before
    assert next(r for r in live.outbound() if r.id == row.id).status == "accepted"
