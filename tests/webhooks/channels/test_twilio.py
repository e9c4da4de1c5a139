"""Twilio SMS webhook: (label, form, signature, status, stored rows, provider calls)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from tests.support.live import PUBLIC
from tests.webhooks.channels.fake_twilio import sign

PHONE = "+85512345678"
SMS_URL = PUBLIC + "/webhooks/twilio/sms"
_sids = itertools.count(1)


def sms(body: str = "hi", sender: str = PHONE, **extra) -> dict:
    return {"MessageSid": f"SM{next(_sids):032d}", "AccountSid": "AC" + "0" * 32,
            "From": sender, "To": "+15005550006", "Body": body, "NumMedia": "0",
            "NumSegments": "1", **extra}


@dataclass
class Incoming:
    label: str
    form: dict
    signature: str | None = "compute"
    signed_url: str | None = None
    path: str = "/webhooks/twilio/sms"
    status: int = 200
    stored: int = 1
    channel: str = "sms"
    kind: str = "text"
    sends: int | None = None  # provider calls after dispatch; None: at least one
    repeat: int = 1


MMS = sms("our fish dryer", NumMedia="2",
          MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME1",
          MediaContentType0="image/jpeg",
          MediaUrl1="https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME2",
          MediaContentType1="image/png")

CASES = [
    Incoming("valid sms", sms()),
    Incoming("same MessageSid twice", sms(), repeat=3),
    Incoming("no signature", sms(), signature=None, status=403, stored=0),
    Incoming("wrong signature", sms(), signature="bm90IGEgc2lnbmF0dXJl", status=403,
             stored=0),
    Incoming("signed for another URL", sms(), signed_url="https://evil.example.org/x",
             status=403, stored=0),
    Incoming("signed with a query string", sms(), path="/webhooks/twilio/sms?site=kh",
             signed_url=PUBLIC + "/webhooks/twilio/sms?site=kh"),
    Incoming("query string not signed", sms(), path="/webhooks/twilio/sms?site=kh",
             signed_url=PUBLIC + "/webhooks/twilio/sms", status=403, stored=0),
    Incoming("no MessageSid", {"From": PHONE, "Body": "hi"}, status=400, stored=0),
    Incoming("no From", {"MessageSid": "SM" + "9" * 32, "Body": "hi"}, status=400,
             stored=0),
    Incoming("MMS with two pictures", MMS, kind="media"),
    Incoming("WhatsApp sender", sms(sender="whatsapp:" + PHONE), channel="whatsapp"),
    Incoming("empty body", sms("")),
    Incoming("Khmer text", sms("សួស្តី")),
    Incoming("STOP: Twilio confirms, we stay silent", sms("STOP"), sends=0),
    # isdigit() says yes to these; int() would not: the count is ignored, the SMS kept
    Incoming("NumMedia a superscript two", sms(NumMedia="\u00b2")),
    Incoming("NumSegments an Arabic-Indic three", sms(NumSegments="\u0663")),
    # what no real request carries: the same 400 on SQLite and PostgreSQL, nothing stored
    Incoming("From of 200 characters", sms(sender="+" + "8" * 199), status=400, stored=0),
    Incoming("MessageSid of 300 characters", {**sms(), "MessageSid": "SM" + "a" * 298},
             status=400, stored=0),
    Incoming("MessageSid not Twilio's", {**sms(), "MessageSid": "SM-hello"}, status=400,
             stored=0),
    Incoming("MMS under an MM sid", {**MMS, "MessageSid": "MM" + "ab" * 16}, kind="media"),
    # repeated fields: Twilio signs every value
    Incoming("a field repeated, every value signed", sms(Tag=["rice", "fish"])),
    Incoming("a field repeated, the last value signed", sms(Tag=["rice", "fish"]),
             signature=sign(SMS_URL, sms(Tag="fish")), status=403, stored=0),
    Incoming("From repeated with the same value", sms(sender=[PHONE, PHONE])),
    Incoming("From repeated with two values", sms(sender=[PHONE, "+85598765432"]),
             status=400, stored=0),
    Incoming("a form of 1,007 fields", sms(**{f"F{i}": "" for i in range(1000)}),
             status=413, stored=0),
    Incoming("a form of 1,007 fields, unsigned", sms(**{f"F{i}": "" for i in range(1000)}),
             signature=None, status=413, stored=0),
]


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_twilio_sms_webhook(live, case):
    for _ in range(case.repeat):
        response = live.post_twilio(case.form, path=case.path, signed_url=case.signed_url,
                                    signature=case.signature)
        assert response.status_code == case.status, response.text
    stored = live.inbound()
    assert len(stored) == case.stored
    if not stored:
        assert live.outbound() == []
        return
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text.replace(" ", "").endswith("<Response/>")
    row = stored[0]
    assert (row.provider, row.channel, row.kind) == ("twilio", case.channel, case.kind)
    assert row.address == PHONE and row.provider_key == case.form["MessageSid"]
    assert row.status == "processed"
    if case.kind == "media":
        assert [m["type"] for m in row.payload["media"]] == ["image/jpeg", "image/png"]
    live.dispatch()
    sent = live.twilio.sent()
    expected = len(live.outbound()) if case.sends is None else case.sends
    assert len(sent) == expected and (sent or case.sends == 0)
    prefix = "whatsapp:" if case.channel == "whatsapp" else ""
    for call in sent:
        assert call["To"] == prefix + PHONE and call["From"] == prefix + "+15005550006"
        assert call["StatusCallback"] == PUBLIC + "/webhooks/twilio/status"
    segments = {r.segments for r in live.outbound()}
    assert segments == ({None} if case.channel == "whatsapp" else segments - {None})


def test_stop_opts_out_and_start_opts_back_in(live):
    live.post_twilio(sms("hi"))
    live.post_twilio(sms("STOP"))
    assert live.identity("sms", PHONE).opted_out
    live.post_twilio(sms("hello?"))
    live.post_twilio(sms("START"))
    assert not live.identity("sms", PHONE).opted_out
    live.dispatch()
    texts = [call["Body"] for call in live.twilio.sent()]
    assert any("Welcome back to peerlearn." in t for t in texts[-2:])
    assert not any("hello" in t for t in texts)


def test_a_repeated_field_is_kept_with_every_value(live):
    form = sms(Tag=["rice", "fish"])
    assert live.post_twilio(form).status_code == 200
    (row,) = live.inbound()
    assert row.payload["form"]["Tag"] == ["rice", "fish"]
    assert row.payload["form"]["From"] == PHONE and row.text == "hi"
