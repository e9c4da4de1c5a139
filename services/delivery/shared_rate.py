"""Send rates shared by every worker through Redis, with per-process limits while Redis
is away.

The buckets of ratelimit.py, kept in Redis so that any number of workers together keep
to a provider's rate: one key per provider (overall) and one per provider and recipient,
each a hash of tokens and stamp that expires once it would be full again. One Lua script
refills and takes atomically, on Redis's clock (TIME), so workers on machines whose
clocks differ still agree. It takes in two ways:
- reserve (overall): the token is always taken, the bucket may go into debt, and the
  caller sleeps the returned wait. One round trip a message, however many senders wait,
  and the rate holds exactly: each reservation is priced on Redis's clock, not on how
  late a sleeper woke.
- try (per recipient): a token is taken only if one is free; otherwise nothing is taken
  and the wait is returned, so the dispatcher puts the row back for later.
Recipients' keys hold a digest of the address, never the address itself.

When Redis does not answer (refused, timed out, any client error), the per-process
limiter given as `local` takes over: the configured rates divided by SEND_WORKERS (or
the worker's --share). That is said once in the log, shown by `status()` (/readyz), and
Redis is tried again every `recheck` seconds; when it answers, limits are shared again.

Client: redis-py's asyncio client (`redis.asyncio`), maintained by Redis itself, with
Script objects that run EVALSHA and reload the script after a Redis restart. The bucket
is our own script rather than a library's because the dispatcher needs both ways of
taking above; `limits` counts requests in fixed or moving windows with no burst and no
"how long until", and aiolimiter keeps its state in the process.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass, field

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import NoScriptError, RedisError

from services.delivery.ratelimit import Limit, Limiter, overall_burst

log = logging.getLogger(__name__)

# KEYS[1] the bucket; ARGV rate (tokens a second), burst, 1 to reserve / 0 to try.
# Returns the seconds to wait, as a string (Lua numbers come back as integers).
BUCKET = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1]) or burst
local stamp = tonumber(state[2]) or now
if now > stamp then
  tokens = math.min(burst, tokens + (now - stamp) * rate)
  stamp = now
end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
elseif ARGV[3] == '1' then
  wait = (1 - tokens) / rate
  tokens = tokens - 1
else
  return tostring((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(stamp))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return tostring(wait)
"""
SHA = hashlib.sha1(BUCKET.encode()).hexdigest()
TIMEOUT = 0.5  # seconds: a Redis slower than this is treated as away, sends go on locally


def connect(url: str) -> Redis:
    """A client with short timeouts and one immediate retry (a pooled connection that
    died with a Redis restart is replaced once; a Redis that is away is not waited for).
    The pool holds at most as many connections as the dispatcher has sends in flight."""
    pool = BlockingConnectionPool.from_url(
        url, max_connections=32, timeout=5, socket_timeout=TIMEOUT,
        socket_connect_timeout=TIMEOUT, retry=Retry(NoBackoff(), 1))
    return Redis(connection_pool=pool)


@dataclass
class SharedLimiter:
    """The buckets of every provider in Redis at `url`, under keys starting `prefix`."""

    limits: dict[str, Limit]
    local: Limiter
    url: str
    prefix: str = "peerlearn:"
    share: float = 1.0  # of each rate that `local` keeps, for the log line
    recheck: float = 2.0  # seconds between tries while Redis is away
    outage: str | None = None  # the kind of failure while Redis is away
    _retry_at: float = 0.0
    _client: Redis | None = field(default=None, repr=False)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)

    async def overall(self, provider: str) -> None:
        """Waits for the provider's overall rate, shared by every worker."""
        wait = await self.reserve(provider)
        if wait is None:
            await self.local.overall(provider)
        elif wait > 0:
            await asyncio.sleep(wait)

    async def reserve(self, provider: str) -> float | None:
        """Takes one of the provider's tokens, now or in the future: the seconds until
        it may be used (0 without a limit), or None while Redis is away."""
        limit = self.limits.get(provider)
        if limit is None or not limit.overall:
            return 0.0
        return await self.take(provider, limit.overall, overall_burst(limit.overall),
                               reserve=True)

    async def recipient(self, provider: str, address: str) -> float:
        """0 if the recipient may get a message now (a token is taken), else the seconds
        to wait."""
        limit = self.limits.get(provider)
        if limit is None or not limit.per_recipient:
            return 0.0
        wait = await self.take(f"{provider}:{digest(address)}", limit.per_recipient,
                               limit.recipient_burst, reserve=False)
        return await self.local.recipient(provider, address) if wait is None else wait

    async def take(self, name: str, rate: float, burst: float, *,
                   reserve: bool) -> float | None:
        """Runs the bucket script on `prefix + name`: the wait, or None while Redis is
        away (the caller uses the local limiter)."""
        if self.outage and time.monotonic() < self._retry_at:
            return None
        try:
            answer = await run(self._connected(), self.prefix + name, rate, burst, reserve)
        except (RedisError, OSError) as exc:
            return self._lost(exc)
        if self.outage:
            log.warning("send rates: Redis answers again; limits are shared by every "
                        "worker again")
            self.outage = None
        return float(answer)

    def status(self) -> dict[str, str]:
        """For /readyz: shared, or local and why."""
        if self.outage:
            return {"send_rates": "local", "redis": self.outage}
        return {"send_rates": "shared"}

    async def aclose(self) -> None:
        """Closes the Redis client, if this loop opened it (another loop's is its own)."""
        if self._client is not None and self._loop is asyncio.get_running_loop():
            await self._client.aclose()
            self._client = None

    def _connected(self) -> Redis:
        """The client of the running loop (a client cannot move between loops)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client, self._loop = connect(self.url), loop
        return self._client

    def _lost(self, exc: Exception) -> None:
        """Says once that the limits are local now; Redis is tried again later."""
        if not self.outage:
            log.warning("send rates: Redis does not answer (%s); limits are per process "
                        "now, each worker keeping %g of every rate, until it answers",
                        type(exc).__name__, self.share)
        self.outage = type(exc).__name__
        self._retry_at = time.monotonic() + self.recheck


async def run(client: Redis, key: str, rate: float, burst: float, reserve: bool) -> bytes:
    """The bucket script on `key`; the wait, as Redis wrote it."""
    try:
        return await client.evalsha(SHA, 1, key, rate, burst, int(reserve))
    except NoScriptError:  # a Redis restarted empty: EVAL loads the script again
        return await client.eval(BUCKET, 1, key, rate, burst, int(reserve))


def digest(address: str) -> str:
    """A recipient's key part: no phone number or chat id is stored in Redis."""
    return hashlib.blake2b(address.encode(), digest_size=12).hexdigest()
