"""The dispatcher: delivers, refuses opted-out identities, retries, never double-claims."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

from sqlmodel import Session, select

from content.models import Identity, OutboundMessage, utcnow
from content.models.messages import PRIORITY_BROADCAST
from services.delivery.dispatcher import Dispatcher
from services.delivery.outbox import queue
from services.delivery.parts import Part
from services.delivery.senders import Rejected, RetryLater, SendResult, SimulatorSender
from services.members import identify


class Scripted:
    """A provider that answers each send from a script (a fake provider, not our code)."""

    provider = "simulator"

    def __init__(self, *answers):
        self.answers, self.sent = list(answers), []

    async def send(self, message):
        self.sent.append(message.id)
        answer = self.answers.pop(0) if self.answers else SendResult(f"p{message.id}")
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def close(self):
        pass


def make_rows(db, n=1, *, address="+85512345678", purpose="reply", priority=0):
    with Session(db) as session:
        _member, identity = identify(session=session, provider="simulator", channel="sms",
                                     address=address)
        rows = queue(session=session, identity=identity, priority=priority, purpose=purpose,
                     parts=[Part(f"message {i}", segments=1, encoding="GSM-7")
                            for i in range(n)])
        session.commit()
        return rows, identity.id


def rows(db):
    with Session(db) as session:
        return {r.id: r for r in session.exec(select(OutboundMessage))}


def test_simulator_rows_are_delivered(services):
    ids, _ = make_rows(services.db, 3)
    handled = asyncio.run(Dispatcher(services.db, {"simulator": SimulatorSender()}).run_once())
    assert handled == 3
    stored = rows(services.db)
    assert all(stored[i].status == "delivered" and stored[i].provider_id for i in ids)
    assert all(stored[i].claimed_by is None and stored[i].attempts == 1 for i in ids)


def test_nothing_reaches_an_opted_out_identity_but_the_confirmation(services):
    ids, identity_id = make_rows(services.db, 2, priority=PRIORITY_BROADCAST)
    (confirmation,), _ = make_rows(services.db, 1, purpose="optout")
    with Session(services.db) as session:
        identity = session.get(Identity, identity_id)
        identity.opted_out = True
        session.add(identity)
        session.commit()
    sender = Scripted()
    asyncio.run(Dispatcher(services.db, {"simulator": sender}).run_once())
    stored = rows(services.db)
    assert [stored[i].status for i in ids] == ["suppressed", "suppressed"]
    assert stored[confirmation].status == "sent" and sender.sent == [confirmation]


def test_replies_go_before_broadcasts(services):
    broadcasts, _ = make_rows(services.db, 2, priority=PRIORITY_BROADCAST)
    replies, _ = make_rows(services.db, 2)
    sender = Scripted()
    dispatcher = Dispatcher(services.db, {"simulator": sender}, batch=2)
    asyncio.run(dispatcher.run_once())
    assert sender.sent == replies
    asyncio.run(dispatcher.run_once())
    assert sender.sent == replies + broadcasts


def test_retry_later_waits_at_least_the_delay_and_rejection_is_final(services):
    (retry, reject), identity_id = make_rows(services.db, 2)
    sender = Scripted(RetryLater(30, "429"), Rejected("21610", opt_out=True))
    asyncio.run(Dispatcher(services.db, {"simulator": sender}).run_once())
    stored = rows(services.db)
    assert stored[retry].status == "queued" and stored[retry].error_code == "429"
    assert stored[retry].next_attempt_at >= utcnow() + timedelta(seconds=29)
    assert stored[reject].status == "dead" and stored[reject].error_code == "21610"
    with Session(services.db) as session:
        assert session.get(Identity, identity_id).opted_out
    assert asyncio.run(Dispatcher(services.db, {"simulator": sender}).run_once()) == 0


def test_two_workers_never_claim_the_same_row(services):
    ids, _ = make_rows(services.db, 60)
    claimed, barrier = [], threading.Barrier(2)

    def work(name):
        dispatcher = Dispatcher(services.db, {"simulator": Scripted()}, worker=name, batch=40)
        barrier.wait()
        for _ in range(3):
            try:
                claimed.extend(r.id for r in dispatcher.claim())
            except Exception:  # SQLite may refuse a concurrent writer; try again
                continue

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(claimed) == len(set(claimed))
    assert set(claimed) == set(ids)


def test_a_row_claimed_by_a_crashed_worker_is_released_after_its_lease(services):
    (row_id,), _ = make_rows(services.db, 1)
    crashed = Dispatcher(services.db, {"simulator": Scripted()}, worker="crashed")
    assert [r.id for r in crashed.claim()] == [row_id]  # ...and then it dies
    survivor = Dispatcher(services.db, {"simulator": Scripted()}, lease=timedelta(minutes=2))
    assert survivor.claim() == []
    with Session(services.db) as session:
        row = session.get(OutboundMessage, row_id)
        row.claimed_at = utcnow() - timedelta(minutes=3)
        session.add(row)
        session.commit()
    assert [r.id for r in survivor.claim()] == [row_id]


class Counted(Dispatcher):
    """A dispatcher that notes how many rows each of its passes handled."""

    def __post_init__(self):
        super().__post_init__()
        self.passes: list[int] = []

    async def run_once(self) -> int:
        handled = await super().run_once()
        self.passes.append(handled)
        return handled


def test_a_woken_dispatcher_sends_at_once_instead_of_after_its_idle_wait(services):
    sender = Scripted()
    dispatcher = Counted(services.db, {"simulator": sender})

    async def scenario():
        stop = asyncio.Event()
        running = asyncio.create_task(dispatcher.run(stop, idle=600))
        while not dispatcher.passes:  # its first look found nothing: now it idles
            await asyncio.sleep(0.01)
        (row_id,), _ = await asyncio.to_thread(make_rows, services.db)
        dispatcher.wake()  # what the processors do after a turn queued replies
        try:
            await asyncio.wait_for(_sent(sender, row_id), timeout=60)
        finally:
            stop.set()
            await running
        return row_id

    row_id = asyncio.run(scenario())
    assert dispatcher.passes[0] == 0
    assert rows(services.db)[row_id].status == "sent"


async def _sent(sender: Scripted, row_id: int) -> None:
    while row_id not in sender.sent:
        await asyncio.sleep(0.01)
