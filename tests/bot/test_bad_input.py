"""Bad input gets a short helpful reply, the inbound row is stored, nothing breaks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from content.models import ConversationState, InboundMessage, utcnow
from tests.bot.test_dialogs import CHANNELS, onboard
from tests.support.chat import Chat, Expect, run_table

BAD = [
    ("empty", "", ("empty", "menu.title")),
    ("spaces", "   \n\t ", ("empty", "menu.title")),
    ("huge", "rice " * 1000, ("not_understood", "menu.title")),
    ("emoji only", "🙏🌾😀", ("not_understood", "menu.title")),
    ("control characters", "\x00\x07\x1b[31mhi", ("not_understood", "menu.title")),
    ("mixed scripts", "ស្រូវ rice ເຂົ້າ ဆန် lúa", ("not_understood", "menu.title")),
    ("unknown keyword", "FOOBAR", ("not_understood", "menu.title")),
    ("number out of range", "99", ("out_of_range", "menu.title")),
    ("zero width only", "\u200b\u200c", ("empty", "menu.title")),
    ("rtl and combining", "\u202e\u0301\u0301", ("empty", "menu.title")),
]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("label,text,keys", BAD, ids=[row[0] for row in BAD])
def test_bad_input_at_the_menu(services, channel, label, text, keys):
    chat = Chat(services, channel)
    onboard(chat)
    before = chat.inbound_count()
    replies = chat.say(text)
    chat.check(replies, Expect(keys=keys), label)
    if label == "number out of range":
        chat.check(replies, Expect(out_of_range=(1, 7)), label)
    assert chat.inbound_count() == before + 1
    with Session(services.db) as session:
        stored = session.exec(select(InboundMessage).order_by(InboundMessage.id.desc())).first()
    assert stored.status == "processed"
    if "\x00" in text:  # PostgreSQL text cannot hold NUL: kept escaped, nothing lost
        assert stored.text == text.replace("\x00", "\ufffd")
        assert stored.payload["text_escaped"].encode().decode("unicode_escape") == text
    else:
        assert stored.text == text


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("text", ["", "🙂", "99", "x" * 5000, "ສະບາຍດີ"])
def test_bad_input_during_onboarding_asks_again(services, channel, text):
    chat = Chat(services, channel)
    chat.say("hi")
    run_table(chat, [(text, Expect(keys=("language.ask",)))])


@pytest.mark.parametrize("channel", CHANNELS)
def test_expired_conversation_returns_gracefully_to_the_menu(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    chat.say("LANG")
    with Session(services.db) as session:
        state = session.get(ConversationState, chat.member().id)
        state.expires_at = utcnow() - timedelta(minutes=1)
        session.add(state)
        session.commit()
    # "2" would have picked Khmer a day ago; now it must not change the language.
    run_table(chat, [("2", Expect(keys=("expired", "menu.title")))])
    assert chat.member().language == "en"
    run_table(chat, [("1", Expect(choices=("0",)))])


@pytest.mark.parametrize("channel", CHANNELS)
def test_long_text_is_paged_within_the_budget(services, channel):
    """An SMS reply longer than the budget is cut into pages; MORE sends the rest."""
    chat = Chat(services, channel)
    onboard(chat)
    with Session(services.db) as session:
        member = chat.member()
        member.segment_budget = 1
        session.add(member)
        session.commit()
    first = chat.say("LANG")
    if channel == "telegram":
        assert len(first) == 1 and first[0].buttons
        return
    assert all(r.segments == 1 for r in first)
    pages = [first[-1].text]
    while pages[-1].endswith(chat.text_of("page.more").strip()) and len(pages) < 10:
        more = chat.say("MORE")
        assert len(more) == 1 and more[0].segments == 1
        pages.append(more[0].text)
    assert len(pages) > 1
    joined = " ".join(pages)
    for name in ("1 English", "2 Khmer ខ្មែរ", "9 Thai ไทย"):
        assert name in joined
    run_table(chat, [("2", Expect(contains=("អានអក្សរនេះបានទេ?",))),  # the list works
                     ("1", Expect(keys=("menu.title",)))])
    assert chat.member().language == "km"
