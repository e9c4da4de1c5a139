"""Messenger through the real app over HTTP, Meta's side played by FakeMessenger.

Tables: a webhook request -> status, the rows stored (kind, text, status) and whether
the engine's answer reached the Send API; a Send API answer -> what became of the
outbox row. Then delivery and read receipts, Meta's subscription check, and a member's
first conversation end to end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session

from content.models import InboundMessage, utcnow
from services.broadcasts import send_now as broadcast
from tests.conftest import clear
from tests.support.fixtures import _run
from tests.support.live import make_live
from tests.webhooks.channels import fake_messenger as meta
from tests.webhooks.channels.fake_messenger import PSID, FakeMessenger

PATH = "/webhooks/messenger"
SLUG = "practice-sri-cambodia"


@pytest.fixture
def fake_messenger():
    """A running FakeMessenger; the test fails if it saw a request it does not know."""
    yield from _run(FakeMessenger())


@pytest.fixture
def messenger(settings, db, fake_telegram, fake_twilio, fake_messenger):
    """The app with Messenger configured against the fake, rate limits off."""
    clear(db)
    running = make_live(settings, db, fake_telegram, fake_twilio, fake_messenger)
    yield running
    running.client.__exit__(None, None, None)
    clear(db)


def meta_of(live) -> FakeMessenger:
    return next(fake for fake in live.fakes if isinstance(fake, FakeMessenger))


def post(live, body, signature: str | None = "valid", fake: FakeMessenger | None = None):
    """POSTs a webhook body as Meta does: the raw JSON, signed with the app secret."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if signature == "valid":
        headers["X-Hub-Signature-256"] = (fake or meta_of(live)).sign(raw)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return live.client.post(PATH, content=raw, headers=headers)


@dataclass
class Case:
    label: str
    body: dict | bytes
    stored: tuple[tuple[str, str, str], ...] = ()  # (kind, text, status) a row
    status: int = 200
    signature: str | None = "valid"
    replies: bool = False  # something went to the Send API
    repeat: int = 1


TEXT = meta.webhook(meta.text("hi"))
UNSIGNED = [("no signature", None), ("another secret's", "other"),
            ("SHA-1, as the old X-Hub-Signature", "sha1=" + "0" * 40),
            ("no sha256= prefix", "0" * 64)]
