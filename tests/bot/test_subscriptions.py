"""STORY ON / STORY OFF: the weekly story, in English and the members' own words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.catalog import Catalog
from bot.render import Renderer
from bot.replies import Reply
from content.channels import kind
from content.languages import LANGUAGE_CODES
from content.models import OutboundMessage
from services.scheduling import queue_weekly_stories
from tests.bot.test_dialogs import CHANNELS, onboard
from tests.support.chat import Chat, Expect, run_table

SMS = kind("sms")

CATALOG = Catalog.load()
ON = Expect(keys=("subscriptions.on", "menu.title"))
OFF = Expect(keys=("subscriptions.off", "menu.title"))
DAYTIME = datetime(2030, 1, 7, 3, 0, tzinfo=UTC)  # 10:00 in Phnom Penh


@pytest.mark.parametrize("channel", CHANNELS)
def test_story_on_and_off_in_english(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    assert not chat.member().story_subscribed
    run_table(chat, [("STORY ON", ON)])
    member = chat.member()
    assert member.story_subscribed and member.consent_stories
    run_table(chat, [("story off", OFF), ("/story on", ON), ("Story Off.", OFF)])
    member = chat.member()
    assert not member.story_subscribed and member.consent_stories  # consent is kept


@pytest.mark.parametrize("channel", CHANNELS)
def test_story_on_and_off_in_khmer(services, channel):
    chat = Chat(services, channel, "+85512345678" if channel == "sms" else "100002")
    onboard(chat, language="2")
    run_table(chat, [("រឿង បើក", ON)])
    assert chat.member().story_subscribed
    assert "STORY OFF" in chat.text_of("subscriptions.on")
    run_table(chat, [("រឿង បិទ", OFF)])
    assert not chat.member().story_subscribed
    run_table(chat, [("STORY ON", ON)])  # English works for everyone
    assert chat.member().story_subscribed


@pytest.mark.parametrize(("said", "on"), [
    ("ເລື່ອງ ເປີດ", True), ("ເລື່ອງ ປິດ", False), ("ဇာတ်လမ်း ဖွင့်", True),
    ("ဇာတ်လမ်း ပိတ်", False), ("chuyện bật", True), ("CHUYEN TAT", False),
    ("cerita aktif", True), ("cerita mati", False), ("kwento bukas", True),
    ("kwento patay", False), ("เรื่อง เปิด", True), ("เรื่อง ปิด", False),
])
def test_local_words_switch_it_whatever_the_language(services, said, on):
    chat = Chat(services, "sms")
    onboard(chat)
    if not on:
        chat.say("STORY ON")
    chat.check(chat.say(said), ON if on else OFF, said)
    assert chat.member().story_subscribed is on


@pytest.mark.parametrize("channel", CHANNELS)
def test_story_with_another_word_tells_a_story(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    replies = chat.say("STORY rice")
    assert "CEDAC" in replies[0].text
    assert not chat.member().story_subscribed


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_subscribed_member_gets_the_weekly_story(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    assert queue_weekly_stories(db=services.db, now=DAYTIME) == 0
    chat.say("STORY ON")
    assert queue_weekly_stories(db=services.db, now=DAYTIME) == 1
    (story,) = chat.received()
    assert story.purpose == "broadcast"
    chat.say("STORY OFF")
    next_week = DAYTIME + timedelta(days=7)
    assert queue_weekly_stories(db=services.db, now=next_week) == 0
    with Session(services.db) as session:
        broadcasts = session.exec(select(OutboundMessage).where(
            OutboundMessage.purpose == "broadcast")).all()
    assert len(broadcasts) == 1


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("key", ["subscriptions.on", "subscriptions.off"])
def test_confirmations_fit_two_sms_segments(lang, key):
    rendering = Renderer(CATALOG, SMS, lang, budget=2).render([Reply(key)])
    assert rendering.pending == [] and rendering.messages[0].segments <= 2
