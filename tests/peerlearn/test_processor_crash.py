"""`peerlearn worker --only process` killed with SIGKILL while it works through stored
messages: another processor finishes them, and none is processed twice or lost.

A turn claims its row in the transaction that writes its replies, so a processor killed
mid-turn leaves nothing behind: the database rolls the turn back, the row is `received`
again, and the next processor takes it. Every row ends `processed` after exactly one
attempt that counted, with exactly one set of replies.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import text

from bot.inbox import InboundItem
from tests.conftest import clear
from tests.support.crash import start_worker
from tests.support.waiting import wait_for

ROWS = 200  # new members saying hi: several seconds of turns for one processor
ONLY_PROCESS = ("--only", "process")


@pytest.fixture
def drill(services, db):
    clear(db)
    yield services
    clear(db)


def count(db, sql: str) -> int:
    with db.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def processed(db) -> int:
    return count(db, "SELECT count(*) FROM inboundmessage WHERE status = 'processed'")


def test_kill_9_mid_turn_then_another_processor_finishes_every_row_once(
        drill, database_url, fake_twilio, tmp_path):
    db = drill.db
    drill.inbox.store_many([InboundItem(provider="twilio", channel="sms",
                                        address=f"+8551230{i:04d}", provider_key=f"SM{i}",
                                        text="hi") for i in range(ROWS)])
    first = start_worker(database_url, fake_twilio, tmp_path, name="first",
                         options=ONLY_PROCESS)
    try:
        wait_for(lambda: processed(db) >= 10, "the first processor at work", 120)
    finally:
        first.kill()
    assert processed(db) < ROWS, "the drill came too late: nothing left to take over"
    second = start_worker(database_url, fake_twilio, tmp_path, name="second",
                          options=ONLY_PROCESS)
    try:
        wait_for(lambda: processed(db) == ROWS, "every row processed", 120)
    finally:
        second.stop()
    with db.connect() as conn:
        attempts = Counter(conn.execute(text(
            "SELECT attempts FROM inboundmessage")).scalars())
        stored = set(conn.execute(text("SELECT id FROM inboundmessage")).scalars())
        replies = Counter(conn.execute(text(
            "SELECT inbound_id FROM outboundmessage")).scalars())
    assert attempts == {1: ROWS}  # the killed turn rolled back: it never counted
    assert set(replies) == stored  # every message answered
    assert len(set(replies.values())) == 1  # none answered twice: same replies each
    assert count(db, "SELECT count(*) FROM outboundmessage WHERE status = 'queued'") \
        == sum(replies.values())  # --only process: nothing sent