RECEIVED = [
    Case("text", TEXT, (("text", "hi", "processed"),), replies=True),
    Case("the same webhook twice", TEXT, (("text", "hi", "processed"),), replies=True,
         repeat=2),
    Case("two entries of two items", {"object": "page", "entry": [
        meta.entry(meta.text("hi"), meta.read(1)), meta.entry(meta.echo("hello"),
                                                              meta.text("1"))]},
         (("text", "hi", "processed"), ("status", "", "processed"),
          ("echo", "hello", "ignored"), ("text", "1", "processed")), replies=True),
    Case("quick reply", meta.webhook(meta.quick_reply("3", "Lao ລາວ")),
         (("callback", "3", "processed"),), replies=True),
    Case("Get Started", meta.webhook(meta.postback("GET_STARTED")),
         (("text", "start", "processed"),), replies=True),
    Case("Get Started through an m.me link", meta.webhook(meta.postback(
        "GET_STARTED", referral={"ref": SLUG, "source": "SHORTLINK", "type": "OPEN_THREAD"})),
         (("text", f"start {SLUG}", "processed"),), replies=True),
    Case("another button", meta.webhook(meta.postback("MENU", "Menu")),
         (("callback", "MENU", "processed"),), replies=True),
    Case("m.me link", meta.webhook(meta.referral(SLUG)),
         (("text", f"start {SLUG}", "processed"),), replies=True),
    Case("referral without a ref", meta.webhook(meta.referral(None)),
         (("referral", "", "ignored"),)),
    Case("opt-in with a ref", meta.webhook(meta.optin(SLUG)),
         (("text", f"start {SLUG}", "processed"),), replies=True),
    Case("checkbox plugin opt-in", meta.webhook(meta.optin(psid=None, user_ref="u1")),
         (("optin", "", "ignored"),)),
    Case("picture", meta.webhook(meta.attachment("image")), (("photo", "", "processed"),),
         replies=True),
    Case("sticker", meta.webhook(meta.sticker()), (("sticker", "", "processed"),),
         replies=True),
    Case("voice note", meta.webhook(meta.attachment("audio")), (("audio", "", "processed"),),
         replies=True),
    Case("video", meta.webhook(meta.attachment("video")), (("video", "", "processed"),),
         replies=True),
    Case("file", meta.webhook(meta.attachment("file")), (("document", "", "processed"),),
         replies=True),
    Case("location", meta.webhook(meta.attachment(
        "location", coordinates={"lat": 11.56, "long": 104.92})),
         (("location", "", "processed"),), replies=True),
    Case("echo of the Page's message", meta.webhook(meta.echo("hello")),
         (("echo", "hello", "ignored"),)),
    Case("delivery of a message we never sent", meta.webhook(meta.delivery("m_unknown")),
         (("status", "", "failed"),)),
    Case("read receipt", meta.webhook(meta.read(1)), (("status", "", "processed"),)),
    Case("a reaction", meta.webhook(meta.event(reaction={"mid": "m_x", "action": "react",
                                                         "emoji": "\u2764"})),
         (("other", "", "ignored"),)),
    Case("Instagram's webhook", {**meta.webhook(meta.text("hi")), "object": "instagram"}),
    Case("no entries", {"object": "page", "entry": []}),
    *[Case(f"signature: {label}", TEXT, status=403, signature=value)
      for label, value in UNSIGNED],
    Case("not JSON", b"{not json", status=400),
    Case("JSON that is no object", b"[1, 2]", status=400),
    Case("no object", {"entry": []}, status=400),
    Case("entry no list", {"object": "page", "entry": {}}, status=400),
    Case("entry no object", {"object": "page", "entry": [1]}, status=400),
    Case("messaging no list", {"object": "page", "entry": [{"id": "1", "messaging": {}}]},
         status=400),
    Case("a Page id that is no id", {"object": "page", "entry": [
        {**meta.entry(meta.text("hi")), "id": {"a": 1}}]}, status=400),
    Case("a sender id that is no PSID", meta.webhook(meta.text("hi", psid="12ab")),
         status=400),
    Case("a sender id that is a number", meta.webhook({**meta.text("hi"),
                                                      "sender": {"id": 7412589630}}),
         status=400),
    Case("a message id of 200 characters", meta.webhook(meta.text("hi", mid="m_" + "x" * 198)),
         status=400),
    Case("a timestamp that is no number", meta.webhook({**meta.referral(SLUG),
                                                       "timestamp": "soon"}), status=400),
    Case("a watermark that is no time", meta.webhook(meta.read(10**20)), status=400),
    Case("delivery mids that are no ids", meta.webhook(meta.delivery(watermark=1) | {
        "delivery": {"mids": [1]}}), status=400),
    Case("text a lone surrogate", b'{"object": "page", "entry": [{"id": "1", "messaging": '
         b'[{"sender": {"id": "1"}, "recipient": {"id": "1"}, "timestamp": 1, '
         b'"message": {"mid": "m_1", "text": "\\ud800"}}]}]}', status=400),
    Case("JSON nested 100,000 deep", b'{"object": ' + b"[" * 100_000 + b"]" * 100_000
         + b"}", status=400),
]


@pytest.mark.parametrize("case", RECEIVED, ids=[c.label for c in RECEIVED])
def test_messenger_webhook(messenger, case):
    for _ in range(case.repeat):
        response = post(messenger, case.body, case.signature)
        assert response.status_code == case.status, response.text
    if case.status == 200:
        assert response.text == "EVENT_RECEIVED"
    stored = messenger.inbound()
    assert tuple((row.kind, row.text, row.status) for row in stored) == case.stored
    assert all(row.provider == "messenger" and row.channel == "messenger" for row in stored)
    messenger.dispatch()
    sent = meta_of(messenger).sent()
    assert bool(sent) == case.replies, sent
    assert all(body["recipient"] == {"id": PSID} for body in sent)


def first_rows(live) -> list:
    """A new member says hi; the welcome and the language menu are queued."""
    assert post(live, meta.webhook(meta.text("hi"))).status_code == 200
    rows = live.outbound()
    assert len(rows) == 2 and {row.status for row in rows} == {"queued"}
    return rows


