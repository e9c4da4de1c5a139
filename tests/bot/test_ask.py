"""ASK: answers from the store with a rating, or an honest promise of a person."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from content.models import Question
from tests.bot.test_dialogs import CHANNELS, onboard
from tests.support.chat import Chat, Expect, run_table

RATE = Expect(keys=("ask.rate",), choices=("1", "2"))
WATER_ANSWER = "SRI fields are kept moist"


def questions(chat) -> list[Question]:
    with Session(chat.services.db) as session:
        return list(session.exec(select(Question).order_by(Question.id)))


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_stored_answer_is_given_and_rated(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [
        ("ASK Does SRI need more water?", Expect(contains=(WATER_ANSWER,), keys=("ask.rate",),
                                                 choices=("1", "2"))),
        ("1", Expect(keys=("ask.thanks", "menu.title"))),
    ])
    (question,) = questions(chat)
    assert (question.lang, question.status, question.helpful) == ("en", "answered", True)
    assert (question.practice_slug, question.answer_kind) == ("sri-cambodia", "faq")


@pytest.mark.parametrize("channel", CHANNELS)
def test_from_the_menu_and_not_helpful_keeps_it_open(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [
        ("2", Expect(keys=("ask.prompt",))),
        ("Does SRI need more water?", Expect(contains=(WATER_ANSWER,))),
        ("3", Expect(contains=("from 1 to 2",), keys=("ask.rate",))),
        ("2", Expect(keys=("ask.open_after_no", "menu.title"))),
    ])
    (question,) = questions(chat)
    assert (question.status, question.helpful) == ("open", False)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("text", ["How do I dry fish for the market?",
                                  "price of motorbikes in Hanoi", "🙂", "x" * 3000])
def test_nothing_confident_is_said_honestly(services, channel, text):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [("ASK", Expect(keys=("ask.prompt",))),
                     (text, Expect(keys=("ask.open", "menu.title")))])
    (question,) = questions(chat)
    assert question.status == "open" and question.answer_text is None


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_khmer_question_gets_a_khmer_answer(services, channel):
    chat = Chat(services, channel, "+85512345678" if channel == "sms" else "100002")
    onboard(chat, language="2")
    replies = chat.say("សួរ តើ SRI ត្រូវការទឹកច្រើនទេ?")
    assert any("ស្រែ SRI" in r.text for r in replies), [r.text for r in replies]
    (question,) = questions(chat)
    assert question.lang == "km" and question.practice_slug == "sri-cambodia"


@pytest.mark.parametrize("channel", CHANNELS)
def test_help_and_menu_still_work_while_asking(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [("ASK", Expect(keys=("ask.prompt",))),
                     ("MENU", Expect(keys=("menu.title",)))])
    assert questions(chat) == []
