"""The worker role: delivers, retries stored inbound messages, stops gracefully."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import Session, select

from bot.inbox import InboundItem
from content.models import InboundMessage, OutboundMessage, utcnow
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