SENDS = [  # (label, Meta's answer to the first send, row status, error code, delay, opt out)
    ("accepted", None, "sent", None, None, False),
    ("person unavailable", meta.graph_error(551, "(#551) This person isn't available right "
                                                 "now.", 1545041), "dead", "551", None, True),
    ("outside the 24-hour window", meta.graph_error(
        10, "(#10) This message is sent outside of allowed window.", 2018278),
     "skipped", "outside-window", None, False),
    ("Send API rate limit", meta.graph_error(613, "(#613) Calls to this API have exceeded "
                                                  "the rate limit."), "queued", "613", 60, False),
    ("app rate limit", meta.graph_error(4, "(#4) Application request limit reached"),
     "queued", "4", 300, False),
    ("Page rate limit", meta.graph_error(32, "(#32) Page request limit reached"),
     "queued", "32", 300, False),
    ("token expired", meta.graph_error(190, "Error validating access token: Session has "
                                            "expired", 463), "queued", "190", 300, False),
    ("temporary failure", meta.graph_error(1200, "Temporary send message failure. Please "
                                                 "try again later"), "queued", "1200", None,
     False),
    ("server error", meta.graph_error(2, "An unexpected error has occurred.", status=500),
     "queued", "2", None, False),
    ("an HTML 502 page", (502, b"<html>Bad Gateway</html>", {"Content-Type": "text/html"}),
     "queued", "502", None, False),
    ("invalid parameter", meta.graph_error(100, "(#100) Invalid parameter"), "dead", "100",
     None, False),
    ("Meta out of reach", "down", "queued", "network", None, False),
]


@pytest.mark.parametrize("label,answer,status,code,delay,opt_out", SENDS,
                         ids=[s[0] for s in SENDS])
def test_what_a_send_api_answer_makes_of_the_row(messenger, label, answer, status, code,
                                                 delay, opt_out):
    first = first_rows(messenger)[0]
    if answer == "down":
        meta_of(messenger).stop()  # connections refused
    elif answer is not None:
        meta_of(messenger).fail_next("send", answer)
    before = utcnow()
    messenger.dispatch()
    row = next(r for r in messenger.outbound() if r.id == first.id)
    assert (row.status, row.error_code) == (status, code), row.error
    if status == "sent":
        assert row.provider_id in meta_of(messenger).stamps  # all of it, ~90 characters
    if delay is not None:
        assert row.next_attempt_at >= before + timedelta(seconds=delay)
    assert messenger.identity("messenger", PSID).opted_out == opt_out


def test_delivery_and_read_receipts_move_the_rows_forward(messenger):
    first_rows(messenger)
    meta_of(messenger).fail_next("send", meta.graph_error(100, "(#100) Invalid parameter"))
    messenger.dispatch()
    dead, sent = messenger.outbound()
    assert (dead.status, sent.status) == ("dead", "sent")
    post(messenger, meta.webhook(meta.delivery(sent.provider_id)))
    assert [r.status for r in messenger.outbound()] == ["dead", "delivered"]
    post(messenger, meta.webhook(meta.read(meta_of(messenger).last_stamp())))
    assert [r.status for r in messenger.outbound()] == ["dead", "read"]  # none goes back
    post(messenger, meta.webhook(meta.delivery(sent.provider_id, watermark=1)))
    assert [r.status for r in messenger.outbound()] == ["dead", "read"]


def test_a_delivery_without_ids_delivers_up_to_its_watermark(messenger):
    first_rows(messenger)
    messenger.dispatch()
    post(messenger, meta.webhook(meta.delivery(watermark=meta_of(messenger).last_stamp())))
    assert [r.status for r in messenger.outbound()] == ["delivered", "delivered"]
    other = meta.webhook(meta.read(meta_of(messenger).last_stamp(), psid="1234567"))
    post(messenger, other)  # another person's read receipt
    assert [r.status for r in messenger.outbound()] == ["delivered", "delivered"]


