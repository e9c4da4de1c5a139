"""No phone number, chat id or message text in the logs of a full run.

`peerlearn serve` runs as a deployment runs it, with its own logging at the default
levels (uvicorn's access lines at INFO; ours and the libraries' at WARNING, tracebacks
included), over the fake providers: an SMS member and a Telegram member are onboarded and
write to the bot; a message the database refuses to store (a constraint added for the
test: PostgreSQL quotes the refused row, SQLAlchemy the statement's parameters) is
answered 503 and its traceback logged; the simulator is asked for a conversation by phone
number in the query string. Then everything the process wrote is searched.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from content.db import is_sqlite
from tests.support.live import PUBLIC, SECRET, settled
from tests.support.server import free_port
from tests.support.waiting import wait_for
from tests.webhooks.channels.fake_telegram import FakeTelegram
from tests.webhooks.channels.fake_twilio import FakeTwilio, sign
from tests.webhooks.channels.test_telegram import command, message
from tests.webhooks.channels.test_twilio import sms

PHONE = "+85592345671"
REFUSED = "+66812345679"  # the database refuses this sender's messages
CHAT = 5123456789
USER = {"id": CHAT, "is_bot": False, "first_name": "Chanthavong"}
PRIVATE = {"id": CHAT, "type": "private", "first_name": "Chanthavong"}
SAID = {"sms": "ASK how do we keep the seed rice dry through the monsoon",
        "telegram": "Our cassava harvest rotted in the shed again",
        "refused": "Sokha's private note about the loan"}
PERSONAL = [PHONE.lstrip("+"), PHONE[4:], REFUSED.lstrip("+"), REFUSED[3:], str(CHAT),
            "Chanthavong", *SAID.values()]


@contextmanager
def refusing(db, address: str):
    """The database refuses to store a message from `address` until the block ends."""
    if is_sqlite(db):
        add = ("CREATE TRIGGER refused_by_test BEFORE INSERT ON inboundmessage "
               f"WHEN NEW.address = '{address}' BEGIN SELECT RAISE(ABORT, 'refused'); END")
        drop = "DROP TRIGGER refused_by_test"
    else:
        add = ("ALTER TABLE inboundmessage ADD CONSTRAINT refused_by_test "
               f"CHECK (address <> '{address}') NOT VALID")
        drop = "ALTER TABLE inboundmessage DROP CONSTRAINT refused_by_test"
    with db.begin() as conn:
        conn.execute(text(add))
    try:
        yield
    finally:
        with db.begin() as conn:
            conn.execute(text(drop))


@dataclass
class Served:
    """`peerlearn serve` in its own process, and what it wrote."""

    process: subprocess.Popen
    client: httpx.Client
    log: Path
    db: object
    twilio: FakeTwilio
    telegram: FakeTelegram

    def sms(self, sender: str, body: str) -> int:
        form, path = sms(body, sender=sender), "/webhooks/twilio/sms"
        return self.client.post(path, data=form, headers={
            "X-Twilio-Signature": sign(PUBLIC + path, form, self.twilio.auth_token)}).status_code

    def telegram_update(self, update: dict) -> int:
        return self.client.post("/webhooks/telegram", json=update, headers={
            "X-Telegram-Bot-Api-Secret-Token": SECRET}).status_code

    def stop(self) -> str:
        """Stops the server as a deployment would (SIGTERM); everything it wrote."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        return self.log.read_text(encoding="utf-8", errors="replace")


def _answers(url: str, process: subprocess.Popen) -> bool:
    assert process.poll() is None, "peerlearn serve stopped"
    try:
        return httpx.get(url + "/healthz").status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture
def served(database_url, db, fake_telegram, fake_twilio, tmp_path):
    from tests.conftest import clear

    clear(db)
    env = {**os.environ, "DATABASE_URL": database_url, "PUBLIC_BASE_URL": PUBLIC,
           "TELEGRAM_BOT_TOKEN": fake_telegram.token, "TELEGRAM_WEBHOOK_SECRET": SECRET,
           "TELEGRAM_API_BASE": fake_telegram.base_url,
           "TWILIO_ACCOUNT_SID": fake_twilio.account_sid,
           "TWILIO_AUTH_TOKEN": fake_twilio.auth_token, "TWILIO_FROM": "+15005550006",
           "TWILIO_API_BASE": fake_twilio.base_url,
           "TELEGRAM_RATE": "0", "TELEGRAM_CHAT_RATE": "0", "TWILIO_RATE": "0"}
    port, log = free_port(), tmp_path / "serve.log"
    peerlearn = Path(sys.executable).with_name("peerlearn")
    with refusing(db, REFUSED), log.open("w") as out:
        process = subprocess.Popen([str(peerlearn), "serve", "--port", str(port)],
                                   cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, timeout=30) as client:
            run = Served(process, client, log, db, fake_twilio, fake_telegram)
            try:
                wait_for(lambda: _answers(url, process), "peerlearn serve to answer", 60)
                yield run
            finally:
                run.stop()
    clear(db)


def test_a_full_run_logs_no_phone_number_chat_id_or_message_text(served):
    for said in ["hi", "2", "1", "1", "1", "1", "1", "1", SAID["sms"]]:
        before = len(served.twilio.sent())
        assert served.sms(PHONE, said) == 200
        wait_for(lambda n=before: len(served.twilio.sent()) > n, f"a reply to {said!r}")
    updates = [command("/start", PRIVATE), *(message(PRIVATE, text="1") for _ in range(8)),
               message(PRIVATE, text=SAID["telegram"])]
    for update in updates:
        update["message"]["from"] = USER
        before = len(served.telegram.sent())
        assert served.telegram_update(update) == 200
        wait_for(lambda n=before: len(served.telegram.sent()) > n, "a Telegram reply")
    assert served.sms(REFUSED, SAID["refused"]) == 503
    served.client.get("/simulator/api/messages", params={"channel": "sms", "address": PHONE})
    wait_for(lambda: settled(served.db), "every message processed and every reply sent")
    logged = served.stop()

    assert {c["To"] for c in served.twilio.sent()} == {PHONE}
    # What the log must tell, with or without personal data: the refused message's
    # traceback down to the statement, and the simulator's request.
    assert "could not store a twilio message" in logged and "refused" in logged, logged
    assert "Traceback" in logged and "INSERT INTO inboundmessage" in logged, logged
    assert '"GET /simulator/api/messages' in logged, logged
    assert [said for said in PERSONAL if said in logged] == [], logged
    assert '"GET /simulator/api/messages HTTP/1.1" ' in logged  # the path only
