"""The inbox stores before it processes, processes once, and keeps what failed."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, func, select

from bot.catalog import Catalog
from bot.engine import Engine
from bot.inbox import InboundItem, Inbox
from bot.retry import retry_inbound
from content.db import make_engine
from content.models import InboundMessage, OutboundMessage, utcnow


def item(key: str = "k1", text: str = "hi") -> InboundItem:
    return InboundItem(provider="simulator", channel="sms", address="+85512345678",
                       provider_key=key, text=text)


def counts(db) -> tuple[int, int]:
    with Session(db) as session:
        return (session.exec(select(func.count()).select_from(InboundMessage)).one(),
                session.exec(select(func.count()).select_from(OutboundMessage)).one())


def test_a_duplicate_is_stored_once_and_processed_once(services):
    first = services.inbox.receive(item())
    again = services.inbox.receive(item())
    assert not first.duplicate and first.replies
    assert again.duplicate and again.replies == [] and again.inbound_id == first.inbound_id
    assert counts(services.db) == (1, len(first.replies))


def test_a_failed_message_is_kept_and_retried(services):
    broken = Inbox(services.db, Engine(Catalog()))  # no texts at all: rendering fails
    with pytest.raises(KeyError):
        broken.receive(item())
    with Session(services.db) as session:
        row = session.exec(select(InboundMessage)).one()
    assert row.status == "failed" and row.attempts == 1 and "KeyError" in row.error
    assert counts(services.db) == (1, 0)  # no half-written replies
    assert retry_inbound(services.inbox, grace=timedelta(0)) == 1
    with Session(services.db) as session:
        row = session.exec(select(InboundMessage)).one()
    assert row.status == "processed" and row.error is None
    assert counts(services.db)[1] > 0
    assert retry_inbound(services.inbox, grace=timedelta(0)) == 0


def test_a_stored_but_unprocessed_message_is_picked_up_after_the_grace_time(services):
    inbound_id, created = services.inbox.store(item())
    assert created
    assert retry_inbound(services.inbox, grace=timedelta(minutes=5)) == 0
    with Session(services.db) as session:
        row = session.get(InboundMessage, inbound_id)
        row.received_at = utcnow() - timedelta(minutes=10)
        session.add(row)
        session.commit()
    assert retry_inbound(services.inbox, grace=timedelta(minutes=5)) == 1
    assert counts(services.db)[1] > 0


def test_processing_twice_at_once_answers_once(services):
    inbound_id, _ = services.inbox.store(item())
    results, barrier = [], threading.Barrier(2)

    def work():
        barrier.wait()
        try:
            results.append(services.inbox.process(inbound_id))
        except Exception as exc:  # a lost race on SQLite's write lock is fine, not a reply
            results.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    answered = [r for r in results if isinstance(r, list) and r]
    assert len(answered) == 1
    assert counts(services.db)[1] == len(answered[0])


def test_storing_fails_loudly_when_the_database_is_unreachable():
    db = make_engine("postgresql://nobody@127.0.0.1:9/none")  # nothing listens on port 9
    inbox = Inbox(db, Engine(Catalog.load()))
    try:
        with pytest.raises(OperationalError):
            inbox.store(item())
    finally:
        db.dispose()
