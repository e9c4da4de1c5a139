"""Group commit: the webhooks' one writer of inbound rows.

Each webhook request hands its parsed items to `GroupCommit.store` and waits. One writer
task takes whatever requests are waiting (up to `cap` items, at least one request),
inserts them in one transaction in a worker thread (bot/inbox.py `store_many`), and only
after that transaction committed answers every request of the batch. While it commits,
the next requests gather for the next batch, so under load one commit (one fsync) serves
many requests, and with no load a request is committed alone at once. If the commit
fails, every request of the batch gets the error (the webhook answers 503) and none of
its rows is stored. After a commit that stored new rows, `on_commit` wakes this
process's processors.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.inbox import InboundItem, Inbox, Received

Waiting = tuple[list[InboundItem], asyncio.Future]


@dataclass
class GroupCommit:
    """Stores the items of concurrent requests in shared transactions."""

    inbox: Inbox
    on_commit: Callable[[], None] = lambda: None
    cap: int = 200  # items a transaction (a SQL statement's parameters stay few)
    _waiting: deque[Waiting] = field(default_factory=deque, init=False, repr=False)
    _writer: asyncio.Task | None = field(default=None, init=False, repr=False)

    async def store(self, items: list[InboundItem]) -> list[Received]:
        """Each item's row (a duplicate finds the stored one) once it is committed;
        raises what the database raised if it could not be."""
        if not items:
            return []
        loop = asyncio.get_running_loop()
        answer = loop.create_future()
        self._waiting.append((items, answer))
        if self._writer is None or self._writer.done() or self._writer.get_loop() is not loop:
            self._writer = loop.create_task(self._write())
        return await answer

    async def _write(self) -> None:
        """Commits batches until nobody waits."""
        while self._waiting:
            batch = self._take()
            items = [item for request, _ in batch for item in request]
            try:
                stored = await asyncio.to_thread(self.inbox.store_many, items)
            except Exception as exc:  # each request logs it and answers 503
                for _, answer in batch:
                    if not answer.done():
                        answer.set_exception(exc)
                continue
            self._answer(batch, stored)
            if any(created for _, created in stored):
                self.on_commit()

    def _take(self) -> list[Waiting]:
        """The waiting requests, oldest first, up to `cap` items (at least one)."""
        batch, size = [self._waiting.popleft()], 0
        size = len(batch[0][0])
        while self._waiting and size + len(self._waiting[0][0]) <= self.cap:
            size += len(self._waiting[0][0])
            batch.append(self._waiting.popleft())
        return batch

    @staticmethod
    def _answer(batch: list[Waiting], stored: list[tuple[int, bool]]) -> None:
        start = 0
        for request, answer in batch:
            mine = stored[start:start + len(request)]
            start += len(request)
            if not answer.done():  # the client may have gone
                answer.set_result([Received(inbound_id, not created, [])
                                   for inbound_id, created in mine])
