"""The fake provider servers work with the REAL client libraries.

python-telegram-bot talks to FakeTelegram through `Bot(token, base_url=...)`, and the
twilio client (async via aiohttp, and sync via requests) talks to FakeTwilio once
`client.api.base_url` points at it, which is what TWILIO_API_BASE does. Scripted
failures surface as the exceptions the app has to handle.
"""

from __future__ import annotations

import asyncio
import gc
import http.client
import json
import logging
import threading
import warnings
from datetime import timedelta

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from tests.support.fake_server import FakeServer
from tests.webhooks.channels.fake_telegram import TOKEN
from tests.webhooks.channels.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, sign

CHAT = 100001
STATUS_URL = "https://peerlearn.example.org/webhooks/twilio/status"


def run_clean(coro, caplog) -> object:
    """asyncio.run(coro), then fail on any unclosed aiohttp/httpx session or connector."""
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.ERROR):
        warnings.simplefilter("always", ResourceWarning)
        result = asyncio.run(coro)
        gc.collect()
    leaks = [str(w.message) for w in caught if "Unclosed" in str(w.message)]
    leaks += [r.getMessage() for r in caplog.records if "Unclosed" in r.getMessage()]
    assert leaks == []
    return result


# -- Telegram ------------------------------------------------------------------------

def test_ptb_send_keyboard_callback_and_webhook(fake_telegram):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Start", callback_data="go:1")]])

    async def scenario():
        async with Bot(TOKEN, base_url=fake_telegram.api_base) as bot:
            assert bot.username == "peerlearn_test_bot" and bot.id == 123456
            message = await bot.send_message(CHAT, "Hello <b>there</b>", parse_mode="HTML",
                                             reply_markup=keyboard)
            second = await bot.send_message(CHAT, "again")
            assert await bot.answer_callback_query("cbq-1", text="Saved")
            await bot.edit_message_reply_markup(CHAT, message.message_id, reply_markup=None)
            assert await bot.set_webhook("https://peerlearn.example.org/webhooks/telegram",
                                         secret_token="s3cret",
                                         allowed_updates=["message", "callback_query"])
            info = await bot.get_webhook_info()
            assert await bot.delete_webhook()
            return message, second, info

    message, second, info = asyncio.run(scenario())
    assert (message.message_id, second.message_id) == (1, 2)
    assert message.chat.id == CHAT and message.chat.type == "private"
    assert message.text == "Hello <b>there</b>" and message.reply_markup == keyboard
    assert info.url == "https://peerlearn.example.org/webhooks/telegram"
    assert info.allowed_updates == ("message", "callback_query")

    sent = fake_telegram.sent()
    assert [form["text"] for form in sent] == ["Hello <b>there</b>", "again"]
    assert sent[0]["chat_id"] == str(CHAT) and sent[0]["parse_mode"] == "HTML"
    assert sent[0]["reply_markup"] == {
        "inline_keyboard": [[{"text": "Start", "callback_data": "go:1"}]]}
    answer = fake_telegram.calls_to("answerCallbackQuery")[0].form
    assert answer == {"callback_query_id": "cbq-1", "text": "Saved"}
    hook = fake_telegram.calls_to("setWebhook")[0].form
    assert hook["secret_token"] == "s3cret"
    assert json.loads(hook["allowed_updates"]) == ["message", "callback_query"]
    assert [c.route for c in fake_telegram.calls][:2] == ["getMe", "sendMessage"]


@pytest.mark.parametrize("timedelta_env", [None, "true"])
def test_ptb_retry_after(fake_telegram, monkeypatch, timedelta_env):
    """PTB 22 gives int seconds (+ PTBDeprecationWarning) unless PTB_TIMEDELTA is set."""
    if timedelta_env:
        monkeypatch.setenv("PTB_TIMEDELTA", timedelta_env)
    else:
        monkeypatch.delenv("PTB_TIMEDELTA", raising=False)
    fake_telegram.rate_limit_next(3)

    async def scenario():
        async with Bot(TOKEN, base_url=fake_telegram.api_base) as bot:
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(CHAT, "too fast")
            await bot.send_message(CHAT, "after the pause")  # the failure was one-shot
            return caught.value

    if timedelta_env:
        assert asyncio.run(scenario()).retry_after == timedelta(seconds=3)
    else:
        with pytest.warns(PTBDeprecationWarning, match="retry_after"):
            retry_after = asyncio.run(scenario()).retry_after
        assert retry_after == 3 and isinstance(retry_after, int)
    assert [form["text"] for form in fake_telegram.sent()] == ["after the pause"]
    assert [c.status for c in fake_telegram.calls_to("sendMessage")] == [429, 200]


