"""Topics wanted and offered: typed numbers on every channel ('1 3'); on Telegram a tap
ticks or unticks a topic on the question's own keyboard and Done saves the ticks."""

from __future__ import annotations

import pytest

from bot.choices import TOPIC_GROUPS, topics_for
from tests.bot.test_dialogs import CHANNELS, onboard
from tests.support.chat import Chat, Expect, Tap, run_table

EVERY_TOPIC = [t for _, topics in TOPIC_GROUPS for t in topics]
TOPICS = Expect(keys=("topics.ask",))


def at_the_topics_question(services, channel: str) -> Chat:
    """A new member who has answered every onboarding question but the topics."""
    chat = Chat(services, channel)
    country = ["1"] if channel == "telegram" else []
    for said in ["hi", "1", "1", *country, "1", "1", "1"]:  # name, enterprise skipped
        assert chat.say(said), said
    return chat


def test_telegram_taps_tick_and_untick_then_done_finishes_onboarding(services):
    chat = at_the_topics_question(services, "telegram")
    assert "done" in {b["data"] for r in chat.log[-1][1] for row in r.buttons for b in row}
    run_table(chat, [
        (Tap("1"), Expect(keys=("topics.ask",), ticked=("1",), edits=True)),
        (Tap("3"), Expect(keys=("topics.ask",), ticked=("1", "3"), edits=True)),
        (Tap("1"), Expect(ticked=("3",), edits=True)),
        (Tap("done"), Expect(keys=("onboarding.done", "menu.title"), edits=False)),
    ])
    member = chat.member()
    assert member.onboarded_at is not None
    assert member.topics_wanted == topics_for([3])


@pytest.mark.parametrize("channel", CHANNELS)
def test_typed_numbers_pick_at_once_on_every_channel(services, channel):
    chat = at_the_topics_question(services, channel)
    run_table(chat, [
        ("1 9", Expect(out_of_range=(1, 8), keys=("topics.ask",), ticked=())),
        ("1 3", Expect(keys=("onboarding.done", "menu.title"))),
    ])
    assert chat.member().topics_wanted == topics_for([1, 3])


def test_sms_shows_numbered_topics_without_done(services):
    chat = at_the_topics_question(services, "sms")
    question = chat.log[-1][1][-1].text
    assert "\n8 Everything" in question and "Done" not in question
    run_table(chat, [("done", Expect(out_of_range=(1, 8), keys=("topics.ask",)))])
    assert chat.member().onboarded_at is None


def test_typed_numbers_after_taps_are_the_whole_answer(services):
    chat = at_the_topics_question(services, "telegram")
    run_table(chat, [(Tap("2"), Expect(ticked=("2",))),
                     ("4 5", Expect(keys=("onboarding.done",)))])
    assert chat.member().topics_wanted == topics_for([4, 5])


def test_everything_stands_alone(services):
    chat = at_the_topics_question(services, "telegram")
    run_table(chat, [
        (Tap("1"), Expect(ticked=("1",))),
        (Tap("8"), Expect(ticked=("8",))),  # everything: the others go
        (Tap("2"), Expect(ticked=("2",))),  # a topic: everything goes
        (Tap("8"), Expect(ticked=("8",))),
        (Tap("done"), Expect(keys=("onboarding.done",))),
    ])
    assert chat.member().topics_wanted == []  # no filter: every topic


def test_done_with_nothing_ticked_says_what_to_do(services):
    chat = at_the_topics_question(services, "telegram")
    run_table(chat, [
        (Tap("done"), Expect(keys=("topics.none",), edits=False)),
        (Tap("5"), Expect(ticked=("5",), edits=True)),
        (Tap("5"), Expect(ticked=(), edits=True)),
        (Tap("done"), Expect(keys=("topics.none",))),
        (Tap("6"), Expect(ticked=("6",))),
        (Tap("done"), Expect(keys=("onboarding.done",))),
    ])
    assert chat.member().topics_wanted == topics_for([6])


def test_the_question_asked_again_starts_without_ticks(services):
    chat = at_the_topics_question(services, "telegram")
    run_table(chat, [
        (Tap("1"), Expect(ticked=("1",))),
        ("xyz", Expect(out_of_range=(1, 8), keys=("topics.ask",), ticked=(), edits=False)),
        (Tap("2"), Expect(ticked=("2",), edits=True)),  # on the new question's keyboard
        (Tap("done"), Expect(keys=("onboarding.done",))),
    ])
    assert chat.member().topics_wanted == topics_for([2])


def test_settings_topics_wanted_by_taps(services):
    chat = Chat(services, "telegram")
    onboard(chat)
    run_table(chat, [
        ("6", Expect(keys=("settings.title",))),
        ("2", Expect(keys=("topics.ask",), choices=("1", "8", "done"), ticked=())),
        (Tap("4"), Expect(ticked=("4",), edits=True)),
        (Tap("6"), Expect(ticked=("4", "6"), edits=True)),
        (Tap("done"), Expect(keys=("topics.saved", "menu.title"))),
        ("TOPICS", Expect(keys=("topics.ask",), ticked=())),  # asked afresh
    ])
    assert chat.member().topics_wanted == topics_for([4, 6])


def test_settings_topics_offered_by_taps(services):
    chat = Chat(services, "telegram")
    onboard(chat)
    run_table(chat, [
        ("6", Expect(keys=("settings.title",))),
        ("3", Expect(keys=("settings.offer_ask",), choices=("1", "8", "done"))),
        (Tap("2"), Expect(keys=("settings.offer_ask",), ticked=("2",), edits=True)),
        (Tap("done"), Expect(keys=("settings.offer_saved", "menu.title"))),
        ("6", Expect(keys=("settings.title",))),
        ("3", Expect(ticked=())),
        (Tap("8"), Expect(ticked=("8",))),
        (Tap("done"), Expect(keys=("settings.offer_saved",))),
    ])
    assert chat.member().topics_offered == EVERY_TOPIC  # everything offers every topic
    assert chat.member().topics_wanted == topics_for([1])  # untouched


def test_topics_in_khmer_on_telegram(services):
    chat = Chat(services, "telegram", "100002")
    onboard(chat, language="2")
    asked = chat.say("ប្រធានបទ")
    chat.check(asked, Expect(keys=("topics.ask",)), "ប្រធានបទ")
    labels = [b["text"] for r in asked for row in r.buttons for b in row]
    assert labels[-1] == "រួចរាល់" and "ទាំងអស់" in labels
    run_table(chat, [(Tap("2"), Expect(ticked=("2",))),
                     (Tap("done"), Expect(keys=("topics.saved",)))])
    assert chat.member().topics_wanted == topics_for([2])
