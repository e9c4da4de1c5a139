"""Phones and cost: the script question asked in the script itself, Latin text for phones
without the script (on SMS; Telegram shows every script), Vietnamese without accents on
SMS (where accents cost segments) and with them on Telegram."""

from __future__ import annotations

import unicodedata

import pytest
from sqlmodel import Session

from content.models import Identity
from services.language import is_zawgyi
from services.scheduling import queue_weekly_stories
from services.sms import count
from tests.bot.test_dialogs import CHANNELS
from tests.services.test_scheduling import NOW, add_member, outbox
from tests.support.chat import Chat, Expect, run_table

FALLBACK = "Can't read? Reply 2 for English"
# Language menu number, phone, and the question in the script, which is its own sample.
SCRIPTS = {"km": ("2", "+85512345678", "អានអក្សរនេះបានទេ?\n1 បាន\n2 មិនបាន"),
           "lo": ("3", "+8562055512345", "ອ່ານໜັງສືນີ້ໄດ້ບໍ່?\n1 ໄດ້\n2 ບໍ່ໄດ້"),
           # Burmese also offers the question in Zawgyi: "3" if that line reads right
           "my": ("4", "+959123456789",
                  "ဒီစာ ဖတ်လို့ရလား?\n1 ရတယ်\n2 မရဘူး\n3 ဒီစာ ဖတ္လို႔ရလား? ရတယ္"),
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
    # measured: one segment in Khmer, Lao and Thai; two in Burmese with its Zawgyi line
    assert count(asked.text).segments == (2 if lang == "my" else 1)
    run_table(chat, [
        ("5", Expect(contains=(question, FALLBACK))),  # not an answer: asked again
        ("HELP", Expect(keys=("help",), contains=(question, FALLBACK))),
        ("1", Expect(keys=("language.set", "consent.ask"))),
    ])
    assert (chat.member().language, chat.member().script) == (lang, "native")


def accented(text: str) -> bool:
    """Whether the text has a Vietnamese letter with a mark (ạ, ơ, đ, ...)."""
    return any(unicodedata.decomposition(ch) or ch in "đĐ" for ch in text if ch.isalpha())


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


def test_telegram_never_asks_about_accents(services):
    chat = Chat(services, "telegram")
    chat.say("hi")
    replies = chat.say("5")  # Tiếng Việt: straight on to the consent, with accents
    chat.check(replies, Expect(keys=("language.set", "consent.ask")), "5")
    assert accented(replies[0].text) and chat.member().script == "native"


def sms_then_telegram(services, phone: str, language: str, script: str) -> tuple[Chat, Chat]:
    """A member onboarded by SMS (language and script answer by number, name, enterprise,
    sector and topics skipped or first) who also writes from Telegram."""
    sms = Chat(services, "sms", phone)
    for said in ["hi", language, script, "1", "1", "1", "1", "1"]:
        sms.say(said)
    with Session(services.db) as session:
        session.add(Identity(member_id=sms.member().id, provider="simulator",
                             channel="telegram", address=phone[-6:]))
        session.commit()
    return sms, Chat(services, "telegram", phone[-6:])


def test_accents_left_out_on_sms_are_kept_on_telegram(services):
    sms, telegram = sms_then_telegram(services, "+84912345670", "5", "1")  # without accents
    member = sms.member()
    assert (member.language, member.script) == ("vi", "latin")
    menu = telegram.say("MENU")
    assert accented(menu[0].text) and menu[0].text == telegram.text_of("menu.title")
    assert any(accented(b["text"]) for row in menu[0].buttons for b in row)
    story = telegram.say("1")
    assert accented(story[0].text)
    on_sms = sms.say("MENU")
    assert on_sms[0].text.isascii() and on_sms[0].encoding == "GSM-7"


def test_weekly_story_has_accents_on_telegram_only(services):
    member_id, (by_sms, by_telegram) = add_member(
        services.db, identities=(("twilio", "sms"), ("telegram", "telegram")),
        language="vi", script="latin", timezone="Asia/Ho_Chi_Minh", topics_wanted=["farming"],
        segment_budget=2)
    queue_weekly_stories(db=services.db, now=NOW)
    rows = {row.identity_id: row for row in outbox(services.db) if row.member_id == member_id}
    assert rows[by_sms].text.isascii() and rows[by_sms].encoding == "GSM-7"
    assert accented(rows[by_telegram].text) and rows[by_telegram].segments is None


def test_a_script_the_sms_phone_cannot_show_is_shown_on_telegram(services):
    sms, telegram = sms_then_telegram(services, "+85512345678", "2", "2")  # no Khmer there
    member = sms.member()
    assert (member.language, member.script) == ("km", "latin")
    menu = telegram.say("MENU")
    assert menu[0].text == telegram.text_of("menu.title")  # in Khmer
    story = telegram.say("1")
    assert any("\u1780" <= ch <= "\u17ff" for ch in story[0].text)
    assert sms.say("MENU")[0].encoding == "GSM-7"  # SMS stays in English


def test_a_zawgyi_phone_answers_3_and_gets_burmese_in_zawgyi(services):
    chat = Chat(services, "sms", "+959123456789")
    chat.say("hi")
    (asked,) = chat.say("4")  # Burmese, picked by number: nothing typed in Burmese yet
    assert "3 ဒီစာ ဖတ္လို႔ရလား? ရတယ္" in asked.text
    run_table(chat, [("4", Expect(contains=("1 မှ 3", "3 ဒီစာ ဖတ္"))),  # 1 to 3, again
                     ("3", Expect(keys=()))])
    member = chat.member()
    assert (member.language, member.script, member.zawgyi) == ("my", "native", True)
    consent = chat.say("MENU")  # onboarding goes on, in Zawgyi
    assert is_zawgyi(consent[-1].text), consent[-1].text
