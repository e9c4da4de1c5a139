"""Dialog tables: what the member says and what the bot must answer, on SMS, Telegram and
Messenger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from content.channels import kind
from content.models import OutboundMessage
from tests.support.chat import Chat, Expect, run_table

# The renderings every peer-loop table elsewhere has rows for (they import this list);
# the tables of this file run on Messenger too.
CHANNELS = ["sms", "telegram"]
DIALOG_CHANNELS = [*CHANNELS, "messenger"]
LANG_CHOICES = tuple(str(n) for n in range(1, 10))
MENU = Expect(keys=("menu.title",), choices=("1", "2", "3", "4", "5", "6", "7"))

SKIP = ("1",)

# English, telling the country from the phone (SMS) or asking it (Telegram, Messenger); a
# first name and an enterprise name given on SMS, both skipped on Telegram and Messenger.
ONBOARD_EN = {
    "sms": [
        ("hi", Expect(keys=("welcome", "language.ask"), choices=LANG_CHOICES,
                      contains=("Khmer ខ្មែរ", "Myanmar မြန်မာ"))),
        ("1", Expect(keys=("language.set", "consent.ask"), choices=("1", "2"))),
        ("1", Expect(keys=("profile.name_ask",), choices=SKIP)),
        ("  Sok   Chea ", Expect(keys=("profile.enterprise_ask",), choices=SKIP,
                                 contains=("Thank you, Sok.",))),
        ("Takeo Rice Co-op", Expect(keys=("sector.ask",),
                                    choices=tuple(str(n) for n in range(1, 10)))),
        ("1", Expect(keys=("topics.ask",), choices=tuple(str(n) for n in range(1, 9)))),
        ("1 5", Expect(keys=("onboarding.done", "menu.title"), choices=("1", "2", "3", "4", "5"))),
    ],
    "telegram": [
        ("/start", Expect(keys=("welcome", "language.ask"), choices=LANG_CHOICES)),
        ("1", Expect(keys=("language.set", "consent.ask"), choices=("1", "2"))),
        ("1", Expect(keys=("country.ask",), choices=tuple(str(n) for n in range(1, 10)))),
        ("1", Expect(keys=("profile.name_ask",), choices=SKIP)),
        ("1", Expect(keys=("profile.enterprise_ask",), choices=SKIP)),
        ("1", Expect(keys=("sector.ask",))),
        ("1", Expect(keys=("topics.ask",))),
        ("1 5", Expect(keys=("onboarding.done", "menu.title"))),
    ],
}
# Messenger as Telegram: buttons (quick replies), the country asked; a member says hi.
ONBOARD_EN["messenger"] = [("hi", ONBOARD_EN["telegram"][0][1]), *ONBOARD_EN["telegram"][1:]]


def onboard(chat: Chat, language: str = "1", name: str = "1", enterprise: str = "1") -> None:
    """Takes a member through onboarding (farming topics), language by menu number; the
    first name and the enterprise's name are skipped ("1") unless given."""
    script = ["1"] if chat.channel == "sms" and language in ("2", "3", "4", "5", "9") else []
    country = [] if kind(chat.channel).phone_addressed else ["1"]
    for said in ["hi", language, *script, "1", *country, name, enterprise, "1", "1"]:
        assert chat.say(said), said


@pytest.mark.parametrize("channel", DIALOG_CHANNELS)
def test_onboarding(services, channel):
    chat = Chat(services, channel)
    run_table(chat, ONBOARD_EN[channel])
    member = chat.member()
    assert member.onboarded_at is not None and member.consent_data_at is not None
    assert member.language == "en" and member.sector == "agriculture"
    assert member.country == ("KH" if channel == "sms" else "KH")
    assert "farming" in member.topics_wanted and "cooperatives" in member.topics_wanted
    named = channel == "sms"  # stored as typed, spaces tidied
    assert (member.name, member.enterprise) == (("Sok Chea", "Takeo Rice Co-op") if named
                                                else (None, None))


def test_country_comes_from_the_phone_number(services):
    for address, country in [("+85512345678", "KH"), ("+8562055512345", "LA"),
                             ("+959123456789", "MM"), ("+84912345678", "VN"),
                             ("+60123456789", "MY"), ("+639171234567", "PH")]:
        chat = Chat(services, "sms", address)
        chat.say("hi")
        assert chat.member().country == country, address


@pytest.mark.parametrize("channel", DIALOG_CHANNELS)
def test_khmer_member_gets_sri_cambodia_in_khmer_then_more(services, channel):
    chat = Chat(services, channel, "+85512345678" if channel == "sms" else "100002")
    onboard(chat, language="2")
    assert chat.member().language == "km"
    first = chat.say("1")
    assert len(first) == 1
    assert "CEDAC" in first[0].text or "SRI" in first[0].text
    assert any("\u1780" <= ch <= "\u17ff" for ch in first[0].text), "not in Khmer"
    if channel == "sms":
        assert first[0].segments <= 2 and first[0].encoding == "UCS-2"
    more = chat.say("MORE")
    assert more and more[0].text != first[0].text
    assert any("\u1780" <= ch <= "\u17ff" for ch in more[0].text)


