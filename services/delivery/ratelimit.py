"""Token buckets for send rates: per channel (or sender) and per recipient.

These buckets live in one process's memory: with several workers and no Redis, give
each its share of a provider's rate (SEND_WORKERS, or the worker's --share option,
divides the configured rates). With REDIS_URL, shared_rate.py keeps the same buckets in
Redis for every worker and falls back to these while Redis is away.
Hand-written because no library fits both uses: aiolimiter's AsyncLimiter waits well, but
its has_capacity() neither takes a token nor says how long until one is free (the
per-recipient check must, so the dispatcher can defer the row instead of waiting), and
limits counts whole requests in fixed or moving windows, not a bucket with a burst.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class Bucket:
    """`rate` tokens a second, holding at most `burst`."""

    rate: float
    burst: float
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self):
        if self.tokens < 0:
            self.tokens = self.burst

    def _refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def try_take(self) -> float:
        """Takes a token and returns 0, or returns the seconds until one is free."""
        now = time.monotonic()
        self._refill(now)
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate

    async def take(self) -> None:
        """Waits for a token, then takes it."""
        while (wait := self.try_take()) > 0:
            await asyncio.sleep(wait)


class Rates(Protocol):
    """What the dispatcher asks of a limiter (this module's, or shared_rate.py's)."""

    async def overall(self, provider: str) -> None: ...
    async def recipient(self, provider: str, address: str) -> float: ...
    def status(self) -> dict[str, str]: ...
    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class Limit:
    """A provider's limits: overall messages a second, and per recipient (None = none)."""

    overall: float | None = None
    per_recipient: float | None = None
    recipient_burst: float = 3.0


@dataclass
class Limiter:
    """The buckets of every provider, created as recipients appear."""

    limits: dict[str, Limit]
    _overall: dict[str, Bucket] = field(default_factory=dict)
    _recipients: dict[tuple[str, str], Bucket] = field(default_factory=dict)

    async def overall(self, provider: str) -> None:
        """Waits for the provider's overall rate."""
        limit = self.limits.get(provider)
        if limit is None or not limit.overall:
            return
        bucket = self._overall.setdefault(
            provider, Bucket(limit.overall, overall_burst(limit.overall)))
        await bucket.take()

    async def recipient(self, provider: str, address: str) -> float:
        """0 if the recipient may get a message now, else the seconds to wait."""
        limit = self.limits.get(provider)
        if limit is None or not limit.per_recipient:
            return 0.0
        key = (provider, address)
        if key not in self._recipients:
            if len(self._recipients) > 100_000:  # forget idle recipients
                self._recipients.clear()
            self._recipients[key] = Bucket(limit.per_recipient, limit.recipient_burst)
        return self._recipients[key].try_take()

    def status(self) -> dict[str, str]:
        """For /readyz: the limits are this process's own."""
        return {"send_rates": "local"}

    async def aclose(self) -> None:
        """Nothing to close (the shared limiter has a Redis client)."""


def overall_burst(rate: float) -> float:
    """A provider's burst: a tenth of a second's messages, at least one."""
    return max(1.0, rate / 10)
