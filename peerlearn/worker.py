"""The worker role: processors (stored inbound messages -> turns, failed ones retried),
the outbox dispatcher (senders) and the scheduler (follow-ups, escalations, weekly
stories, relay expiry); `only` runs one kind. `serve` runs the same loops in the web
process unless RUN_PROCESSOR / RUN_DISPATCHER say otherwise (peerlearn/app.py). Each keeps
going through database trouble, with back-off and one log line per kind of failure
(services/backoff.py)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.processing import Processors
from bot.scheduler import Scheduler
from peerlearn.wiring import Services

log = logging.getLogger(__name__)
KINDS = ("process", "send", "schedule")


def make_scheduler(services: Services) -> Scheduler:
    """A scheduler timed by the settings; one per process (workers and `serve`)."""
    settings = services.settings
    return Scheduler(services.db, services.catalog,
                     followup_after=timedelta(days=settings.followup_after_days),
                     escalate_after=timedelta(hours=settings.escalate_after_hours),
                     scan_every=timedelta(minutes=settings.scan_every_minutes))


def make_processors(services: Services, retry_every: float | None = None) -> Processors:
    """This process's processors, sized and timed by the settings."""
    settings = services.settings
    return Processors(services.inbox, size=settings.processors,
                      poll=settings.process_poll_seconds,
                      retry_every=retry_every or settings.inbound_retry_seconds)


async def run_worker(services: Services, *, share: float | None = None, signals=(),
                     stop: asyncio.Event | None = None, retry_every: float | None = None,
                     tick_every: float | None = None, only: str | None = None) -> None:
    """Runs until a signal arrives or `stop` is set; the work in hand is finished first.
    `only` is one of KINDS (all of them by default); `tick_every` (seconds between
    scheduler ticks) and `retry_every` (between passes over failed inbound messages)
    default to the settings'."""
    if only is not None and only not in KINDS:
        raise ValueError(f"no such kind of work: {only} (one of {', '.join(KINDS)})")
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    await services.start()
    every = services.settings.scheduler_every_seconds if tick_every is None else tick_every
    processors = make_processors(services, retry_every)
    dispatcher = services.dispatcher(share) if only in (None, "send") else None
    if only is None:  # replies queued here are sent without a poll's wait
        processors.on_turns = dispatcher.wake
    loops = {"process": lambda: processors.run(stop),
             "send": lambda: dispatcher.run(stop),
             "schedule": lambda: make_scheduler(services).run(stop, every)}
    tasks = [asyncio.create_task(start()) for kind, start in loops.items()
             if only in (None, kind)]
    try:
        await stop.wait()
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await services.aclose()