CHALLENGE = "1158201444"
CHECKS = [  # (label, query, status)
    ("Meta's check", {"hub.mode": "subscribe", "hub.verify_token": meta.VERIFY_TOKEN}, 200),
    ("another token", {"hub.mode": "subscribe", "hub.verify_token": "guess"}, 403),
    ("a longer token", {"hub.mode": "subscribe",
                        "hub.verify_token": meta.VERIFY_TOKEN + "x"}, 403),
    ("no token", {"hub.mode": "subscribe"}, 403),
    ("another mode", {"hub.mode": "unsubscribe", "hub.verify_token": meta.VERIFY_TOKEN}, 403),
    ("no mode", {"hub.verify_token": meta.VERIFY_TOKEN}, 403),
]


@pytest.mark.parametrize("label,query,status", CHECKS, ids=[c[0] for c in CHECKS])
def test_metas_subscription_check(messenger, label, query, status):
    response = messenger.client.get(PATH, params={**query, "hub.challenge": CHALLENGE})
    assert response.status_code == status
    assert (response.text == CHALLENGE) == (status == 200)


def test_unconfigured_messenger_answers_nothing(live, fake_messenger):
    """No MESSENGER_* settings: the check and every webhook are refused, nothing sends."""
    query = {"hub.mode": "subscribe", "hub.verify_token": meta.VERIFY_TOKEN,
             "hub.challenge": CHALLENGE}
    assert live.client.get(PATH, params=query).status_code == 403
    assert post(live, meta.webhook(meta.text("hi")), fake=fake_messenger).status_code == 403
    assert live.inbound() == [] and "messenger" not in live.services.senders


def tap(live, payload: str) -> None:
    """Taps the quick reply carrying `payload` on the latest message that offers it."""
    offered = [q for body in meta_of(live).sent()
               for q in body["message"].get("quick_replies", [])]
    reply = [q for q in offered if q["payload"] == payload][-1]
    assert post(live, meta.webhook(meta.quick_reply(reply["payload"],
                                                    reply["title"]))).status_code == 200
    live.dispatch()


def test_a_new_member_on_messenger(messenger):
    """Hi, the language menu as quick replies, onboarding by taps, a story read with
    More, a sticker; a broadcast goes out inside the 24 hours and is skipped after them."""
    fake = meta_of(messenger)
    post(messenger, meta.webhook(meta.text("hi")))
    messenger.dispatch()
    welcome, languages = fake.sent()
    assert "Welcome to peerlearn" in welcome["message"]["text"]
    replies = languages["message"]["quick_replies"]
    assert languages["messaging_type"] == "RESPONSE" and len(replies) == 9
    assert {"content_type": "text", "title": "Khmer ខ្មែរ", "payload": "2"} in replies
    for _ in range(7):  # English, agree, Cambodia, no name, no enterprise, farming, topic
        tap(messenger, "1")
    topics = fake.sent()[-1]["message"]  # asked again, the topic ticked: no edits here
    assert {"content_type": "text", "title": "\u2713 Farming & seeds",
            "payload": "1"} in topics["quick_replies"]
    tap(messenger, "done")
    assert "all set" in fake.texts()[-2]
    post(messenger, meta.webhook(meta.text("STORY")))
    messenger.dispatch()
    story = fake.sent()[-1]["message"]
    assert "SRI" in story["text"] or "CEDAC" in story["text"]
    assert {"content_type": "text", "title": "More", "payload": "1"} in story["quick_replies"]
    tap(messenger, "1")
    assert fake.texts()[-1] != story["text"]
    post(messenger, meta.webhook(meta.sticker()))  # a "like": thanked, as on Telegram
    messenger.dispatch()
    assert "only read text" in fake.texts()[-2]
    sent_before = len(fake.sent())

    with Session(messenger.services.db) as session:
        assert broadcast(session=session, text="Field day on Saturday") == 1
        session.commit()
    messenger.dispatch()
    assert fake.sent()[-1]["messaging_type"] == "UPDATE"
    assert len(fake.sent()) == sent_before + 1

    with Session(messenger.services.db) as session:  # silent for 25 hours since
        session.exec(update(InboundMessage).where(InboundMessage.address == PSID).values(
            received_at=utcnow() - timedelta(hours=25)))
        broadcast(session=session, text="Field day on Sunday")
        session.commit()
    messenger.dispatch()
    last = messenger.outbound()[-1]
    assert (last.status, last.error_code) == ("skipped", "outside-window")
    assert len(fake.sent()) == sent_before + 1
