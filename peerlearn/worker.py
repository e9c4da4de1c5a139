"""The worker role: the outbox dispatcher plus retries of unprocessed inbound messages."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.retry import retry_inbound
from peerlearn.wiring import Services

log = logging.getLogger(__name__)


async def run_worker(services: Services, *, share: float = 1.0, signals=(),
                     stop: asyncio.Event | None = None, retry_every: float = 10.0) -> None:
    """Runs until a signal arrives or `stop` is set; the batch in hand is finished first."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    await services.start()
    dispatcher = asyncio.create_task(services.dispatcher(share).run(stop))
    try:
        while not stop.is_set():
            await asyncio.to_thread(retry_inbound, services.inbox)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=retry_every)
    finally:
        stop.set()
        await dispatcher
        await services.aclose()
