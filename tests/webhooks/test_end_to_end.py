"""End to end over real HTTP: provider -> webhook -> engine -> outbox -> dispatcher ->
fake provider, with the server's own in-process dispatcher delivering."""

from __future__ import annotations

import httpx
import pytest

from peerlearn.app import create_app
from peerlearn.wiring import build
from tests.support.live import PUBLIC, SECRET, live_settings, settled
from tests.support.server import serving
from tests.support.waiting import wait_for
from tests.webhooks.channels.fake_twilio import sign
from tests.webhooks.channels.test_telegram import command, message
from tests.webhooks.channels.test_twilio import sms


@pytest.fixture
def server(settings, db, fake_telegram, fake_twilio):
    from tests.conftest import clear

    clear(db)
    live = live_settings(settings, fake_telegram, fake_twilio, run_dispatcher=True,
                         run_processor=True)
    services = build(live, db=db)
    with serving(create_app(live, services)) as url, httpx.Client(base_url=url) as client:
        yield client
    clear(db)


def sent_by(fake, count: int) -> list[dict]:
    """The fake's sends, once there are at least `count`."""
    return wait_for(lambda: len(fake.sent()) >= count and fake.sent(), f"{count} sends")


def test_an_sms_member_is_onboarded_and_gets_a_story_in_khmer(server, db, fake_twilio):
    sent = 0
    for text in ["hi", "2", "1", "1", "1", "1", "1", "1", "MORE"]:
        form = sms(text)
        response = server.post("/webhooks/twilio/sms", data=form, headers={
            "X-Twilio-Signature": sign(PUBLIC + "/webhooks/twilio/sms", form,
                                       fake_twilio.auth_token)})
        assert response.status_code == 200
        sent = len(sent_by(fake_twilio, sent + 1))
    wait_for(lambda: settled(db), "every reply sent")
    bodies = [call["Body"] for call in fake_twilio.sent()]
    story, more = bodies[-2], bodies[-1]
    assert any("\u1780" <= ch <= "\u17ff" for ch in story) and more != story
    assert all(call["To"] == "+85512345678" for call in fake_twilio.sent())


def test_a_telegram_member_is_onboarded_and_gets_a_story(server, fake_telegram):
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    sent = 0
    for update in [command("/start"), *(message(text="1") for _ in range(8))]:
        assert server.post("/webhooks/telegram", json=update, headers=headers).status_code == 200
        sent = len(sent_by(fake_telegram, sent + 1))
    story = wait_for(lambda: next((c for c in fake_telegram.sent()
                                   if c["text"].startswith("<b>")), None), "the story")
    assert story["parse_mode"] == "HTML" and story["reply_markup"]["inline_keyboard"]
