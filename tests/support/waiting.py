"""Waiting in tests for a condition, never for a fixed time: a fixed sleep is too short
on a loaded machine and too long everywhere else. The condition is polled until it
returns something true, which is returned; past the deadline the test fails, naming
what it waited for. `never` is for the rare check that something does not happen where
nothing marks the moment it would have: the condition must stay false for a while."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
DEADLINE = 15.0  # seconds: generous, since a passing test never waits this long
POLL = 0.02


def wait_for(condition: Callable[[], T], what: str, timeout: float = DEADLINE) -> T:
    """The condition's first true value."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(POLL)
    return found


def never(condition: Callable[[], object], what: str, during: float) -> None:
    """Fails as soon as the condition holds within `during` seconds."""
    deadline = time.monotonic() + during
    while time.monotonic() < deadline:
        assert not condition(), what
        time.sleep(POLL)
    assert not condition(), what


async def wait_for_async(condition: Callable[[], T | Awaitable[T]], what: str,
                         timeout: float = DEADLINE) -> T:
    """The same inside an event loop: the loop runs on while the condition is false."""
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if asyncio.iscoroutine(found):
            found = await found
        if found:
            return found
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        await asyncio.sleep(POLL)
