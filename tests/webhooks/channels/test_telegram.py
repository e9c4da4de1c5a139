"""Telegram webhook: (label, update, secret, status, stored, processed, replies, answer)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from tests.support.live import SECRET

CHAT = 424242
_ids = itertools.count(1000)
USER = {"id": CHAT, "is_bot": False, "first_name": "Sokha"}
OLD = {"id": CHAT, "first_name": "Sokha", "username": "sokha_rice"}  # no is_bot
PRIVATE = {"id": CHAT, "type": "private", "first_name": "Sokha"}
GROUP = {"id": -100777, "type": "supergroup", "title": "Rice savers"}


def message(chat=PRIVATE, **fields) -> dict:
    return {"update_id": next(_ids), "message": {"message_id": next(_ids), "date": 1,
                                                 "chat": chat, "from": USER, **fields}}


def command(text: str, chat=PRIVATE) -> dict:
    name = text.split()[0]
    return message(chat, text=text,
                   entities=[{"type": "bot_command", "offset": 0, "length": len(name)}])


def member_update(status: str) -> dict:
    bot = {"id": 123456, "is_bot": True, "first_name": "peerlearn"}
    return {"update_id": next(_ids), "my_chat_member": {
        "chat": PRIVATE, "from": USER, "date": 1,
        "old_chat_member": {"status": "member", "user": bot},
        "new_chat_member": {"status": status, "user": bot, "until_date": 0}}}


@dataclass
class Incoming:
    label: str
    update: dict | bytes
    secret: str | None = SECRET
    status: int = 200
    stored: int = 1
    kind: str | None = "text"
    processed: bool = True
    replies: bool = True
    answer: dict = field(default_factory=dict)
    repeat: int = 1


CALLBACK = {"update_id": 5001, "callback_query": {
    "id": "cbq-1", "from": USER, "chat_instance": "ci", "data": "1",
    "message": {"message_id": 9, "date": 1, "chat": PRIVATE, "text": "menu"}}}

CASES = [
    Incoming("private text", message(text="hi")),
    Incoming("same update twice", message(text="hi"), repeat=2),
    Incoming("no secret", message(text="hi"), secret=None, status=403, stored=0),
    Incoming("wrong secret", message(text="hi"), secret="nope", status=403, stored=0),
    Incoming("secret of another length", message(text="hi"), secret=SECRET + "x",
             status=403, stored=0),
    Incoming("not JSON", b"{not json", status=400, stored=0),
    Incoming("JSON that is not an update", b"[1, 2]", status=400, stored=0),
    Incoming("/start", command("/start")),
    Incoming("/start with a deep link", command("/start practice-sri-cambodia")),
    Incoming("button press", CALLBACK, kind="callback",
             answer={"method": "answerCallbackQuery", "callback_query_id": "cbq-1"}),
    Incoming("edited message", {"update_id": 5002, "edited_message": {
        "message_id": 3, "date": 1, "edit_date": 2, "chat": PRIVATE, "from": USER,
        "text": "hello again"}}, kind="edited", processed=False, replies=False),
    Incoming("photo", message(photo=[{"file_id": "f1", "file_unique_id": "u1",
                                      "width": 90, "height": 90}]), kind="photo"),
    Incoming("photo with caption", message(caption="our dryer", photo=[
        {"file_id": "f2", "file_unique_id": "u2", "width": 90, "height": 90}]), kind="photo"),
    Incoming("voice", message(voice={"file_id": "v", "file_unique_id": "v", "duration": 3}),
             kind="voice"),
    Incoming("contact", message(contact={"phone_number": "+85512345678",
                                         "first_name": "S", "user_id": CHAT}), kind="contact"),
    Incoming("location", message(location={"latitude": 11.1, "longitude": 105.8}),
             kind="location"),
    Incoming("sticker", message(sticker={"file_id": "s", "file_unique_id": "s", "width": 1,
                                         "height": 1, "is_animated": False,
                                         "is_video": False, "type": "regular"}),
             kind="sticker"),
    Incoming("group chatter", message(GROUP, text="good morning"), processed=False,
             replies=False),
    Incoming("group command for us", command("/help@peerlearn_test_bot", GROUP)),
    Incoming("group command for everyone", command("/help", GROUP)),
    Incoming("group command for another bot", command("/help@other_bot", GROUP),
             processed=False, replies=False),
    Incoming("blocked the bot", member_update("kicked"), kind="blocked", replies=False),
    Incoming("unknown update kind", {"update_id": 5003, "future_kind": {"x": 1}},
             kind="other", processed=False, replies=False),
    Incoming("known kind PTB cannot read", {"update_id": 5004, "chat_boost": {"x": 1}},
             kind="other", processed=False, replies=False),
    Incoming("update_id is not a number", {"update_id": "7", "message": {}}, status=400,
             stored=0),
    Incoming("update_id true", {"update_id": True, "message": {}}, status=400, stored=0),
    Incoming("message without a chat", {"update_id": 5005, "message": {
        "message_id": 1, "date": 1, "from": USER, "text": "hi"}}, status=400, stored=0),
    Incoming("button pressed on a message without its chat", {"update_id": 5012,
             "callback_query": {"id": "cbq-9", "from": USER, "chat_instance": "ci",
                                "data": "1", "message": {"message_id": 9, "date": 1,
                                                         "chat": None}}},
             status=400, stored=0),
    Incoming("JSON nested 100,000 deep", b'{"update_id": 5006, "message": '
             + b"[" * 100_000 + b"]" * 100_000 + b"}", status=400, stored=0),
    Incoming("text a lone surrogate", b'{"update_id": 5007, "message": {"message_id": 1, '
             b'"date": 1, "chat": {"id": 424242, "type": "private"}, "text": "\\ud800"}}',
             status=400, stored=0),
    # never answerable, kept whole (acknowledged, so Telegram does not send it for ever)
    Incoming("text a number", message(text=5), kind="other", processed=False, replies=False),
    Incoming("text an object", message(text={"a": 1}), kind="other", processed=False,
             replies=False),
    Incoming("button data a number", {**CALLBACK, "update_id": 5008, "callback_query": {
        **CALLBACK["callback_query"], "data": 7}}, kind="other", processed=False,
             replies=False),
    Incoming("edited text a number", {"update_id": 5009, "edited_message": {
        "message_id": 3, "date": 1, "edit_date": 2, "chat": PRIVATE, "from": USER,
        "text": 12}}, kind="edited", processed=False, replies=False),
    # older payloads PTB refuses: read from the JSON, answered, why kept (telegram_raw)
    Incoming("an older payload: from without is_bot", message(text="hi", **{"from": OLD})),
    Incoming("an older payload: chat without type", message({"id": CHAT}, text="hi")),
    Incoming("an older payload: a button press", {**CALLBACK, "update_id": 5010,
             "callback_query": {**CALLBACK["callback_query"], "from": OLD}}, kind="callback",
             answer={"method": "answerCallbackQuery", "callback_query_id": "cbq-1"}),
    Incoming("an older payload: group chatter", message(
        {"id": -100777, "title": "Rice savers"}, text="good morning", **{"from": OLD}),
        processed=False, replies=False),
    Incoming("an older payload: text a number", message(text=7, **{"from": OLD}),
             kind="other", processed=False, replies=False),
    Incoming("an older payload: an edit", {"update_id": 5011, "edited_message": {
        "message_id": 3, "date": 1, "chat": {"id": CHAT}, "text": "hello again"}},
        kind="edited", processed=False, replies=False),
    Incoming("a username no one can have", message(text="hi", **{"from": {
        **USER, "username": "x" * 5000}})),
    # values no column holds: never a real update, the same 400 on both databases
    Incoming("chat id of 70 digits", message({**PRIVATE, "id": 10**70}, text="hi"),
             status=400, stored=0),
    Incoming("an older payload: chat id of 70 digits", message({"id": 10**70}, text="hi"),
             status=400, stored=0),
    Incoming("update_id of 130 digits", {**message(text="hi"), "update_id": 10**130},
             status=400, stored=0),
]


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_telegram_webhook(live, case):
    for _ in range(case.repeat):
        if isinstance(case.update, bytes):
            response = live.client.post("/webhooks/telegram", content=case.update, headers={
                "X-Telegram-Bot-Api-Secret-Token": case.secret,
                "Content-Type": "application/json"})
        else:
            response = live.post_telegram(case.update, case.secret)
        assert response.status_code == case.status, response.text
    stored = live.inbound()
    assert len(stored) == case.stored
    if not stored:
        assert live.outbound() == [] and live.telegram.sent() == []
        return
    assert stored[0].kind == case.kind and stored[0].provider == "telegram"
    assert stored[0].provider_key.startswith("123456:")
    assert stored[0].status == ("processed" if case.processed else "ignored")
    if case.answer:
        assert response.json() == case.answer
    live.dispatch()
    sent = live.telegram.sent()
    assert bool(sent) == case.replies, sent
    assert len(live.outbound()) == len(sent)  # processed once, even when repeated
    chat = str(stored[0].address)
    assert all(str(call["chat_id"]) == chat for call in sent)


def test_what_the_bot_reads_of_an_update_is_stored_under_neutral_keys(live):
    user = {**USER, "username": "sokha_rice"}
    photo = {"update_id": next(_ids), "message": {
        "message_id": next(_ids), "date": 1, "chat": PRIVATE, "from": user,
        "caption": "our dryer", "photo": [
            {"file_id": "small", "file_unique_id": "u1", "width": 90, "height": 90},
            {"file_id": "large", "file_unique_id": "u2", "width": 1280, "height": 960}]}}
    assert live.post_telegram(photo, SECRET).status_code == 200
    (stored,) = live.inbound()
    assert stored.payload["message"]["photo"][1]["file_id"] == "large"  # the Update, whole
    assert (stored.payload["handle"], stored.payload["file_id"],
            stored.payload["caption"]) == ("@sokha_rice", "large", "our dryer")


def test_blocking_opts_out_and_nothing_more_is_sent(live):
    live.post_telegram(message(text="hi"))
    live.dispatch()
    assert len(live.telegram.sent()) == 2  # the welcome and the language list
    live.post_telegram(message(text="1"))  # answered, but blocked before it goes out
    live.post_telegram(member_update("kicked"))
    assert live.identity("telegram", str(CHAT)).opted_out
    live.post_telegram(message(text="hi"))
    live.dispatch()
    assert len(live.telegram.sent()) == 2
    assert {row.status for row in live.outbound()[2:]} == {"suppressed"}


def test_deep_link_opens_the_practice_for_an_onboarded_member(live):
    for text in ["hi", "1", "1", "1", "1", "1", "1", "1"]:
        live.post_telegram(message(text=text))
    live.post_telegram(command("/start practice-sri-cambodia"))
    live.dispatch()
    last = live.telegram.sent()[-1]
    assert "Rice Intensification" in last["text"] or "SRI" in last["text"]
    assert last["parse_mode"] == "HTML"
    keyboard = last["reply_markup"]["inline_keyboard"]
    assert {"text": "More", "callback_data": "1"} in keyboard[0]


def test_deep_link_before_onboarding_opens_the_practice_after_it(live):
    live.post_telegram(command("/start practice-community-forestry-cambodia"))
    for text in ["1", "1", "1", "1", "1", "1", "1"]:
        live.post_telegram(message(text=text))
    live.dispatch()
    last = live.telegram.sent()[-1]
    assert "forest" in last["text"].lower(), last["text"]


def test_why_ptb_refused_an_update_is_kept_beside_what_was_read(live):
    assert live.post_telegram(message(text="hi", **{"from": OLD})).status_code == 200
    (stored,) = live.inbound()
    assert "is_bot" in stored.payload["refused_by_ptb"]
    assert (stored.address, stored.text, stored.kind) == (str(CHAT), "hi", "text")
    assert stored.payload["handle"] == "@sokha_rice"
    live.dispatch()
    assert "Welcome to peerlearn" in live.telegram.sent()[0]["text"]


def test_a_username_no_one_can_have_is_not_kept(live):
    user = {**USER, "username": "x" * 5000}
    assert live.post_telegram(message(text="hi", **{"from": user})).status_code == 200
    (stored,) = live.inbound()
    assert "handle" not in stored.payload and "refused_by_ptb" not in stored.payload
