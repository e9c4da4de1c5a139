"""Telegram buttons through the real PTB client and the fake Bot API: a topic tapped is
ticked on the question's own keyboard (editMessageReplyMarkup), Done saves the topics."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from bot.choices import topics_for
from content.models import Identity, Member
from tests.webhooks.channels.test_telegram import CHAT, PRIVATE, USER, _ids, command, message


def tap(data: str, message_id: int) -> dict:
    """An update for a press on a button of the bot's message `message_id`."""
    return {"update_id": next(_ids), "callback_query": {
        "id": f"cbq-{next(_ids)}", "from": USER, "chat_instance": "ci", "data": data,
        "message": {"message_id": message_id, "date": 1, "chat": PRIVATE, "text": "?"}}}


def to_topics(live) -> int:
    """Onboards the chat up to the topics question; the question's Telegram message id."""
    # language, consent, country, name and enterprise (skipped), sector
    for update in [command("/start"), *(message(text="1") for _ in range(6))]:
        assert live.post_telegram(update).status_code == 200
        live.dispatch()
    question = live.outbound()[-1]
    assert question.status == "sent" and question.buttons[-1][-1]["data"] == "done"
    return int(question.provider_id)


def edits(live) -> list[dict]:
    """The editMessageReplyMarkup calls the fake Bot API accepted, markup decoded."""
    return [{**call.form, "reply_markup": json.loads(call.form["reply_markup"])}
            for call in live.telegram.calls_to("editMessageReplyMarkup") if call.ok]


def ticked(markup: dict) -> list[str]:
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row
            if b["text"].startswith("✓ ")]


def topics_wanted(live) -> list[str]:
    with Session(live.services.db) as session:
        return session.exec(select(Member.topics_wanted).join(
            Identity, Identity.member_id == Member.id).where(
            Identity.address == str(CHAT))).one()


def test_taps_edit_the_keyboard_in_place_and_done_saves(live):
    question = to_topics(live)
    sent = len(live.telegram.sent())
    for data in ("1", "3", "1"):
        response = live.post_telegram(tap(data, question))
        assert response.json()["method"] == "answerCallbackQuery"  # the spinner stops
        live.dispatch()
    calls = edits(live)
    assert [ticked(c["reply_markup"]) for c in calls] == [["1"], ["1", "3"], ["3"]]
    assert all((c["chat_id"], c["message_id"]) == (str(CHAT), str(question)) for c in calls)
    assert len(live.telegram.sent()) == sent  # no new message per tap
    assert live.inbound()[-1].payload["tapped"] == str(question)
    live.post_telegram(tap("done", question))
    live.dispatch()
    done = [c["text"] for c in live.telegram.sent()[sent:]]
    assert done == ["Thank you, you are all set.", "What would you like to do?"]
    assert topics_wanted(live) == topics_for([3])


def test_typed_numbers_still_pick_at_once(live):
    to_topics(live)
    live.post_telegram(message(text="2 4"))
    live.dispatch()
    assert edits(live) == [] and topics_wanted(live) == topics_for([2, 4])


def test_a_keyboard_that_cannot_be_edited_comes_again_as_a_new_message(live):
    question = to_topics(live)
    sent = len(live.telegram.sent())
    live.telegram.message_gone_next()
    live.post_telegram(tap("2", question))
    live.dispatch()
    (again,) = live.telegram.sent()[sent:]
    assert again["text"].startswith("What do you want to learn about?")
    assert ticked(again["reply_markup"]) == ["2"]
    row = live.outbound()[-1]
    assert row.status == "sent" and row.provider_id != str(question)


def test_a_tap_on_a_message_id_no_column_holds_ticks_on_a_new_message(live):
    """The edit is kept in the outbox's `edits` (64 characters): an id of 70 digits is
    no message id, so the ticked keyboard goes as a new message instead of failing."""
    to_topics(live)
    sent = len(live.telegram.sent())
    assert live.post_telegram(tap("1", 10**70)).status_code == 200
    live.dispatch()
    assert live.inbound()[-1].status == "processed"
    assert edits(live) == []
    (new,) = live.telegram.sent()[sent:]
    assert ticked(new["reply_markup"]) == ["1"]
