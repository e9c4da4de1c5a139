"""The worker role: delivers, retries stored inbound messages, runs the scheduler,
stops gracefully; `serve` with its dispatcher keeps the schedule too."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, select

from bot import jobs
from bot.inbox import InboundItem
from bot.replies import Notice, Reply
from content.models import Identity, InboundMessage, Job, Member, OutboundMessage, utcnow
from peerlearn.app import create_app
from peerlearn.worker import run_worker
from services.delivery.dispatcher import Dispatcher
from services.delivery.senders import SendResult
from tests.support.waiting import never, wait_for, wait_for_async


def test_worker_delivers_and_picks_up_unprocessed_messages(services):
    inbound_id, _ = services.inbox.store(InboundItem(
        provider="simulator", channel="sms", address="+85512345678", provider_key="k",
        text="hi"))
    with Session(services.db) as session:  # stored by a web process that then died
        row = session.get(InboundMessage, inbound_id)
        row.received_at = utcnow() - timedelta(minutes=5)
        session.add(row)
        session.commit()

    async def run():
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(services, stop=stop, retry_every=0.05))
        await wait_for_async(lambda: all_delivered(services.db), "the replies delivered")
        stop.set()
        await worker

    asyncio.run(run())
    with Session(services.db) as session:
        assert session.get(InboundMessage, inbound_id).status == "processed"
        statuses = {r.status for r in session.exec(select(OutboundMessage))}
    assert statuses == {"delivered"}


def all_delivered(db) -> bool:
    with Session(db) as session:
        rows = session.exec(select(OutboundMessage)).all()
    return bool(rows) and all(r.status == "delivered" for r in rows)


class Hanging:
    """A provider that never answers (a stuck connection); `sending` once it is asked."""

    provider = "simulator"

    def __init__(self):
        self.sending = asyncio.Event()

    async def send(self, message) -> SendResult:
        self.sending.set()
        await asyncio.Event().wait()

    async def close(self) -> None:
        pass


def test_stopping_mid_send_releases_the_rows(services):
    services.inbox.receive(InboundItem(provider="simulator", channel="sms",
                                       address="+85512345678", provider_key="k", text="hi"))
    hanging = Hanging()
    dispatcher = Dispatcher(services.db, {"simulator": hanging})

    async def run():
        task = asyncio.create_task(dispatcher.run_once())
        await asyncio.wait_for(hanging.sending.wait(), timeout=15)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    asyncio.run(run())
    with Session(services.db) as session:
        rows = session.exec(select(OutboundMessage)).all()
    assert rows and {(r.status, r.claimed_by, r.attempts) for r in rows} == {("queued", None, 0)}


def due_followup(db, address: str = "+85512345678") -> int:
    """A member on the simulator with a follow-up due a second ago; the job's id."""
    with Session(db) as session:
        member = Member(onboarded_at=utcnow())
        session.add(member)
        session.flush()
        session.add(Identity(member_id=member.id, provider="simulator", channel="sms",
                             address=address))
        job = Job(kind="followup", member_id=member.id, ref_id=1,
                  due_at=utcnow() - timedelta(seconds=1))
        session.add(job)
        session.commit()
        return job.id


@pytest.fixture
def followups(monkeypatch) -> list[int]:
    """The ids of the follow-up jobs handled; each says "welcome back"."""
    handled: list[int] = []

    def handler(session, job, now):
        handled.append(job.id)
        return [Notice(job.member_id, (Reply("expired"),))]

    monkeypatch.setitem(jobs.HANDLERS, "followup", handler)
    return handled


def delivered_and_done(db, job_id: int) -> bool:
    with Session(db) as session:
        rows = session.exec(select(OutboundMessage)).all()
        return (session.get(Job, job_id).status == "done" and bool(rows)
                and all(r.status == "delivered" for r in rows))


def test_the_worker_runs_the_scheduler_and_stops_cleanly(services, followups):
    job_id, later = due_followup(services.db), []

    async def run():
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(services, stop=stop, retry_every=0.05,
                                                tick_every=0.05))
        await wait_for_async(lambda: delivered_and_done(services.db, job_id), "the follow-up")
        # Another follow-up falls due: once it is handled, the scheduler has ticked
        # again after the first was done, and must not have handled that one twice.
        later.append(due_followup(services.db, "+85512345679"))
        await wait_for_async(lambda: delivered_and_done(services.db, later[0]), "the next")
        stop.set()
        await asyncio.wait_for(worker, timeout=10)
        return worker

    assert asyncio.run(run()).exception() is None  # and both were delivered (waited for)
    assert followups == [job_id, *later]


