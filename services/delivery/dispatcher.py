"""The outbox dispatcher: claims due rows, checks opt-out and rates, sends, records.

Claiming writes a fresh claim token into the rows (with `FOR UPDATE SKIP LOCKED` on
PostgreSQL), so two workers never hold the same row; a row whose worker died is
released when its lease runs out. Replies (priority 0) go before broadcasts (1).
Rows for one recipient are sent in order, recipients in parallel; a recipient over
its rate is put back with a later due time instead of holding up the batch.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine as Database
from sqlmodel import Session, select

from content.db import is_sqlite, session_scope
from content.models import Identity, OutboundMessage, utcnow
from services.delivery.outbox import ALLOWED_WHEN_OPTED_OUT
from services.delivery.ratelimit import Limiter
from services.delivery.senders import Rejected, RetryLater, Sender

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
RECORDED = ("status", "attempts", "provider_id", "sent_at", "billed_segments", "error_code",
            "error", "next_attempt_at")


@dataclass
class Dispatcher:
    """Delivers outbox rows through the senders, by provider."""

    db: Database
    senders: dict[str, Sender]
    limiter: Limiter = field(default_factory=lambda: Limiter({}))
    worker: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    batch: int = 200
    lease: timedelta = timedelta(minutes=2)
    concurrency: int = 32  # requests in flight; more only queues inside the HTTP client

    def claim(self) -> list[OutboundMessage]:
        """Takes up to `batch` due rows for this worker."""
        token, now = f"{self.worker}:{uuid.uuid4().hex[:8]}", utcnow()
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
        rows = await asyncio.to_thread(self.claim)
        if not rows:
            return 0
        self._slots = asyncio.Semaphore(self.concurrency)
        outcomes: dict[int, dict] = {}
        blocked = await asyncio.to_thread(self._opted_out, rows)
        by_recipient: dict[int, list[OutboundMessage]] = defaultdict(list)
        for row in rows:
            if row.identity_id in blocked and row.purpose not in ALLOWED_WHEN_OPTED_OUT:
                outcomes[row.id] = {"status": "suppressed", "error_code": "opted-out"}
            else:
                by_recipient[row.identity_id].append(row)
        try:
            await asyncio.gather(*(self._send_in_order(group, outcomes)
                                   for group in by_recipient.values()))
        finally:  # cancelled or not, what was sent is recorded and the rest released
            await asyncio.to_thread(self._record, rows, outcomes)
        return len(rows)

    async def run(self, stop: asyncio.Event, idle: float = 0.2) -> None:
        """Keeps dispatching until `stop` is set; finishes the batch in hand first."""
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except Exception:
                log.exception("dispatcher batch failed")
                handled = 0
            if not handled:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=idle)
                except TimeoutError:
                    pass

    async def _send_in_order(self, group: list[OutboundMessage], outcomes: dict) -> None:
        for i, row in enumerate(group):
            wait = self.limiter.recipient(row.provider, row.address)
            if wait > 0:  # over the recipient's rate: this row and the rest come back later
                later = utcnow() + timedelta(seconds=wait)
                for waiting in group[i:]:
                    outcomes[waiting.id] = {"status": "queued", "next_attempt_at": later,
                                            "attempts": waiting.attempts - 1}
                return
            await self.limiter.overall(row.provider)
            outcomes[row.id] = await self._send(row)

    async def _send(self, row: OutboundMessage) -> dict:
        try:
            async with self._slots:
                result = await self.senders[row.provider].send(row)
        except RetryLater as exc:
            return self._retry(row, exc)
        except Rejected as exc:
            return {"status": "dead", "error_code": exc.code, "error": str(exc),
                    "_opt_out": exc.opt_out}
        except Exception as exc:  # an unknown failure is treated as worth retrying
            log.exception("send of outbox row %s failed", row.id)
            return self._retry(row, RetryLater(None, "error", str(exc)))
        return {"status": result.status, "provider_id": result.provider_id,
                "sent_at": utcnow(), "billed_segments": result.segments,
                "error_code": None, "error": None}

    def _retry(self, row: OutboundMessage, exc: RetryLater) -> dict:
        if row.attempts >= MAX_ATTEMPTS:
            return {"status": "dead", "error_code": exc.code, "error": str(exc)}
        backoff = exc.delay if exc.delay is not None else min(300.0, 2.0 ** row.attempts)
        delay = backoff + random.uniform(0, backoff * 0.25)  # jitter spreads retries
        return {"status": "queued", "error_code": exc.code, "error": str(exc),
                "next_attempt_at": utcnow() + timedelta(seconds=delay)}

    def _opted_out(self, rows: list[OutboundMessage]) -> set[int]:
        ids = {row.identity_id for row in rows}
        with Session(self.db) as session:
            return set(session.exec(select(Identity.id).where(
                Identity.id.in_(ids), Identity.opted_out)))

    def _record(self, rows: list[OutboundMessage], outcomes: dict[int, dict]) -> None:
        """Writes every row's outcome in one statement (executemany), one transaction."""
        now, params, opt_outs = utcnow(), [], set()
        for row in rows:
            values = {name: getattr(row, name) for name in RECORDED}
            values.update(outcomes.get(row.id) or {"status": "queued",
                                                   "attempts": row.attempts - 1})
            if values.pop("_opt_out", False):
                opt_outs.add(row.identity_id)
            params.append({"_id": row.id, **values})
        table = OutboundMessage.__table__
        statement = update(table).where(table.c.id == bindparam("_id")).values(
            claimed_by=None, updated_at=now, **{name: bindparam(name) for name in RECORDED})
        with self.db.begin() as connection:
            connection.execute(statement, params)
            if opt_outs:
                connection.execute(update(Identity.__table__)
                                   .where(Identity.__table__.c.id.in_(opt_outs))
                                   .values(opted_out=True, opted_out_at=now))

    def _release_expired(self, session: Session, now) -> None:
        session.exec(update(OutboundMessage)
                     .where(OutboundMessage.status == "sending",
                            OutboundMessage.claimed_at < now - self.lease)
                     .values(status="queued", claimed_by=None))
