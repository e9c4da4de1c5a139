"""The worker role: delivers, retries stored inbound messages, runs the scheduler,
stops gracefully; `serve` with its dispatcher keeps the schedule too."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot import jobs
from bot.inbox import InboundItem
from bot.replies import Notice, Reply
from content.models import Identity, InboundMessage, Job, Member, OutboundMessage, utcnow
from peerlearn.app import create_app
from peerlearn.worker import run_worker
from services.delivery.dispatcher import Dispatcher
from services.delivery.senders import SendResult


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
        for _ in range(100):
            await asyncio.sleep(0.05)
            with Session(services.db) as session:
                rows = session.exec(select(OutboundMessage)).all()
            if rows and all(r.status == "delivered" for r in rows):
                break
        stop.set()
        await worker

    asyncio.run(run())
    with Session(services.db) as session:
        assert session.get(InboundMessage, inbound_id).status == "processed"
        statuses = {r.status for r in session.exec(select(OutboundMessage))}
    assert statuses == {"delivered"}


class Hanging:
    """A provider that never answers (a stuck connection)."""

    provider = "simulator"

    async def send(self, message) -> SendResult:
        await asyncio.Event().wait()

    async def close(self) -> None:
        pass


def test_stopping_mid_send_releases_the_rows(services):
    services.inbox.receive(InboundItem(provider="simulator", channel="sms",
                                       address="+85512345678", provider_key="k", text="hi"))
    dispatcher = Dispatcher(services.db, {"simulator": Hanging()})

    async def run():
        task = asyncio.create_task(dispatcher.run_once())
        await asyncio.sleep(0.3)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    asyncio.run(run())
    with Session(services.db) as session:
        rows = session.exec(select(OutboundMessage)).all()
    assert rows and {(r.status, r.claimed_by, r.attempts) for r in rows} == {("queued", None, 0)}


def due_followup(db) -> int:
    """A member on the simulator with a follow-up due a second ago; the job's id."""
    with Session(db) as session:
        member = Member(onboarded_at=utcnow())
        session.add(member)
        session.flush()
        session.add(Identity(member_id=member.id, provider="simulator", channel="sms",
                             address="+85512345678"))
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
    job_id = due_followup(services.db)

    async def run():
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(services, stop=stop, retry_every=0.05,
                                                tick_every=0.05))
        for _ in range(100):
            await asyncio.sleep(0.05)
            if delivered_and_done(services.db, job_id):
                break
        await asyncio.sleep(0.2)  # a few more ticks: nothing is handled twice
        stop.set()
        await asyncio.wait_for(worker, timeout=10)
        return worker

    assert asyncio.run(run()).exception() is None
    assert delivered_and_done(services.db, job_id) and followups == [job_id]


@pytest.mark.parametrize("run_dispatcher", [True, False])
def test_serve_keeps_the_schedule_when_it_runs_the_dispatcher(services, followups,
                                                              run_dispatcher):
    settings = services.settings.model_copy(update={"run_dispatcher": run_dispatcher,
                                                    "scheduler_every_seconds": 0.05})
    services.settings = settings
    job_id = due_followup(services.db)
    with TestClient(create_app(settings, services)):
        deadline = time.monotonic() + (5 if run_dispatcher else 0.5)
        while time.monotonic() < deadline and not delivered_and_done(services.db, job_id):
            time.sleep(0.05)
    assert delivered_and_done(services.db, job_id) is run_dispatcher
    assert followups == ([job_id] if run_dispatcher else [])