@pytest.mark.parametrize("script, error, text", [
    ("block_next", Forbidden, "bot was blocked by the user"),
    ("chat_not_found_next", BadRequest, "chat not found"),
    ("server_error_next", NetworkError, "internal server error"),
])
def test_ptb_scripted_errors(fake_telegram, script, error, text):
    getattr(fake_telegram, script)()

    async def scenario():
        async with Bot(TOKEN, base_url=fake_telegram.api_base) as bot:
            with pytest.raises(error) as caught:
                await bot.send_message(CHAT, "hi")
            return caught

    caught = asyncio.run(scenario())
    assert type(caught.value) is error and text in caught.value.message.lower()


def test_ptb_bad_gateway_and_wrong_token(fake_telegram):
    fake_telegram.server_error_next(502)

    async def scenario():
        async with Bot(TOKEN, base_url=fake_telegram.api_base) as bot:
            with pytest.raises(NetworkError, match="Bad Gateway"):
                await bot.send_message(CHAT, "hi")
        with pytest.raises(InvalidToken):
            await Bot("999:WRONG", base_url=fake_telegram.api_base).get_me()

    asyncio.run(scenario())
    assert fake_telegram.unexpected == ["POST /bot999:WRONG/getMe: wrong bot token"]
    fake_telegram.reset()


def test_ptb_get_updates_offset_and_long_poll(fake_telegram):
    fake_telegram.queue_updates([
        {"message": {"message_id": 5, "date": 0, "chat": {"id": CHAT, "type": "private"},
                     "from": {"id": CHAT, "is_bot": False, "first_name": "Ann"},
                     "text": "hi"}},
        {"update_id": 7, "callback_query": {
            "id": "cbq-9", "chat_instance": "x", "data": "go:1",
            "from": {"id": CHAT, "is_bot": False, "first_name": "Ann"}}},
    ])

    async def scenario():
        async with Bot(TOKEN, base_url=fake_telegram.api_base) as bot:
            first = await bot.get_updates(offset=2, timeout=0)
            empty = await bot.get_updates(offset=8, timeout=0)
            threading.Timer(0.2, fake_telegram.queue_updates, [[{"update_id": 8, "message": {
                "message_id": 6, "date": 0, "chat": {"id": CHAT, "type": "private"},
                "text": "late"}}]]).start()
            late = await bot.get_updates(offset=8, timeout=5)
            return first, empty, late

    first, empty, late = asyncio.run(scenario())
    assert [u.update_id for u in first] == [7] and first[0].callback_query.data == "go:1"
    assert empty == () and [u.message.text for u in late] == ["late"]


# -- Twilio --------------------------------------------------------------------------

def twilio_client(base: str, token: str = AUTH_TOKEN) -> Client:
    client = Client(ACCOUNT_SID, token, http_client=AsyncTwilioHttpClient())
    client.api.base_url = base  # what TWILIO_API_BASE does
    return client


def test_twilio_async_create(fake_twilio, caplog):
    async def scenario():
        client = twilio_client(fake_twilio.base_url)
        try:
            short = await client.messages.create_async(
                to="+85512345678", from_="+15005550006", body="Hi from PeerLearn",
                status_callback=STATUS_URL)
            long = await client.messages.create_async(
                to="+85512345678", messaging_service_sid="MG" + "a" * 32, body="x" * 200)
            fetched = await client.messages(short.sid).fetch_async()
            return short, long, fetched
        finally:
            await client.http_client.close()

    short, long, fetched = run_clean(scenario(), caplog)
    assert short.sid.startswith("SM") and len(short.sid) == 34 and short.sid != long.sid
    assert (short.num_segments, short.status, short.from_) == ("1", "queued", "+15005550006")
    assert (long.num_segments, long.messaging_service_sid) == ("2", "MG" + "a" * 32)
    assert short.date_created is not None and fetched.body == "Hi from PeerLearn"
    assert fake_twilio.sent() == [
        {"To": "+85512345678", "From": "+15005550006", "Body": "Hi from PeerLearn",
         "StatusCallback": STATUS_URL},
        {"To": "+85512345678", "MessagingServiceSid": "MG" + "a" * 32, "Body": "x" * 200}]