@pytest.mark.parametrize("channel", DIALOG_CHANNELS)
def test_story_more_next_and_menu(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    first = chat.say("STORY")
    assert {"1", "2", "0"} <= _offered(first)
    second = chat.say("1")
    assert second[0].text != first[0].text
    other = chat.say("NEXT")
    assert other[0].text not in (first[0].text, second[0].text)
    run_table(chat, [("0", MENU), ("MENU", MENU)])


@pytest.mark.parametrize("channel", DIALOG_CHANNELS)
def test_reading_a_whole_story_ends_without_more(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    replies = chat.say("1")
    for _ in range(10):
        if "1" not in _offered(replies):
            break
        replies = chat.say("MORE")
    assert {"2", "0"} <= _offered(replies) and "1" not in _offered(replies)


@pytest.mark.parametrize("channel", DIALOG_CHANNELS)
def test_stop_silences_and_start_brings_back(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    before = chat.inbound_count()
    run_table(chat, [
        ("STOP", Expect(keys=("stop.done",))),
        ("STORY", Expect(keys=("stop.reminder",))),  # not left wondering
        ("1", Expect(silent=True)),  # told once a day at most
        ("HELP", Expect(keys=("help",))),
        ("START", Expect(keys=("start.done", "menu.title"))),
        ("1", Expect(choices=("2", "0"))),
    ])
    assert chat.inbound_count() == before + 6  # every message kept, answered or not


@pytest.mark.parametrize("channel", DIALOG_CHANNELS)
def test_a_stopped_member_is_told_again_the_next_day(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [("STOP", Expect(keys=("stop.done",))),
                     ("hello", Expect(keys=("stop.reminder",))), ("hi", Expect(silent=True))])
    with Session(services.db) as session:
        for row in session.exec(select(OutboundMessage).where(
                OutboundMessage.purpose == "stopped")):
            row.created_at -= timedelta(hours=25)
            session.add(row)
        session.commit()
    run_table(chat, [("STORY", Expect(keys=("stop.reminder",)))])


def test_twilio_blocks_replies_after_stop_so_none_is_queued(services):
    """Twilio answers STOP itself and refuses to send until START (error 21610)."""
    chat = Chat(services, "sms", provider="twilio")
    onboard(chat)
    run_table(chat, [("STOP", Expect(silent=True)), ("STORY", Expect(silent=True)),
                     ("START", Expect(keys=("start.done", "menu.title")))])


def test_no_reminder_where_the_provider_refused_a_message(services):
    chat = Chat(services, "sms")
    onboard(chat)
    chat.say("STOP")
    with Session(services.db) as session:
        (row,) = session.exec(select(OutboundMessage).where(
            OutboundMessage.purpose == "optout"))
        row.error_code, row.status = "21610", "failed"
        session.add(row)
        session.commit()
    run_table(chat, [("STORY", Expect(silent=True))])


@pytest.mark.parametrize("word", ["stop", "STOP ", "Unsubscribe", "cancel", "ឈប់", "ຢຸດ",
                                  "ရပ်", "dừng", "DUNG", "berhenti", "tigil", "หยุด"])
def test_stop_words_in_every_language(services, word):
    chat = Chat(services, "sms")
    chat.say("hi")
    chat.check(chat.say(word), Expect(keys=("stop.done",)), word)
    chat.check(chat.say("hi"), Expect(keys=("stop.reminder",)), "hi")  # once, told how back


@pytest.mark.parametrize("channel", DIALOG_CHANNELS)
def test_help_and_language_change(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [
        ("HELP", Expect(keys=("help", "menu.title"))),
        ("LANG", Expect(keys=("language.ask",), choices=LANG_CHOICES)),
        ("12", Expect(keys=("language.ask",), out_of_range=(1, 9))),
        *([("5", Expect(keys=("plain.ask",), choices=("1", "2"))), ("2", MENU)]
          if channel == "sms" else [("5", MENU)]),
    ])
    assert chat.member().language == "vi" and chat.member().script == "native"


@pytest.mark.parametrize("channel", DIALOG_CHANNELS)
def test_numbers_in_local_digits_pick_items(services, channel):
    chat = Chat(services, channel)
    script = ["១"] if channel == "sms" else []
    country = [] if kind(channel).phone_addressed else ["១"]
    for said in ["hi", "២", *script, "១", *country, "១", "១", "១", "១ ៥"]:
        chat.say(said)
    member = chat.member()
    assert member.language == "km" and member.onboarded_at is not None
    assert (member.name, member.enterprise) == (None, None)  # "១" skips both


@pytest.mark.parametrize("channel", DIALOG_CHANNELS)
def test_help_during_onboarding_asks_the_question_again(services, channel):
    chat = Chat(services, channel)
    run_table(chat, [
        ("hi", Expect(keys=("language.ask",))),
        ("HELP", Expect(keys=("help", "language.ask"))),
        ("MENU", Expect(keys=("language.ask",))),
    ])


@pytest.mark.parametrize("channel", DIALOG_CHANNELS)
def test_declining_consent(services, channel):
    chat = Chat(services, channel)
    run_table(chat, [
        ("hi", Expect(keys=("language.ask",))),
        ("1", Expect(keys=("consent.ask",))),
        ("2", Expect(keys=("consent.declined",))),
        ("hi", Expect(keys=("welcome", "consent.ask"))),
    ])
    assert chat.member().consent_data_at is None


def _offered(replies):
    from tests.support.chat import choices
    return choices(replies)
