"""What a crash can double: each result is written while the batch goes on (never more
unwritten than sends in flight); a silent worker's rows are taken over after
`dead_after`, a beating worker's never; a worker taken for dead sends no more of its
claim. (Real processes killed and a real database stopped: tests/peerlearn/
test_worker_crash.py.)"""

from __future__ import annotations

import asyncio

from sqlmodel import Session, func, select

from content.models import DispatchWorker, OutboundMessage
from services.delivery.dispatcher import Dispatcher
from services.delivery.recorder import Outcome
from services.delivery.senders import SendResult
from tests.services.test_dispatcher import make_rows, rows
from tests.support.waiting import wait_for

QUICK = dict(heartbeat_every=0.1, dead_after=0.5)  # each beat by hand, every 0.05 s


class Watching:
    """A provider that notes, as each send arrives, how many sends it has answered and
    how many results the outbox holds (a fake provider, not our code)."""

    provider = "simulator"

    def __init__(self, db):
        self.db, self.answered, self.seen = db, 0, []

    async def send(self, message):
        answered = self.answered  # before the count: results are only ever added
        self.seen.append((answered, await asyncio.to_thread(self._written)))
        await asyncio.sleep(0.001)
        self.answered += 1
        return SendResult(f"p{message.id}")

    def _written(self) -> int:
        with Session(self.db) as session:
            return session.exec(select(func.count()).select_from(OutboundMessage)
                                .where(OutboundMessage.status == "sent")).one()

    async def close(self):
        pass


def test_results_are_written_while_the_batch_goes_on(services):
    make_rows(services.db, 40, address="+85512000001")  # one recipient: in order
    for i in range(40):  # one row per recipient: all may go in parallel
        make_rows(services.db, 1, address=f"+8551200{i:04d}")
    sender = Watching(services.db)
    asyncio.run(Dispatcher(services.db, {"simulator": sender}, concurrency=4).run_once())
    unwritten = [answered - written for answered, written in sender.seen]
    assert len(sender.seen) == 80 and max(unwritten) <= 4  # the concurrency


def test_a_silent_workers_rows_are_queued_again_a_beating_workers_never(services):
    make_rows(services.db, 6)
    beating, silent = (Dispatcher(services.db, {"simulator": None}, worker=name, batch=3,
                                  **QUICK) for name in ("beating", "silent"))
    for worker in (beating, silent):
        worker.heart.beat()
        worker.claim()  # ...and then `silent` goes silent
    watcher = Dispatcher(services.db, {}, worker="watcher", **QUICK)

    def by_status() -> dict[str, set]:
        found: dict[str, set] = {}
        for row in rows(services.db).values():
            found.setdefault(row.status, set()).add((row.claimed_by or ":").split(":")[0])
        return found

    def watched() -> bool:
        beating.heart.beat()
        watcher.heart.beat()
        return "queued" in by_status()

    wait_for(watched, "the silent worker's rows queued again")
    assert by_status() == {"sending": {"beating"}, "queued": {""}}
    with Session(services.db) as session:
        workers = set(session.exec(select(DispatchWorker.name)))
    assert workers == {"beating", "watcher"}


def test_a_worker_taken_for_dead_sends_nothing_more_of_its_claim(services):
    (row_id,), _ = make_rows(services.db, 1)
    taken = Dispatcher(services.db, {"simulator": None}, worker="taken", **QUICK)
    taken.heart.beat()
    (row,) = taken.claim()
    watcher = Dispatcher(services.db, {}, worker="watcher", **QUICK)
    wait_for(lambda: watcher.heart.beat() or rows(services.db)[row_id].status == "queued",
             "the row taken over")
    taken.heart.beat()  # back: it learns it was taken for dead

    async def after():
        may_send = await taken.heart.ready(row.claimed_by)
        sent = Outcome(row, row.claimed_by, {"status": "sent", "provider_id": "late"})
        return may_send, await taken.recorder.record(sent)

    assert asyncio.run(after()) == (False, None)
    assert taken.heart.name != "taken"
    # Nobody had claimed it again: what the late worker did send is kept, and not resent.
    assert (rows(services.db)[row_id].status, rows(services.db)[row_id].provider_id) == (
        "sent", "late")