@pytest.mark.parametrize("script, status, code", [
    ("unsubscribed_next", 400, 21610),
    ("rate_limit_next", 429, 20429),
    ("invalid_number_next", 400, 21211),
    ("server_error_next", 500, 20500),
])
def test_twilio_scripted_errors(fake_twilio, caplog, script, status, code):
    getattr(fake_twilio, script)()

    async def scenario():
        async with AsyncTwilioHttpClient() as http:
            client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http)
            client.api.base_url = fake_twilio.base_url
            with pytest.raises(TwilioRestException) as caught:
                await client.messages.create_async(to="+85512345678", from_="+15005550006",
                                                   body="hi")
            again = await client.messages.create_async(to="+85512345678",
                                                       from_="+15005550006", body="hi")
            return caught.value, again

    error, again = run_clean(scenario(), caplog)
    assert (error.status, error.code) == (status, code)
    assert again.status == "queued" and len(fake_twilio.sent()) == 1


def test_twilio_wrong_credentials_and_validation(fake_twilio, caplog):
    async def scenario():
        bad = twilio_client(fake_twilio.base_url, token="wrong")
        good = twilio_client(fake_twilio.base_url)
        try:
            with pytest.raises(TwilioRestException) as denied:
                await bad.messages.create_async(to="+85512345678", from_="+1500", body="x")
            with pytest.raises(TwilioRestException) as invalid:
                await good.messages.create_async(to="12", from_="+15005550006", body="x")
            return denied.value, invalid.value
        finally:
            await bad.http_client.close()
            await good.http_client.close()

    denied, invalid = run_clean(scenario(), caplog)
    assert (denied.status, denied.code) == (401, 20003)
    assert (invalid.status, invalid.code) == (400, 21211)
    assert fake_twilio.unexpected == [
        f"POST /2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json: bad Twilio credentials"]
    fake_twilio.reset()


def test_twilio_sync_client(fake_twilio):
    client = Client(ACCOUNT_SID, AUTH_TOKEN)
    client.api.base_url = fake_twilio.base_url
    message = client.messages.create(to="+85512345678", from_="+15005550006", body="sync")
    assert message.sid.startswith("SM") and message.num_segments == "1"
    fake_twilio.unsubscribed_next()
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to="+85512345678", from_="+15005550006", body="sync")
    assert (caught.value.status, caught.value.code) == (400, 21610)
    assert [form["Body"] for form in fake_twilio.sent()] == ["sync"]


def test_sign_matches_request_validator():
    url, params = "https://peerlearn.example.org/webhooks/twilio", {"Body": "hi", "From": "+1"}
    assert RequestValidator(AUTH_TOKEN).validate(url, params, sign(url, params, AUTH_TOKEN))
    assert not RequestValidator("other").validate(url, params, sign(url, params, AUTH_TOKEN))


# -- The base server -----------------------------------------------------------------

def test_base_server_keep_alive_unknown_routes_and_json():
    class Echo(FakeServer):
        def resolve(self, call):
            return ("echo", lambda c: (200, c.form)) if call.path == "/echo" else None

    with Echo() as fake:
        fake.fail_next("echo", (503, {"busy": True}))
        conn = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
        answers = []
        for path, body, kind in [("/echo", "a=1", "application/x-www-form-urlencoded"),
                                 ("/echo?q=2", '{"a": {"b": 1}}', "application/json"),
                                 ("/nope", "", "text/plain")]:
            conn.request("POST", path, body, {"Content-Type": kind})
            response = conn.getresponse()
            answers.append((response.status, json.loads(response.read())))
        assert answers[0] == (503, {"busy": True})
        assert answers[1] == (200, {"q": "2", "a": '{"b": 1}'})
        assert answers[2][0] == 404 and fake.unexpected == ["POST /nope: unknown route"]
        assert [c.status for c in fake.calls] == [503, 200]
        fake.reset()
        assert fake.calls == [] and fake.unexpected == []
    conn.close()  # stop() did not hang on the open keep-alive connection
