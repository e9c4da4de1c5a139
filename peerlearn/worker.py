"""The worker role: the outbox dispatcher, retries of unprocessed inbound messages, and
the scheduler (follow-ups, escalations, weekly stories, relay expiry)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from bot.retry import retry_inbound
from bot.scheduler import Scheduler
from peerlearn.wiring import Services

log = logging.getLogger(__name__)


def make_scheduler(services: Services) -> Scheduler:
    """A scheduler timed by the settings; one per process (workers and `serve`)."""
    settings = services.settings
    return Scheduler(services.db, services.catalog,
                     followup_after=timedelta(days=settings.followup_after_days),
                     escalate_after=timedelta(hours=settings.escalate_after_hours),
                     scan_every=timedelta(minutes=settings.scan_every_minutes))


async def run_worker(services: Services, *, share: float = 1.0, signals=(),
                     stop: asyncio.Event | None = None, retry_every: float = 10.0,
                     tick_every: float | None = None) -> None:
    """Runs until a signal arrives or `stop` is set; the batch in hand is finished first.
    `tick_every` (seconds between scheduler ticks) defaults to the settings'."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    await services.start()
    every = services.settings.scheduler_every_seconds if tick_every is None else tick_every
    tasks = [asyncio.create_task(services.dispatcher(share).run(stop)),
             asyncio.create_task(make_scheduler(services).run(stop, every))]
    try:
        while not stop.is_set():
            await asyncio.to_thread(retry_inbound, services.inbox)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=retry_every)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await services.aclose()
