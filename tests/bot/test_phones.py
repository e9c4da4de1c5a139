"""Phones and cost: the script question asked in the script itself, Latin text for phones
without the script, Vietnamese without accents."""

from __future__ import annotations

import pytest

from services.sms import count
from tests.bot.test_dialogs import CHANNELS
from tests.support.chat import Chat, Expect, run_table

FALLBACK = "Can't read? Reply 2 for English"
# Language menu number, phone, and the question in the script, which is its own sample.
SCRIPTS = {"km": ("2", "+85512345678", "អានអក្សរនេះបានទេ?\n1 បាន\n2 មិនបាន"),
           "lo": ("3", "+8562055512345", "ອ່ານໜັງສືນີ້ໄດ້ບໍ່?\n1 ໄດ້\n2 ບໍ່ໄດ້"),
           "my": ("4", "+959123456789", "ဒီစာ ဖတ်လို့ရလား?\n1 ရတယ်\n2 မရဘူး"),
           "th": ("9", "+66812345678", "อ่านข้อความนี้ได้ไหม\n1 ได้\n2 ไม่ได้")}


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("lang", SCRIPTS)
def test_the_script_question_is_asked_in_the_script_with_one_line_of_english(
        services, lang, channel):
    number, phone, question = SCRIPTS[lang]
    chat = Chat(services, channel, phone if channel == "sms" else "100001")
    chat.say("hi")
    if channel == "telegram":  # Telegram shows every script: nothing to ask
        run_table(chat, [(number, Expect(keys=("language.set", "consent.ask")))])
        return
    (asked,) = chat.say(number)
    assert asked.text == f"{question}\n{FALLBACK}"
    assert asked.encoding == "UCS-2" and asked.segments <= 2
    assert count(asked.text).segments == 1  # measured: one segment in all four scripts
    run_table(chat, [
        ("3", Expect(contains=(question, FALLBACK))),  # 1 and 2 only, asked again
        ("HELP", Expect(keys=("help",), contains=(question, FALLBACK))),
        ("1", Expect(keys=("language.set", "consent.ask"))),
    ])
    assert (chat.member().language, chat.member().script) == (lang, "native")


def test_khmer_member_whose_phone_cannot_show_khmer_gets_english(services):
    chat = Chat(services, "sms")
    run_table(chat, [
        ("hi", Expect(keys=("language.ask",))),
        ("2", Expect(contains=("អានអក្សរនេះបានទេ?", "1 បាន", "2 មិនបាន", FALLBACK))),
        ("2", Expect(contains=("Language: English",))),  # nothing they cannot read
    ])
    member = chat.member()
    assert (member.language, member.script) == ("km", "latin")
    run_table(chat, [("1", Expect(contains=("What is your first name?", "1 Skip")))])
    for said in ["1", "1", "1", "1"]:
        replies = chat.say(said)
    story = chat.say("1")
    assert all(r.encoding == "GSM-7" for r in replies + story)
    assert not any("\u1780" <= ch <= "\u17ff" for r in story for ch in r.text)


def test_khmer_member_who_can_read_khmer_gets_khmer(services):
    chat = Chat(services, "sms")
    for said in ["hi", "2", "1", "1", "1", "1", "1", "1"]:
        chat.say(said)
    story = chat.say("1")
    assert chat.member().script == "native"
    assert any("\u1780" <= ch <= "\u17ff" for ch in story[0].text)


def test_vietnamese_without_accents_travels_as_gsm7(services):
    accented, plain = Chat(services, "sms", "+84912345678"), Chat(services, "sms", "+84912345679")
    for chat, choice in ((accented, "2"), (plain, "1")):
        for said in ["hi", "5", choice, "1", "1", "1", "1", "1"]:
            chat.say(said)
    assert (accented.member().script, plain.member().script) == ("native", "latin")
    with_accents, without = accented.say("1")[0], plain.say("1")[0]
    assert with_accents.encoding == "UCS-2" and without.encoding == "GSM-7"
    assert without.text.isascii() and without.segments <= with_accents.segments


def test_telegram_never_asks_about_the_script(services):
    chat = Chat(services, "telegram")
    chat.say("hi")
    run_table(chat, [("2", Expect(keys=("consent.ask",)))])
    assert chat.member().script == "native"
