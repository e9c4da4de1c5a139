"""Long polling (`peerlearn telegram poll`): getUpdates in a loop, each update through the
webhook's own adapter (`read`) and the inbox, as if Telegram had posted it.

Updates are read as raw JSON, one at a time, so one that cannot be read never takes
the others with it. An update is confirmed (the next offset passes it) once it is
stored, or when it never can be: one the adapter refuses is skipped and logged by kind
only (no chat id, no text). What cannot be stored now (the database is away) is asked
for again, like anything after a network error, with exponential back-off. The
processors of the same process run the turns (woken by `stored`), as behind the webhook;
a processing failure stays on its row for their retries. Nothing here ends the loop but
`stop`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Bot
from telegram.error import TelegramError

from bot.inbox import Inbox
from services.backoff import Backoff, pause
from webhooks.channels.telegram import TelegramAdapter, raw_updates

log = logging.getLogger(__name__)
Pause = Callable[[asyncio.Event, float], Awaitable[None]]


@dataclass
class Poller:
    """Feeds one bot's updates to the inbox until stopped."""

    bot: Bot
    adapter: TelegramAdapter
    inbox: Inbox
    trouble: Backoff = field(default_factory=lambda: Backoff("telegram polling", log,
                                                             first=1.0, cap=60.0))
    pause: Pause = pause
    offset: int | None = None
    skipped: set[str] = field(default_factory=set)  # kinds of unreadable update logged
    stored: Callable[[], None] = lambda: None  # rows were stored: wake the processors

    async def run(self, stop: asyncio.Event, timeout: int) -> None:
        """Polls until `stop` is set."""
        while not stop.is_set():
            try:
                for update in await self._fetch(timeout):
                    await self._take(update)
                self.trouble.succeeded()
            except Exception as exc:  # network, Telegram or the database: ask again later
                await self.pause(stop, self.trouble.failed(exc))

    async def _fetch(self, timeout: int) -> list:
        updates = await raw_updates(self.bot, self.offset, timeout)
        if not isinstance(updates, list):
            raise TypeError("getUpdates answered no list")
        return updates

    async def _take(self, update) -> None:
        """Stores one update (raising if it cannot be stored now), then confirms it."""
        update_id = update.get("update_id") if isinstance(update, dict) else None
        try:
            items = self.adapter.read(update)
        except Exception as exc:  # Malformed, or a kind nobody foresaw: never storable
            self._skip(exc)
            items = []
        if items:
            await asyncio.to_thread(self.inbox.store_many, items)
            self.stored()
        if type(update_id) is int:
            self.offset = max(self.offset or 0, update_id + 1)
        query = update.get("callback_query") if isinstance(update, dict) else None
        if isinstance(query, dict) and query.get("id"):
            try:
                await self.bot.answer_callback_query(str(query["id"]))
            except TelegramError:  # the button stops spinning later on its own
                pass

    def _skip(self, exc: Exception) -> None:
        kind = type(exc).__name__
        if kind not in self.skipped:
            self.skipped.add(kind)
            log.warning("skipped a Telegram update that cannot be read (%s); further "
                        "ones of this kind are not logged", kind)
