"""The simulator's JSON API, page, health endpoints and the migration guard, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from peerlearn.app import create_app
from peerlearn.migrate import DatabaseNotMigrated
from peerlearn.settings import Settings
from peerlearn.wiring import build
from services.sms import count

SMS = "+85512345678"
TG = "100001"
LONG = ("long words " * 455)[:5000]


@pytest.fixture
def client(settings, services) -> Iterator[TestClient]:
    """A client over the app; entering it runs the lifespan (no dispatcher in tests)."""
    assert settings.run_dispatcher is False
    with TestClient(create_app(settings, services)) as client:
        yield client


def post(client: TestClient, channel: str, address: str, text: str):
    return client.post("/simulator/api/messages",
                       json={"channel": channel, "address": address, "text": text})


def sms_sized(body: dict) -> None:
    """Every SMS reply carries its segment count and encoding, matching the counter."""
    assert body["replies"], body
    for reply in body["replies"]:
        info = count(reply["text"])
        assert reply["encoding"] in ("GSM-7", "UCS-2"), reply
        assert reply["segments"] and reply["segments"] >= 1, reply
        assert (reply["segments"], reply["encoding"]) == (info.segments, info.encoding)
        assert reply["direction"] == "out" and reply["buttons"] == []


def telegram_rendered(body: dict) -> None:
    """Telegram replies have no segment count; at least one offers buttons."""
    assert body["replies"], body
    assert all(r["segments"] is None and r["encoding"] is None for r in body["replies"])
    buttons = [b for r in body["replies"] for row in r["buttons"] for b in row]
    assert buttons, body
    assert all(set(b) >= {"text", "data"} for b in buttons)
    assert "English" in [b["text"] for b in buttons]


def replied(body: dict) -> None:
    assert body["replies"], body
    assert all(r["text"].strip() for r in body["replies"]), body


def detail_mentions(*words: str):
    def check(body: dict) -> None:
        detail = str(body["detail"]).lower()
        for word in words:
            assert word.lower() in detail, body
    return check


CASES = [
    # (name, channel, address, text, status, address expected, checks)
    ("sms spaced phone", "sms", "+855 12 345 678", "hi", 200, SMS, [sms_sized]),
    ("telegram user", "telegram", TG, "hi", 200, TG, [telegram_rendered]),
    ("telegram padded", "telegram", "  100001 ", "hi", 200, TG, [replied]),
    ("bad phone", "sms", "hello", "hi", 422, None,
     [detail_mentions("'hello'", "not a phone number", "+country")]),
    ("telegram not a number", "telegram", "abc", "hi", 422, None,
     [detail_mentions("telegram user is a number")]),
    ("unknown channel", "fax", SMS, "hi", 422, None, [detail_mentions("channel")]),
    ("empty address", "sms", "", "hi", 422, None, [detail_mentions("address")]),
    ("long text", "sms", SMS, LONG, 200, SMS, [sms_sized]),
    ("too long text", "sms", SMS, "x" * 10_001, 422, None, [detail_mentions("text")]),
    ("empty text", "sms", SMS, "", 200, SMS, [sms_sized]),
    ("control characters", "sms", SMS, "\x00\x07hi", 200, SMS, [sms_sized]),
    ("emoji only", "sms", SMS, "😀🎉👍", 200, SMS, [sms_sized]),
    ("emoji on telegram", "telegram", TG, "🙏", 200, TG, [replied]),
]


@pytest.mark.parametrize("name,channel,address,text,status,expected,checks", CASES,
                         ids=[c[0] for c in CASES])
def test_post_message(client, name, channel, address, text, status, expected, checks):
    response = post(client, channel, address, text)
    assert response.status_code == status, response.text
    body = response.json()
    if status == 200:
        assert body["address"] == expected
        assert isinstance(body["inbound_id"], int)
        assert all(r["status"] == "queued" for r in body["replies"])
    for check in checks:
        check(body)


def test_long_text_is_5000_characters():
    assert len(LONG) == 5000


def test_history_is_the_conversation_in_order(client):
    sent = ["hi", "2", "1"]
    replies = []
    for text in sent:
        response = post(client, "sms", SMS, text)
        assert response.status_code == 200, response.text
        replies.append(response.json()["replies"])
    post(client, "sms", "+85599999999", "hi")  # someone else: not in this history

    response = client.get("/simulator/api/messages",
                          params={"channel": "sms", "address": "+855 12 345 678"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["address"] == SMS
    expected = []
    for text, outs in zip(sent, replies, strict=True):
        expected.append(("in", text))
        expected += [("out", r["text"]) for r in outs]
    got = [(m["direction"], m["text"]) for m in body["messages"]]
    assert got == expected
    assert got[:3] == [("in", "hi"), ("out", got[1][1]), ("out", got[2][1])]
    assert "Khmer ខ្មែរ" in got[2][1]
    outs = [m for m in body["messages"] if m["direction"] == "out"]
    assert all(m["segments"] and m["encoding"] for m in outs)


def test_a_button_pressed_is_a_tap_that_edits_its_message(client):
    # on to the topics question: language, consent, country, name and enterprise skipped,
    # sector
    for text in ["hi", "1", "1", "1", "1", "1", "1"]:
        replies = post(client, "telegram", TG, text).json()["replies"]
    question = replies[-1]
    assert question["buttons"][-1] == [{"text": "Done", "data": "done"}]
    ticked = client.post("/simulator/api/messages", json={
        "channel": "telegram", "address": TG, "text": "2", "tapped": question["id"]}).json()
    (edit,) = ticked["replies"]
    assert edit["edits"] == question["id"] and edit["text"] == question["text"]
    assert ["✓ Fish & forests"] == [b["text"] for row in edit["buttons"] for b in row
                                    if b["text"].startswith("✓")]
    history = client.get("/simulator/api/messages",
                         params={"channel": "telegram", "address": TG}).json()["messages"]
    assert [m["edits"] for m in history if m["direction"] == "out"][-2:] == [
        None, question["id"]]
    done = client.post("/simulator/api/messages", json={
        "channel": "telegram", "address": TG, "text": "done", "tapped": question["id"]})
    assert [r["edits"] for r in done.json()["replies"]] == [None, None]  # onboarded, menu


def test_history_of_a_new_address_is_empty(client):
    response = client.get("/simulator/api/messages",
                          params={"channel": "telegram", "address": "424242"})
    assert response.status_code == 200
    assert response.json() == {"address": "424242", "messages": []}


@pytest.mark.parametrize("params", [
    {"channel": "sms", "address": "hello"},
    {"channel": "telegram", "address": "abc"},
    {"channel": "fax", "address": SMS},
    {"channel": "sms"},
])
def test_history_rejects_bad_queries(client, params):
    assert client.get("/simulator/api/messages", params=params).status_code == 422


def test_page_has_the_form(client):
    response = client.get("/simulator")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    for fragment in ('<form id="who"', '<select id="channel"', 'value="telegram"',
                     '<input id="address"', '<form id="compose"', '<input id="text"',
                     'id="chat"', "/static/simulator.js"):
        assert fragment in html, fragment
    assert client.get("/static/simulator.js").status_code == 200
    assert client.get("/static/simulator.css").status_code == 200


def test_front_page_redirects_to_simulator(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/simulator"
    assert client.get("/").url.path == "/simulator"


def test_health_and_readiness(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ok",
                                                            "send_rates": "local"})


def test_metrics_count_simulator_messages(client):
    assert post(client, "sms", SMS, "hi").status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert any(line.startswith("peerlearn_inbound_messages") for line in lines), response.text
    samples = [line for line in lines if line.startswith("peerlearn_inbound_messages")
               and 'provider="simulator"' in line]
    assert samples, response.text
    assert any(float(line.rsplit(" ", 1)[1]) >= 1 for line in samples), samples


def test_unmigrated_database_is_refused(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}",
                        run_dispatcher=False)
    services = build(settings)
    try:
        with pytest.raises(DatabaseNotMigrated) as raised:
            create_app(settings, services)
    finally:
        services.db.dispose()
    assert "peerlearn migrate" in str(raised.value)
    assert "none (empty)" in str(raised.value)
