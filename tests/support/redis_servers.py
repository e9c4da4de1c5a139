"""Redis for the tests: the machine's shared one, and throwaway servers of a test's own.

The machine's Redis (127.0.0.1:6379, or TEST_REDIS_URL) is shared with other test runs
and other people's: a test uses keys under a prefix of its own (`scratch_prefix`) and
removes them afterwards. A test that stops Redis never stops that one: it starts
`redis-server` on a free port with nothing kept on disk (`throwaway_redis`), and stops
and starts it at will, on the same port.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis

from tests.support.server import free_port
from tests.support.waiting import wait_for

MACHINE = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def answers(url: str) -> bool:
    """Whether a Redis at `url` answers PING."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def scratch_prefix() -> str:
    """A key prefix no other run uses."""
    return f"peerlearn-test:{uuid.uuid4().hex[:12]}:"


def remove_keys(url: str, prefix: str) -> None:
    """Deletes the keys under `prefix`."""
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=prefix + "*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@dataclass
class ThrowawayRedis:
    """A redis-server of the test's own on `port`; `stop()` and `start()` at will."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: answers(self.url) or self.process.poll() is not None,
                 "redis-server to answer")
        assert self.process.poll() is None, "redis-server stopped while starting"

    def stop(self) -> None:
        """Ends the server (its connections drop); nothing is kept."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


@contextmanager
def throwaway_redis() -> Iterator[ThrowawayRedis]:
    """A fresh redis-server on a free port; raises LookupError when none is installed."""
    if shutil.which("redis-server") is None:
        raise LookupError("no redis-server installed (Debian package redis-server)")
    server = ThrowawayRedis(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
