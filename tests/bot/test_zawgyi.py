"""Burmese members on Zawgyi phones: their text is read as Unicode, their phone is
remembered, and replies with Myanmar text go back in Zawgyi; Unicode members get Unicode."""

from __future__ import annotations

import pytest

from services.language import has_myanmar, is_zawgyi, to_zawgyi
from tests.support.chat import Chat

HELLO = "မင်္ဂလာပါ ငွေစုအဖွဲ့ကို ဘယ်လို စတင်ရမလဲ။"
LONG_UNICODE = "ကျွန်တော်တို့အဖွဲ့က ဆန်ကို အတူတူ ရောင်းချင်တယ်။ ဘယ်က စရမလဲ။"
ADDRESSES = {"sms": "+959123456789", "telegram": "100009"}
MYANMAR_CHOICE = "4"
CASES = [(channel, zawgyi) for channel in ("sms", "telegram") for zawgyi in (True, False)]


def _texts(replies) -> list[str]:
    return [r.text for r in replies if has_myanmar(r.text)]


@pytest.mark.parametrize("channel,zawgyi", CASES,
                         ids=[f"{c}-{'zawgyi' if z else 'unicode'}" for c, z in CASES])
def test_burmese_member_is_answered_in_their_encoding(services, channel, zawgyi):
    chat = Chat(services, channel, ADDRESSES[channel])
    welcome = chat.say(to_zawgyi(HELLO) if zawgyi else HELLO)
    member = chat.member()
    assert member.zawgyi is zawgyi
    assert member.language == "my" and not member.language_chosen  # provisional
    chosen = chat.say(MYANMAR_CHOICE)
    assert chat.member().language == "my" and chat.member().language_chosen
    burmese = _texts(welcome) + _texts(chosen)
    assert len(burmese) >= 2
    for text in burmese:
        assert is_zawgyi(text) is zawgyi, text
    consent = chat.text_of("consent.ask")
    shown = "\n".join(r.text for r in chosen)
    assert (to_zawgyi(consent) if zawgyi else consent) in shown


def test_zawgyi_flag_is_sticky_for_short_unicode_and_cleared_by_long(services):
    chat = Chat(services, "sms", ADDRESSES["sms"])
    chat.say(to_zawgyi(HELLO))
    chat.say("မင်္ဂလာပါ")  # short Unicode (and identical in both encodings)
    assert chat.member().zawgyi
    chat.say("1")
    assert chat.member().zawgyi
    chat.say(LONG_UNICODE)
    assert not chat.member().zawgyi


def test_english_member_is_not_touched(services):
    chat = Chat(services, "sms", "+85512345678")
    chat.say("hi")
    member = chat.member()
    assert not member.zawgyi and member.language == "en"


ZAWGYI_HELLO = "မဂၤလာပါ"  # Zawgyi; the detector gives it only 0.54
SHORT_ZAWGYI = "ဟုတ္ကဲ့"  # "yes" in Zawgyi, 0.66: no sequence only Zawgyi writes


@pytest.mark.parametrize("country, before, said, read", [
    ("MM", False, ZAWGYI_HELLO, "မင်္ဂလာပါ"),  # a Myanmar number, a Zawgyi-only sign
    ("KH", False, ZAWGYI_HELLO, ZAWGYI_HELLO),  # no evidence beyond the detector
    ("KH", True, SHORT_ZAWGYI, "ဟုတ်ကဲ့"),  # wrote Zawgyi before
    ("MM", False, SHORT_ZAWGYI, SHORT_ZAWGYI),  # nothing only Zawgyi writes, no history
    ("MM", True, "မင်္ဂလာပါ", "မင်္ဂလာပါ"),  # short Unicode the detector is sure of
])
def test_short_burmese_is_read_with_what_we_know_of_the_member(country, before, said, read):
    from bot.reading import read as read_text
    from content.models import Member

    member = Member(country=country, zawgyi=before)
    assert read_text(member, said) == read
    assert member.zawgyi is (before or read != said)


def test_a_short_zawgyi_greeting_from_a_myanmar_number_gets_zawgyi_back(services):
    chat = Chat(services, "sms", ADDRESSES["sms"])
    replies = chat.say(ZAWGYI_HELLO)
    member = chat.member()
    assert member.zawgyi and member.language == "my"  # read as Burmese, answered so
    burmese = _texts(replies)
    assert burmese and all(is_zawgyi(text) for text in burmese if len(text) > 20)


@pytest.mark.parametrize("channel", ["sms", "telegram"])
def test_a_short_zawgyi_question_after_zawgyi_is_stored_in_unicode(services, channel):
    from sqlmodel import Session, select

    from content.models import Question
    from tests.bot.test_dialogs import onboard

    chat = Chat(services, channel, ADDRESSES[channel])
    onboard(chat, language=MYANMAR_CHOICE)
    chat.say(to_zawgyi(HELLO))  # a long Zawgyi message: the phone is Zawgyi
    chat.say("ASK")
    chat.say(SHORT_ZAWGYI)
    with Session(services.db) as session:
        assert session.exec(select(Question.text)).one() == "ဟုတ်ကဲ့"
