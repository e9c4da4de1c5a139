"""Back-off for loops that must keep going through failures (a database outage, a
network error), and one log line per kind of failure instead of one per occurrence.

A loop calls `failed(exc)` for each failure and waits the delay it returns
(exponential, with jitter, capped), and `succeeded()` once things work again. The first
failure of a kind (its exception type) is logged as a warning; repeats are not, until
the loop recovers, which is logged once too. The line names the exception type only:
a driver's message can quote SQL parameters (phone numbers, message text).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delays first, 2 × first, 4 × first ... up to `cap` seconds, plus up to 25 %."""

    what: str  # what keeps failing, for the log: "outbox writes", "telegram polling"
    log: logging.Logger
    first: float = 0.5
    cap: float = 30.0
    failures: int = 0
    kinds: set[str] = field(default_factory=set)

    def failed(self, exc: BaseException) -> float:
        """Counts a failure, logs it if its kind is new; returns the seconds to wait."""
        kind = type(exc).__name__
        if kind not in self.kinds:
            self.kinds.add(kind)
            self.log.warning("%s failing (%s); retrying with back-off, logged once until "
                             "it recovers", self.what, kind)
        self.log.debug("%s failed", self.what, exc_info=exc)
        delay = min(self.cap, self.first * 2 ** self.failures)
        self.failures += 1
        return delay + random.uniform(0, delay * 0.25)

    def succeeded(self) -> None:
        """Back to the first delay; says so once if there were failures."""
        if self.failures:
            self.log.warning("%s recovered after %d failures", self.what, self.failures)
        self.failures = 0
        self.kinds.clear()


async def pause(stop: asyncio.Event, seconds: float,
                woken: asyncio.Event | None = None) -> None:
    """Waits `seconds`, or less if `stop` (or `woken`, if given) is set meanwhile."""
    if woken is None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        return
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(woken.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
