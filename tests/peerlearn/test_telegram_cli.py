"""`peerlearn telegram set-webhook` and `poll` against the fake Bot API; polling goes on
past an update it cannot read and through network errors, with back-off."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal

from sqlmodel import Session, select
from typer.testing import CliRunner

from content.models import InboundMessage
from peerlearn.cli import app
from peerlearn.telegram_cli import _poll
from peerlearn.wiring import build
from services.backoff import Backoff
from tests.support.live import PUBLIC, SECRET, live_settings
from tests.support.waiting import wait_for_async
from tests.webhooks.channels.test_telegram import OLD, USER, message

runner = CliRunner()


def test_set_webhook_registers_the_public_url_secret_and_update_kinds(fake_telegram,
                                                                      database_url):
    env = {"DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": fake_telegram.token,
           "TELEGRAM_WEBHOOK_SECRET": SECRET, "TELEGRAM_API_BASE": fake_telegram.base_url,
           "PUBLIC_BASE_URL": PUBLIC + "/"}
    result = runner.invoke(app, ["telegram", "set-webhook"], env=env)
    assert result.exit_code == 0, result.output
    (call,) = fake_telegram.calls_to("setWebhook")
    assert call.form["url"] == PUBLIC + "/webhooks/telegram"
    assert call.form["secret_token"] == SECRET
    assert json.loads(call.form["allowed_updates"]) == [
        "message", "edited_message", "callback_query", "my_chat_member"]


def test_set_webhook_says_what_is_missing(database_url):
    result = runner.invoke(app, ["telegram", "set-webhook"],
                           env={"DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": ""})
    assert result.exit_code == 2 and "TELEGRAM_BOT_TOKEN" in result.output


def poll_until(services, fake_telegram, done, what: str, **poller) -> None:
    """Runs `_poll` until done() holds, then stops it as Ctrl-C would; `poller` sets the
    Poller's fields (its back-off)."""
    async def run():
        task = asyncio.create_task(_poll(services, fake_telegram.token, timeout=0,
                                         poller=poller))
        await wait_for_async(done, what)
        os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C would
        await task

    asyncio.run(run())


def test_poll_feeds_updates_through_the_inbox_and_sends_replies(settings, db, services,
                                                                fake_telegram, fake_twilio):
    live = build(live_settings(settings, fake_telegram, fake_twilio), db=db)
    fake_telegram.queue_updates([message(text="hi"), message(text="1")])
    poll_until(live, fake_telegram, lambda: len(fake_telegram.sent()) >= 4,
               "four replies sent")
    assert fake_telegram.calls_to("deleteWebhook")
    texts = [call["text"] for call in fake_telegram.sent()]
    assert any("Welcome to peerlearn" in t for t in texts)
    assert any("Do you agree?" in t for t in texts)


def test_poll_answers_what_ptb_refuses_and_skips_what_is_no_update(settings, db, services,
                                                                   fake_telegram, fake_twilio):
    live = build(live_settings(settings, fake_telegram, fake_twilio), db=db)
    no_chat = {"message": {"message_id": 1, "date": 1, "from": USER, "text": "hi"}}
    fake_telegram.queue_updates([no_chat, message(text="hi", **{"from": OLD}),
                                 message(text="1")])
    poll_until(live, fake_telegram, lambda: len(fake_telegram.sent()) >= 4,
               "four replies sent")
    with Session(db) as session:
        rows = session.exec(select(InboundMessage).order_by(InboundMessage.id)).all()
    assert [(r.text, r.status) for r in rows] == [("hi", "processed"), ("1", "processed")]
    assert "is_bot" in rows[0].payload["refused_by_ptb"]
    texts = [call["text"] for call in fake_telegram.sent()]
    assert any("Welcome to peerlearn" in t for t in texts)
    assert any("Do you agree?" in t for t in texts)


def welcomed(fake_telegram) -> bool:
    return any("Welcome to peerlearn" in call["text"] for call in fake_telegram.sent())


def warnings_of(caplog) -> list[str]:
    return [r.getMessage().split(";")[0] for r in caplog.records
            if r.levelno >= logging.WARNING and r.name == "peerlearn.telegram_poll"]


def test_poll_logs_each_kind_of_unreadable_update_once(
        settings, db, services, fake_telegram, fake_twilio, caplog):
    live = build(live_settings(settings, fake_telegram, fake_twilio), db=db)
    no_chat = {"message": {"message_id": 1, "date": 1, "from": USER, "text": "hi"}}
    fake_telegram.queue_updates([no_chat, no_chat, message(text="hi")])
    poll_until(live, fake_telegram, lambda: welcomed(fake_telegram), "the welcome")
    assert warnings_of(caplog) == [
        "skipped a Telegram update that cannot be read (Malformed)"]  # once, not twice


def test_poll_backs_off_on_network_errors_logs_once_and_recovers(
        settings, db, services, fake_telegram, fake_twilio, caplog):
    live = build(live_settings(settings, fake_telegram, fake_twilio), db=db)
    for _ in range(5):
        fake_telegram.server_error_next(502, method="getUpdates")
    fake_telegram.queue_updates([message(text="hi")])
    waits: list[float] = []

    async def waited(stop, seconds):  # the poller's clock, so the test need not wait
        waits.append(seconds)

    trouble = Backoff("telegram polling", logging.getLogger("peerlearn.telegram_poll"),
                      first=1.0, cap=8.0)
    poll_until(live, fake_telegram, lambda: welcomed(fake_telegram), "the welcome",
               trouble=trouble, pause=waited)
    assert len(waits) == 5 and waits[:4] == sorted(waits[:4])  # 1, 2, 4, 8, 8 s + jitter
    assert 1.0 <= waits[0] < 2.0 and 8.0 <= waits[-1] <= 10.0
    assert warnings_of(caplog) == ["telegram polling failing (NetworkError)",
                                   "telegram polling recovered after 5 failures"]
