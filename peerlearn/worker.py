"""The worker role: the outbox dispatcher, retries of unprocessed inbound messages, and
the scheduler (follow-ups, escalations, weekly stories, relay expiry). `serve` with its
dispatcher runs the same loops (peerlearn/app.py). Each keeps going through database
trouble, with back-off and one log line per kind of failure (services/backoff.py)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.retry import retry_inbound
from bot.scheduler import Scheduler
from peerlearn.wiring import Services
from services.backoff import Backoff, pause

log = logging.getLogger(__name__)


def make_scheduler(services: Services) -> Scheduler:
    """A scheduler timed by the settings; one per process (workers and `serve`)."""
    settings = services.settings
    return Scheduler(services.db, services.catalog,
                     followup_after=timedelta(days=settings.followup_after_days),
                     escalate_after=timedelta(hours=settings.escalate_after_hours),
                     scan_every=timedelta(minutes=settings.scan_every_minutes))


async def run_worker(services: Services, *, share: float = 1.0, signals=(),
                     stop: asyncio.Event | None = None, retry_every: float | None = None,
                     tick_every: float | None = None) -> None:
    """Runs until a signal arrives or `stop` is set; the batch in hand is finished first.
    `tick_every` (seconds between scheduler ticks) and `retry_every` (between passes over
    failed inbound messages) default to the settings'."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    await services.start()
    every = services.settings.scheduler_every_seconds if tick_every is None else tick_every
    tasks = [asyncio.create_task(services.dispatcher(share).run(stop)),
             asyncio.create_task(make_scheduler(services).run(stop, every))]
    try:
        await retry_loop(services, stop, retry_every or services.settings.inbound_retry_seconds)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await services.aclose()


async def retry_loop(services: Services, stop: asyncio.Event, every: float) -> None:
    """Processes stored inbound messages that failed or were never processed, every
    `every` seconds, until `stop` is set; a failing pass is retried with back-off."""
    trouble = Backoff("inbound retries", log, first=every, cap=max(every, 60.0))
    while not stop.is_set():
        try:
            await asyncio.to_thread(retry_inbound, services.inbox)
            trouble.succeeded()
            wait = every
        except Exception as exc:  # the database is away: try again later
            wait = trouble.failed(exc)
        await pause(stop, wait)
