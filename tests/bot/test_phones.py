"""Phones and cost: Latin text for phones without the script, Vietnamese without accents."""

from __future__ import annotations

from tests.support.chat import Chat, Expect, run_table


def test_khmer_member_whose_phone_cannot_show_khmer_gets_english(services):
    chat = Chat(services, "sms")
    run_table(chat, [
        ("hi", Expect(keys=("language.ask",))),
        ("2", Expect(contains=("Can you read this: ខ្មែរ", "1 Yes", "2 No, use English"))),
        ("2", Expect(contains=("Language: English",))),  # nothing they cannot read
    ])
    member = chat.member()
    assert (member.language, member.script) == ("km", "latin")
    for said in ["1", "1", "1"]:
        replies = chat.say(said)
    story = chat.say("1")
    assert all(r.encoding == "GSM-7" for r in replies + story)
    assert not any("\u1780" <= ch <= "\u17ff" for r in story for ch in r.text)


def test_khmer_member_who_can_read_khmer_gets_khmer(services):
    chat = Chat(services, "sms")
    for said in ["hi", "2", "1", "1", "1", "1"]:
        chat.say(said)
    story = chat.say("1")
    assert chat.member().script == "native"
    assert any("\u1780" <= ch <= "\u17ff" for ch in story[0].text)


def test_vietnamese_without_accents_travels_as_gsm7(services):
    accented, plain = Chat(services, "sms", "+84912345678"), Chat(services, "sms", "+84912345679")
    for chat, choice in ((accented, "2"), (plain, "1")):
        for said in ["hi", "5", choice, "1", "1", "1"]:
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
