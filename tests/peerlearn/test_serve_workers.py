"""`peerlearn serve --workers 2`: two web processes on one port, each storing what its
webhooks receive, processing and sending. Members who write at once each get their
replies once, in order, whichever process took each message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select

from content.models import InboundMessage
from tests.support.live import PUBLIC
from tests.support.server import free_port
from tests.support.waiting import wait_for
from tests.webhooks.channels.fake_twilio import sign
from tests.webhooks.channels.test_twilio import sms

NUMBERS = [f"+8559700{i:04d}" for i in range(24)]
PATH = "/webhooks/twilio/sms"


def test_two_web_processes_answer_every_member_once(database_url, db, fake_twilio, tmp_path):
    from tests.conftest import clear

    clear(db)
    env = {**os.environ, "DATABASE_URL": database_url, "PUBLIC_BASE_URL": PUBLIC,
           "TWILIO_ACCOUNT_SID": fake_twilio.account_sid,
           "TWILIO_AUTH_TOKEN": fake_twilio.auth_token, "TWILIO_FROM": "+15005550006",
           "TWILIO_API_BASE": fake_twilio.base_url, "TWILIO_RATE": "0"}
    port, log = free_port(), tmp_path / "serve.log"
    peerlearn = Path(sys.executable).with_name("peerlearn")
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(peerlearn), "serve", "--port", str(port), "--workers", "2"], cwd=tmp_path,
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _started(log) == 2, "two web processes to start", 90)

        def say(number: str) -> int:
            form = sms("hi", sender=number)
            return httpx.post(base + PATH, data=form, timeout=30, headers={
                "X-Twilio-Signature": sign(PUBLIC + PATH, form, fake_twilio.auth_token)
            }).status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(say, NUMBERS)) == {200}
        wait_for(lambda: _replies(fake_twilio) == {n: 2 for n in NUMBERS},
                 "two replies to each member", 90)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    with db.connect() as conn:
        stored = conn.execute(select(InboundMessage.status, func.count())
                              .group_by(InboundMessage.status)).all()
    assert stored == [("processed", len(NUMBERS))]
    assert _replies(fake_twilio) == {n: 2 for n in NUMBERS}  # none sent twice meanwhile
    clear(db)


def _started(log: Path) -> int:
    return log.read_text(errors="replace").count("Application startup complete")


def _replies(twilio) -> dict[str, int]:
    counts: dict[str, int] = {}
    for form in twilio.sent():
        counts[form["To"]] = counts.get(form["To"], 0) + 1
    return counts