@pytest.mark.parametrize("run_dispatcher", [True, False])
def test_serve_keeps_the_schedule_when_it_runs_the_dispatcher(services, followups,
                                                              run_dispatcher):
    settings = services.settings.model_copy(update={"run_dispatcher": run_dispatcher,
                                                    "scheduler_every_seconds": 0.05})
    services.settings = settings
    job_id = due_followup(services.db)
    with TestClient(create_app(settings, services)):
        if run_dispatcher:
            wait_for(lambda: delivered_and_done(services.db, job_id), "serve's follow-up")
        else:  # ten of its scheduler's periods: long enough to see it never ticks
            never(lambda: delivered_and_done(services.db, job_id), "a follow-up sent", 0.5)
    assert delivered_and_done(services.db, job_id) is run_dispatcher
    assert followups == ([job_id] if run_dispatcher else [])


def stored_unprocessed(services) -> int:
    """An inbound row a web process stored and never processed (it died first)."""
    inbound_id, _ = services.inbox.store(InboundItem(
        provider="simulator", channel="sms", address="+85512345678", provider_key="k",
        text="hi"))
    with Session(services.db) as session:
        row = session.get(InboundMessage, inbound_id)
        row.received_at = utcnow() - timedelta(minutes=5)
        session.add(row)
        session.commit()
    return inbound_id


def processed(db, inbound_id: int) -> bool:
    with Session(db) as session:
        return session.get(InboundMessage, inbound_id).status == "processed"


def test_serve_with_its_processors_takes_unprocessed_messages(services):
    settings = services.settings.model_copy(update={"run_processor": True,
                                                    "inbound_retry_seconds": 0.05})
    services.settings = settings
    inbound_id = stored_unprocessed(services)
    with TestClient(create_app(settings, services)):
        wait_for(lambda: processed(services.db, inbound_id), "the message processed")


def test_the_worker_keeps_retrying_through_a_database_error(services, caplog):
    caplog.set_level(logging.DEBUG, logger="bot.processing")
    # One processor: two would each be part-way through a pass when the table returns.
    services.settings = services.settings.model_copy(update={"processors": 1})
    failures = lambda: [r for r in caplog.records if r.getMessage() == "inbound processing failed"]  # noqa: E731

    async def run():
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(services, stop=stop, retry_every=0.02,
                                                tick_every=3600))
        with services.db.begin() as conn:  # the table is away: every pass fails
            conn.execute(text("ALTER TABLE inboundmessage RENAME TO inbound_away"))
        await wait_for_async(lambda: len(failures()) >= 3, "three failed passes")
        with services.db.begin() as conn:
            conn.execute(text("ALTER TABLE inbound_away RENAME TO inboundmessage"))
        inbound_id = await asyncio.to_thread(stored_unprocessed, services)
        await wait_for_async(lambda: processed(services.db, inbound_id),
                             "the message processed after the error")
        assert not worker.done()
        stop.set()
        await worker

    asyncio.run(run())
    said = [r.getMessage().split(";")[0] for r in caplog.records if r.levelno >= logging.WARNING
            and r.name == "bot.processing"]
    assert len(said) == 2 and said[0].startswith("inbound processing failing (")  # once
    assert said[1].startswith("inbound processing recovered after ")


def stored_and_queued(services) -> tuple[int, int]:
    """A stored message waiting for its turn, and a reply (to someone else) waiting to
    be sent."""
    services.inbox.receive(InboundItem(provider="simulator", channel="sms",
                                       address="+85512000001", provider_key="sent", text="hi"))
    inbound_id, _ = services.inbox.store(InboundItem(
        provider="simulator", channel="sms", address="+85512000002", provider_key="waits",
        text="hi"))
    with Session(services.db) as session:
        reply = session.exec(select(OutboundMessage.id)).first()
    return inbound_id, reply


def sent(db, outbound_id: int) -> bool:
    with Session(db) as session:
        return session.get(OutboundMessage, outbound_id).status == "delivered"


@pytest.mark.parametrize("only, does, does_not", [
    ("process", lambda db, inbound, _: processed(db, inbound),
     lambda db, _, reply: sent(db, reply)),
    ("send", lambda db, _, reply: sent(db, reply),
     lambda db, inbound, _: processed(db, inbound)),
])
def test_the_worker_runs_only_the_kind_asked(services, only, does, does_not):
    inbound_id, reply = stored_and_queued(services)

    async def run():
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(services, stop=stop, only=only,
                                                tick_every=3600))
        await wait_for_async(lambda: does(services.db, inbound_id, reply), f"--only {only}")
        await asyncio.to_thread(never, lambda: does_not(services.db, inbound_id, reply),
                                "the other kind of work done", 0.5)
        stop.set()
        await worker

    asyncio.run(run())
