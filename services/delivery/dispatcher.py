"""The outbox dispatcher: claims due rows, checks opt-out and rates, sends, records.

Claiming writes a fresh claim token ("worker:batch") into the rows (with `FOR UPDATE
SKIP LOCKED` on PostgreSQL), so two workers never hold the same row. Replies (priority
0) go before broadcasts (1). Rows for one recipient are sent in order, recipients in
parallel; a recipient over its rate is put back with a later due time instead of holding
up the batch.

After `kill -9`, what goes out twice is at most what was in flight; after a database
outage, nothing:
- Each send's result is written as soon as it is known (recorder.py, a few a
  statement), and a send keeps its slot until then: sends in flight plus results not
  yet written never exceed `concurrency`. After `kill -9` the other claimed rows were
  never sent, so what goes out twice is at most what was in flight.
- A dead worker's rows are taken over by any live worker within seconds of its
  heartbeat stopping (heartbeat.py), not after the lease; the lease is left for rows of
  a claimer that never had a heartbeat (an older version of this code).
- When the database stops, the results in hand are kept and their write retried until
  it succeeds; the rows stay `sending` under this worker's claim, which no worker
  re-claims: not this one (it claims only `queued` rows), and not another, since this
  one's heartbeat resumes as soon as the database does, before any watcher may judge
  it (heartbeat.py). No send starts while this worker's heartbeat is stale. A claim
  whose answer was lost may have committed: its token is released (retried the same
  way), so no row stays held by a worker that never knew it held it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import exists, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine as Database
from sqlmodel import Session, select

from content.db import is_sqlite, session_scope
from content.models import DispatchWorker, Identity, OutboundMessage, utcnow
from services.backoff import Backoff, pause
from services.delivery.heartbeat import Heartbeat, new_name
from services.delivery.outbox import ALLOWED_WHEN_OPTED_OUT
from services.delivery.ratelimit import Limiter, Rates
from services.delivery.recorder import Outcome, Recorder
from services.delivery.senders import Rejected, RetryLater, Sender, Skipped
from services.delivery.window import OUTSIDE, closed

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
WORKERS = DispatchWorker.__table__


@dataclass
class Dispatcher:
    """Delivers outbox rows through the senders, by provider."""

    db: Database
    senders: dict[str, Sender]
    limiter: Rates = field(default_factory=lambda: Limiter({}))
    worker: str = field(default_factory=new_name)
    batch: int = 200
    lease: timedelta = timedelta(minutes=2)  # for claims of workers without a heartbeat
    concurrency: int = 32  # requests in flight; more only queues inside the HTTP client
    heartbeat_every: float = 1.0
    dead_after: float = 5.0

    def __post_init__(self) -> None:
        self.heart = Heartbeat(self.db, self.worker, self.heartbeat_every, self.dead_after)
        self.recorder = Recorder(self.db)
        self._woken = asyncio.Event()

    def claim(self, token: str | None = None) -> list[OutboundMessage]:
        """Takes up to `batch` due rows for this worker, under a new claim `token`."""
        token, now = token or self.new_token(), utcnow()
        with session_scope(self.db) as session:
            self._release_expired(session, now)
            due = (sa_select(OutboundMessage.id)
                   .where(OutboundMessage.status == "queued",
                          OutboundMessage.next_attempt_at <= now,
                          OutboundMessage.provider.in_(list(self.senders)))
                   .order_by(OutboundMessage.priority, OutboundMessage.id).limit(self.batch))
            if not is_sqlite(self.db):
                due = due.with_for_update(skip_locked=True)
            # Two statements, not UPDATE ... WHERE id IN (subquery LIMIT n): PostgreSQL
            # may run such a subquery more than once and claim more than n rows.
            ids = list(session.exec(due).scalars())
            if not ids:
                return []
            session.exec(update(OutboundMessage)
                         .where(OutboundMessage.id.in_(ids), OutboundMessage.status == "queued")
                         .values(status="sending", claimed_by=token, claimed_at=now,
                                 attempts=OutboundMessage.attempts + 1))
            return list(session.exec(select(OutboundMessage)
                                     .where(OutboundMessage.claimed_by == token,
                                            OutboundMessage.status == "sending")
                                     .order_by(OutboundMessage.priority, OutboundMessage.id)))

    async def run_once(self) -> int:
        """Claims and sends one batch; returns how many rows it handled."""
        async with self.heart.alive():
            if not await self.heart.ready(patience=self.heartbeat_every):
                return 0  # no heartbeat (the database is away): claim nothing
            token = self.new_token()
            try:
                rows = await asyncio.to_thread(self.claim, token)
            except Exception:  # it may have committed all the same, its answer lost
                await self.recorder.release(token)
                raise
            if rows:
                await self._deliver(rows, token)
            return len(rows)

    def new_token(self) -> str:
        """A claim token: this worker's name and a batch of its own."""
        return f"{self.heart.name}:{uuid.uuid4().hex[:8]}"

    def wake(self) -> None:
        """Rows were queued in this process: look now, not after `idle` (called in the
        event loop the dispatcher runs in)."""
        self._woken.set()

    async def run(self, stop: asyncio.Event, idle: float = 0.2) -> None:
        """Keeps dispatching until `stop` is set; finishes the batch in hand first."""
        trouble = Backoff("dispatching", log, first=idle, cap=5.0)
        async with self.heart.alive():
            while not stop.is_set():
                self._woken.clear()
                woken: asyncio.Event | None = self._woken
                try:
                    handled = await self.run_once()
                    if self.heart.fresh():  # else it only waited for the database
                        trouble.succeeded()
                    wait = 0 if handled else idle
                except Exception as exc:
                    wait, woken = trouble.failed(exc), None  # trouble: back off in full
                if wait:
                    await pause(stop, wait, woken)

    async def _deliver(self, rows: list[OutboundMessage], token: str) -> None:
        self._slots = asyncio.Semaphore(self.concurrency)
        try:
            blocked, late = await asyncio.to_thread(self._unsendable, rows)
            by_recipient: dict[int, list[OutboundMessage]] = defaultdict(list)
            suppressed = []
            for row in rows:
                if row.identity_id in blocked and row.purpose not in ALLOWED_WHEN_OPTED_OUT:
                    suppressed.append(Outcome(row, token, {"status": "suppressed",
                                                           "error_code": "opted-out"}))
                elif row.id in late:
                    suppressed.append(Outcome(row, token, skipped(Skipped(OUTSIDE))))
                else:
                    by_recipient[row.identity_id].append(row)
            await asyncio.gather(*map(self.recorder.record, suppressed),
                                 *(self._send_in_order(group, token)
                                   for group in by_recipient.values()))
        finally:  # cancelled or not, what was sent is recorded and the rest released
            await self.recorder.drain()
            await self.recorder.release(token)

    async def _send_in_order(self, group: list[OutboundMessage], token: str) -> None:
        for i, row in enumerate(group):
            wait = await self.limiter.recipient(row.provider, row.address)
            if wait > 0:  # over the recipient's rate: this row and the rest come back later
                later = utcnow() + timedelta(seconds=wait)
                await asyncio.gather(*(self.recorder.record(Outcome(
                    waiting, token, {"status": "queued", "next_attempt_at": later,
                                     "attempts": waiting.attempts - 1}))
                    for waiting in group[i:]))
                return
            await self.limiter.overall(row.provider)
            async with self._slots:  # held until the result is written
                if not await self.heart.ready(token):
                    return  # taken for dead: these rows are another worker's now
                values, opt_out = await self._send(row)
                await self.recorder.record(Outcome(row, token, values, opt_out))

    async def _send(self, row: OutboundMessage) -> tuple[dict, bool]:
        try:
            result = await self.senders[row.provider].send(row)
        except RetryLater as exc:
            return self._retry(row, exc), False
        except Rejected as exc:
            return {"status": "dead", "error_code": exc.code, "error": str(exc)}, exc.opt_out
        except Skipped as exc:
            return skipped(exc), False
        except Exception as exc:  # an unknown failure is treated as worth retrying
            log.exception("send of outbox row %s failed", row.id)
            return self._retry(row, RetryLater(None, "error", str(exc))), False
        return {"status": result.status, "provider_id": result.provider_id,
                "sent_at": utcnow(), "billed_segments": result.segments,
                "error_code": None, "error": None}, False

    def _retry(self, row: OutboundMessage, exc: RetryLater) -> dict:
        if row.attempts >= MAX_ATTEMPTS:
            return {"status": "dead", "error_code": exc.code, "error": str(exc)}
        backoff = exc.delay if exc.delay is not None else min(300.0, 2.0 ** row.attempts)
        delay = backoff + random.uniform(0, backoff * 0.25)  # jitter spreads retries
        return {"status": "queued", "error_code": exc.code, "error": str(exc),
                "next_attempt_at": utcnow() + timedelta(seconds=delay)}

    def _unsendable(self, rows: list[OutboundMessage]) -> tuple[set[int], set[int]]:
        """The opted-out identities among the rows', and the rows outside their window."""
        ids = {row.identity_id for row in rows}
        with Session(self.db) as session:
            return set(session.exec(select(Identity.id).where(
                Identity.id.in_(ids), Identity.opted_out))), closed(session, rows, utcnow())

    def _release_expired(self, session: Session, now) -> None:
        """Rows claimed longer than the lease ago by a claimer with no heartbeat row."""
        beating = exists().where(OutboundMessage.claimed_by.like(WORKERS.c.name.concat(":%")))
        session.exec(update(OutboundMessage)
                     .where(OutboundMessage.status == "sending",
                            OutboundMessage.claimed_at < now - self.lease, ~beating)
                     .values(status="queued", claimed_by=None))


def skipped(exc: Skipped) -> dict:
    """A row not sent by the channel's rules: no error, and never tried again."""
    return {"status": "skipped", "error_code": exc.code, "error": str(exc)}
