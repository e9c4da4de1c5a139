"""The outbox dispatcher: claims due rows, checks opt-out, sends, records the outcome.

Claiming writes a fresh claim token into the rows (with `FOR UPDATE SKIP LOCKED` on
PostgreSQL), so two workers never hold the same row; a row whose worker died is
released when its lease runs out. Replies (priority 0) go before broadcasts (1).
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.engine import Engine as Database
from sqlmodel import Session, select

from content.db import is_sqlite, session_scope
from content.models import Identity, OutboundMessage, utcnow
from services.delivery.outbox import ALLOWED_WHEN_OPTED_OUT
from services.delivery.senders import Rejected, RetryLater, Sender, SendResult

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


@dataclass
class Dispatcher:
    """Delivers outbox rows through the senders, by provider."""

    db: Database
    senders: dict[str, Sender]
    worker: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    batch: int = 100
    lease: timedelta = timedelta(minutes=2)

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
        for row in rows:
            await self.deliver(row)
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

    async def deliver(self, row: OutboundMessage) -> None:
        """Sends one claimed row unless its identity opted out."""
        if await asyncio.to_thread(self._opted_out, row):
            await asyncio.to_thread(self._finish, row.id, status="suppressed",
                                    error_code="opted-out")
            return
        try:
            result: SendResult = await self.senders[row.provider].send(row)
        except RetryLater as exc:
            await asyncio.to_thread(self._retry, row, exc)
        except Rejected as exc:
            await asyncio.to_thread(self._reject, row, exc)
        except Exception as exc:  # an unknown failure is treated as worth retrying
            log.exception("send of outbox row %s failed", row.id)
            await asyncio.to_thread(self._retry, row, RetryLater(None, "error", str(exc)))
        else:
            await asyncio.to_thread(self._finish, row.id, status=result.status,
                                    provider_id=result.provider_id, sent_at=utcnow(),
                                    billed_segments=result.segments)

    def _opted_out(self, row: OutboundMessage) -> bool:
        if row.purpose in ALLOWED_WHEN_OPTED_OUT:
            return False
        with Session(self.db) as session:
            return bool(session.exec(select(Identity.opted_out)
                                     .where(Identity.id == row.identity_id)).first())

    def _finish(self, row_id: int, **values) -> None:
        with session_scope(self.db) as session:
            session.exec(update(OutboundMessage).where(OutboundMessage.id == row_id)
                         .values(claimed_by=None, updated_at=utcnow(), **values))

    def _retry(self, row: OutboundMessage, exc: RetryLater) -> None:
        if row.attempts >= MAX_ATTEMPTS:
            self._finish(row.id, status="dead", error_code=exc.code, error=str(exc))
            return
        backoff = exc.delay if exc.delay is not None else min(300.0, 2.0 ** row.attempts)
        delay = backoff + random.uniform(0, backoff * 0.25)  # jitter spreads retries
        self._finish(row.id, status="queued", error_code=exc.code, error=str(exc),
                     next_attempt_at=utcnow() + timedelta(seconds=delay))

    def _reject(self, row: OutboundMessage, exc: Rejected) -> None:
        with session_scope(self.db) as session:
            session.exec(update(OutboundMessage).where(OutboundMessage.id == row.id)
                         .values(status="dead", claimed_by=None, error_code=exc.code,
                                 error=str(exc), updated_at=utcnow()))
            if exc.opt_out:
                session.exec(update(Identity).where(Identity.id == row.identity_id)
                             .values(opted_out=True, opted_out_at=utcnow()))

    def _release_expired(self, session: Session, now) -> None:
        session.exec(update(OutboundMessage)
                     .where(OutboundMessage.status == "sending",
                            OutboundMessage.claimed_at < now - self.lease)
                     .values(status="queued", claimed_by=None))
