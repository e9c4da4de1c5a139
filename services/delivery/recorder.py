"""Writes what became of each outbox row as soon as it is known, a few rows a statement.

A send's result waits here only until the write in progress ends: every flush writes
whatever is ready, in one transaction (one executemany UPDATE). The dispatcher holds a
send's slot until its result is written (`record` returns then), so sends in flight and
results not yet written are never more than its concurrency together.

A flush that fails (the database stopped) is retried with back-off until it succeeds:
the results stay in memory, nothing of them is lost or sent again (see heartbeat.py for
why no other worker takes the rows meanwhile). A write that could never succeed would
stop this worker's sends rather than risk sending twice, so the values are fitted to
their columns first (no NUL, no text longer than the column). A result
is written only while the row is still this claim's, or was put back in the queue unsent
by a watcher: then the row records the send and is not sent again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, or_, update
from sqlalchemy.engine import Engine as Database

from content.models import Identity, OutboundMessage, utcnow
from services.backoff import Backoff

log = logging.getLogger(__name__)
OUTBOX = OutboundMessage.__table__
RECORDED = ("status", "attempts", "provider_id", "sent_at", "billed_segments", "error_code",
            "error", "next_attempt_at")
FITTED = {"status": 16, "provider_id": 128, "error_code": 32, "error": 4000}


@dataclass
class Outcome:
    """What became of one claimed row: the columns to write, and whether the provider
    said the recipient opted out."""

    row: OutboundMessage
    token: str  # the claim the row was taken under
    values: dict
    opt_out: bool = False

    def params(self) -> dict:
        values = {name: getattr(self.row, name) for name in RECORDED} | self.values
        for name, size in FITTED.items():  # what no column refuses: a write must not fail
            if isinstance(values[name], str):
                values[name] = values[name].replace("\x00", "")[:size]
        return {"_id": self.row.id, "_token": self.token, **values}


@dataclass
class Recorder:
    """Queues outcomes and flushes them in the background, retrying until written."""

    db: Database
    first_retry: float = 0.2
    max_retry: float = 2.0
    _pending: list[tuple[Outcome | str, asyncio.Future]] = field(default_factory=list)
    _task: asyncio.Task | None = None

    async def record(self, outcome: Outcome) -> None:
        """Returns once the outcome is written (cancelling the wait does not unqueue it)."""
        await self._queue(outcome)

    async def release(self, token: str) -> None:
        """Puts the rows of a claim that got no outcome back in the queue, unsent."""
        await self._queue(token)

    async def drain(self) -> None:
        """Returns once everything queued is written."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def _queue(self, item: Outcome | str) -> None:
        future = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush())
        await asyncio.shield(future)

    async def _flush(self) -> None:
        trouble = Backoff("recording send results", log, first=self.first_retry,
                          cap=self.max_retry)
        while self._pending:
            taken = list(self._pending)
            try:
                await asyncio.to_thread(self._write, [item for item, _ in taken])
            except Exception as exc:  # kept in memory; the write is tried again
                await asyncio.sleep(trouble.failed(exc))
                continue
            trouble.succeeded()
            del self._pending[:len(taken)]
            for _, future in taken:
                if not future.done():
                    future.set_result(None)

    def _write(self, items: list[Outcome | str]) -> None:
        """One transaction: the outcomes, then the releases, then the opt-outs."""
        outcomes = [item for item in items if isinstance(item, Outcome)]
        releases = [item for item in items if isinstance(item, str)]
        now = utcnow()
        with self.db.begin() as connection:
            if outcomes:
                connection.execute(_record_statement(now), [o.params() for o in outcomes])
            for token in releases:
                connection.execute(update(OUTBOX).where(
                    OUTBOX.c.claimed_by == token, OUTBOX.c.status == "sending")
                    .values(status="queued", claimed_by=None, updated_at=now,
                            attempts=OUTBOX.c.attempts - 1))
            opt_outs = {o.row.identity_id for o in outcomes if o.opt_out}
            if opt_outs:
                identities = Identity.__table__
                connection.execute(update(identities)
                                   .where(identities.c.id.in_(opt_outs))
                                   .values(opted_out=True, opted_out_at=now))


def _record_statement(now):
    mine = OUTBOX.c.claimed_by == bindparam("_token")
    put_back = and_(OUTBOX.c.claimed_by.is_(None), OUTBOX.c.status == "queued")
    return (update(OUTBOX).where(OUTBOX.c.id == bindparam("_id"), or_(mine, put_back))
            .values(claimed_by=None, updated_at=now,
                    **{name: bindparam(name) for name in RECORDED}))
