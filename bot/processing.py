"""Processors: claim stored inbound rows and run the engine's turn on them, one address's
messages one at a time and in the order received, across any number of processes.

The webhook only stores (webhooks/group_commit.py); a processor finds the *heads*, the
oldest `received` row of each address (provider, channel, address: the member is only
known after processing), and runs `Inbox.process` on each. Why that keeps the rule:

- The claim (received|failed -> processing) is one UPDATE in the turn's own transaction,
  guarded by "no earlier row of this address is `received`" (bot/inbox.py,
  FIRST_WAITING). The `processing` status is never committed: the turn commits the row
  `processed`, or rolls back and leaves it as it was (a processor killed mid-turn, by
  `kill -9` too, loses its connection and the database rolls back). So a row is
  processed at most once, and nothing is lost.
- SQLite has one writer at a time, and the UPDATE takes the write lock before it reads
  (and this process's own lock before that), so a claim sees every committed turn and
  no turn runs beside another: row 2 of an address cannot be claimed while row 1 is
  still `received`, and row 1 is `processed` only when its turn committed.
- PostgreSQL runs turns side by side, and an uncommitted `processing` is invisible to
  other transactions. So before it claims, the turn takes a transaction-scoped advisory
  lock on a hash of the address (`pg_try_advisory_xact_lock`, skipped if another turn
  holds it) in a statement of its own: the claim's statement, which comes after, then
  sees every turn of the address that committed before the lock was granted (READ
  COMMITTED takes a snapshot per statement). One turn per address at a time; row 2 is
  claimed only when row 1 is no longer `received`, i.e. its turn committed. A hash
  collision only makes two addresses wait for each other.
- Order is the order of the ids, which is the order of arrival within one web process
  (its group commit inserts in arrival order). Two messages of one address stored at
  the same moment by two web processes have no order to keep.
- A row that failed is retried later (every INBOUND_RETRY_SECONDS, at most
  bot/retry.py's MAX_ATTEMPTS times) under the same lock and claim; it does not hold
  back the address's later messages, as it did not before processors either.

In one process, the webhook's commit wakes the processors at once (`wake`); rows stored
by other processes are found by polling every `poll` seconds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from bot.inbox import INBOUND, WAITING, Inbox
from bot.retry import retry_inbound
from content.db import is_sqlite
from services.backoff import Backoff, pause

log = logging.getLogger(__name__)
Address = tuple[str, str, str]


def heads(inbox: Inbox, limit: int = 50) -> list[tuple[int, Address]]:
    """The oldest `received` row of each address with one, oldest first (one pass over
    the partial index of the waiting rows)."""
    first = func.min(INBOUND.c.id)
    query = (select(first.label("id"), INBOUND.c.provider, INBOUND.c.channel,
                    INBOUND.c.address)
             .where(INBOUND.c.status == WAITING)
             .group_by(INBOUND.c.provider, INBOUND.c.channel, INBOUND.c.address)
             .order_by(first).limit(limit))
    with inbox.db.connect() as conn:
        return [(row.id, (row.provider, row.channel, row.address))
                for row in conn.execute(query)]


def process_heads(inbox: Inbox, found: list[tuple[int, Address]]) -> int:
    """Runs the turns of the rows given; returns how many it claimed (a row another
    processor has, or whose address is busy, is left to it). A failure stays on its
    row for the retries."""
    claimed = 0
    for inbound_id, address in found:
        try:
            claimed += inbox.take(inbound_id, address) is not None
        except Exception:  # recorded on the row by Inbox.take
            claimed += 1
    return claimed


def drain(inbox: Inbox) -> int:
    """Processes until no head is left that this process can claim; returns how many
    rows it claimed. (Rows another process is processing may still be waiting.)"""
    total = 0
    while claimed := process_heads(inbox, heads(inbox)):
        total += claimed
    return total


@dataclass
class Processors:
    """`size` processors in this process (one on SQLite, which runs one turn at a time
    anyway), woken by `wake` and by a poll; the first also retries failed rows."""

    inbox: Inbox
    size: int = 2
    poll: float = 1.0  # seconds between looks for rows other processes stored
    retry_every: float = 10.0  # seconds between passes over failed rows
    on_turns: Callable[[], None] | None = None  # called after a pass that ran turns
    _woken: asyncio.Event | None = field(default=None, init=False, repr=False)
    _trouble: Backoff | None = field(default=None, init=False, repr=False)

    def wake(self) -> None:
        """Rows were stored: look now (called in the event loop the processors run in)."""
        if self._woken is not None:
            self._woken.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Runs until `stop` is set; the turns in hand are finished first."""
        self._woken = asyncio.Event()
        # One back-off for the pool: an outage is logged once, not once a processor.
        self._trouble = Backoff("inbound processing", log, cap=60.0,
                                first=min(self.poll, self.retry_every))
        count = 1 if is_sqlite(self.inbox.db) else max(1, self.size)
        await asyncio.gather(*(self._loop(stop, index, count) for index in range(count)))

    async def _loop(self, stop: asyncio.Event, index: int, count: int) -> None:
        trouble = self._trouble
        loop = asyncio.get_running_loop()
        next_retry = loop.time() + self.retry_every
        while not stop.is_set():
            woken = self._woken
            woken.clear()
            try:
                done = await asyncio.to_thread(self._pass, index, count)
                if index == 0 and loop.time() >= next_retry:
                    next_retry = loop.time() + self.retry_every
                    await asyncio.to_thread(retry_inbound, self.inbox)
                trouble.succeeded()
            except Exception as exc:  # the database is away: try again later
                await pause(stop, trouble.failed(exc))
                continue
            if done and self.on_turns is not None:
                self.on_turns()  # replies were queued: the dispatcher need not wait to look
            if not done:
                await pause(stop, min(self.poll, max(next_retry - loop.time(), 0)), woken)

    def _pass(self, index: int, count: int) -> int:
        """One look at the heads; this processor takes every `count`th from `index`."""
        return process_heads(self.inbox, heads(self.inbox)[index::count])
