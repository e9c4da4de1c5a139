"""The dispatcher's heartbeat: how a dead worker's outbox rows are taken over in seconds,
and why a live one's never are.

Every dispatcher keeps a `dispatchworker` row and counts its `beat` up every `every`
second (1); the outbox rows it claims carry its name (`claimed_by` = "name:batch").
Each beat also reads the other workers' counts. A worker whose count a watcher has seen
stand still for `dead_after` seconds (5) of the watcher's own clock is dead: the
watcher deletes its row, only if the count is still the one it saw, and puts its
`sending` rows back in the queue, in one transaction.

The count is compared, never a timestamp, so clocks need not agree. What keeps a live
worker's rows its own:
- A watcher starts watching afresh after any trouble of its own: a beat that failed,
  that took longer than `every`, or that came late. When the database stops (an
  outage), every worker loses it at once, so none can count the outage against another;
  when it returns, each must beat on time for `dead_after` seconds before it judges
  anyone, and a live worker beats within `every`.
- A worker sends only while its last successful beat began less than `dead_after / 2`
  ago (`ready`); a watcher cannot declare it dead until `dead_after` after that beat
  began. So no send starts after the moment its rows may be taken over.
- A worker that finds its row gone was taken for dead (cut off from the database alone,
  or stalled): it takes a new name and sends nothing more of its earlier claims, which
  another worker holds now.
What is in flight when a worker dies, or is cut off alone for longer than `dead_after`,
may go out twice: at most the dispatcher's concurrency (see dispatcher.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine as Database

from content.models import DispatchWorker, OutboundMessage, utcnow
from services.backoff import Backoff, pause

log = logging.getLogger(__name__)
WORKERS, OUTBOX = DispatchWorker.__table__, OutboundMessage.__table__


def new_name() -> str:
    """A worker name nobody else has (what `claimed_by` starts with)."""
    return uuid.uuid4().hex[:12]


@dataclass
class Heartbeat:
    """One dispatcher's row in `dispatchworker`, beaten while the dispatcher runs."""

    db: Database
    name: str = field(default_factory=new_name)
    every: float = 1.0
    dead_after: float = 5.0
    ok_at: float | None = None  # monotonic start of the last successful beat
    registered: bool = False
    seen: dict[str, tuple[int, float]] = field(default_factory=dict)  # name: (beat, since)
    _task: asyncio.Task | None = None
    _beaten: asyncio.Event | None = None

    def fresh(self) -> bool:
        """Whether this worker may start a send now (see the module docstring)."""
        return self.ok_at is not None and time.monotonic() - self.ok_at < self.dead_after / 2

    def owns(self, token: str) -> bool:
        """Whether a claim token (`claimed_by`) is still this worker's."""
        return token.startswith(f"{self.name}:")

    async def ready(self, token: str | None = None, *, patience: float | None = None) -> bool:
        """Waits until this worker may send (its heartbeat is fresh); False when the
        claim `token` was taken over, or after `patience` seconds without a fresh beat."""
        deadline = None if patience is None else time.monotonic() + patience
        while token is None or self.owns(token):
            if self.fresh():
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            if self._beaten is None:  # not beating: beat here
                await asyncio.to_thread(self.beat)
                continue
            self._beaten.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._beaten.wait(), timeout=self.every)
        return False

    @contextlib.asynccontextmanager
    async def alive(self) -> AsyncIterator[None]:
        """Beats in the background while the block runs (once, however nested); the row
        goes when it ends."""
        if self._task is not None:
            yield
            return
        stop, self._beaten = asyncio.Event(), asyncio.Event()
        self._task = asyncio.create_task(self._run(stop))
        try:
            yield
        finally:
            stop.set()
            await self._task
            self._task = self._beaten = None
            with contextlib.suppress(Exception):  # else a watcher deletes it, in seconds
                await asyncio.to_thread(self.unregister)

    async def _run(self, stop: asyncio.Event) -> None:
        trouble = Backoff("dispatcher heartbeat", log, first=self.every, cap=self.every)
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.beat)
                trouble.succeeded()
                self._beaten.set()
                wait = self.every
            except Exception as exc:
                self.seen.clear()
                wait = trouble.failed(exc)
            await pause(stop, wait)

    def beat(self) -> int:
        """Counts this worker's beat up (registering it if needed), then takes over the
        rows of workers seen dead; returns how many rows it put back in the queue."""
        start = time.monotonic()
        with self.db.begin() as conn:
            beaten = conn.execute(update(WORKERS).where(WORKERS.c.name == self.name)
                                  .values(beat=WORKERS.c.beat + 1, beat_at=utcnow())).rowcount
            if not beaten:
                if self.registered:
                    log.warning("this dispatcher was taken for dead; it goes on under a "
                                "new name, without its earlier claims")
                    self.name = new_name()
                now = utcnow()
                conn.execute(insert(WORKERS).values(name=self.name, beat=0, started_at=now,
                                                    beat_at=now))
            others = conn.execute(select(WORKERS.c.name, WORKERS.c.beat)
                                  .where(WORKERS.c.name != self.name)).all()
        end = time.monotonic()
        late = self.ok_at is not None and start - self.ok_at > 2 * self.every
        if end - start > self.every or late:  # our own trouble: judge nobody on it
            self.seen.clear()
        self.registered, self.ok_at = True, start
        return sum(self._take_over(name, count) for name, count in self._dead(others, start, end))

    def _dead(self, others, start: float, end: float) -> list[tuple[str, int]]:
        """Workers whose beat stood still for `dead_after` seconds of watching."""
        dead, seen = [], {}
        for name, count in others:
            before = self.seen.get(name)
            if before is None or before[0] != count:
                seen[name] = (count, end)
                continue
            seen[name] = before
            if start - before[1] >= self.dead_after:
                dead.append((name, count))
        self.seen = seen
        return dead

    def _take_over(self, name: str, count: int) -> int:
        with self.db.begin() as conn:
            gone = conn.execute(delete(WORKERS).where(WORKERS.c.name == name,
                                                      WORKERS.c.beat == count)).rowcount
            if not gone:  # it beat meanwhile
                return 0
            released = conn.execute(update(OUTBOX).where(
                OUTBOX.c.status == "sending", OUTBOX.c.claimed_by.like(f"{name}:%"))
                .values(status="queued", claimed_by=None, updated_at=utcnow())).rowcount
        self.seen.pop(name, None)
        log.warning("a dispatcher stopped beating for %.0f s: %d of its outbox rows are "
                    "queued again", self.dead_after, released)
        return released

    def unregister(self) -> None:
        """Removes this worker's row (it holds no rows any more)."""
        with self.db.begin() as conn:
            conn.execute(delete(WORKERS).where(WORKERS.c.name == self.name))
        self.registered = False
