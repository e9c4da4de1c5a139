"""Send rates shared through a real Redis (services/delivery/shared_rate.py), as wired
from settings: two limiters (two workers) draw on the same buckets; a recipient's bucket
is its own; while Redis is away each process keeps its share (1/SEND_WORKERS), says so
once in the log and in /readyz, and shares again when Redis is back.

Rates are tiny (one token every 20 to 200 seconds) so that no token comes back during a
test: the decisions (send now, or wait about so long) are exact, whatever the machine's
load. Sharing uses the machine's Redis under a key prefix of this test's own; outages use
a redis-server the test starts and stops (tests/support/redis_servers.py)."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session

from content.models import OutboundMessage, utcnow
from peerlearn.app import create_app
from peerlearn.wiring import Services, build, make_limiter
from services.delivery.dispatcher import Dispatcher
from tests.conftest import clear
from tests.support.redis_servers import (
    MACHINE,
    answers,
    remove_keys,
    scratch_prefix,
    throwaway_redis,
)
from tests.webhooks.channels.test_telegram import message

CHAT_RATE = 0.01  # a token every 100 s per chat, 3 at once (the default burst)
RATE = 0.05  # a token every 20 s overall, 1 at once
ALICE, BOB = "700100200", "700100300"  # Telegram chat ids


@pytest.fixture
def shared_redis() -> Iterator[tuple[str, str]]:
    """(url, key prefix) on the machine's Redis; the keys are removed afterwards."""
    if not answers(MACHINE):
        pytest.skip(f"no Redis answers at {MACHINE} (CI starts one: .ci/run)")
    prefix = scratch_prefix()
    yield MACHINE, prefix
    remove_keys(MACHINE, prefix)


@pytest.fixture
def own_redis():
    """A redis-server of this test's own, to stop and start."""
    try:
        with throwaway_redis() as server:
            yield server
    except LookupError as exc:
        pytest.skip(str(exc))


def wired(settings, db, url: str, prefix: str, **more) -> Services:
    """Services whose settings name Redis, with this test's rates."""
    clear(db)
    return build(settings.model_copy(update={
        "redis_url": url, "redis_prefix": prefix, "telegram_rate": RATE,
        "telegram_chat_rate": CHAT_RATE, **more}), db=db)


def decided(wait: float | None) -> str:
    """A wait as a decision: "now", "~100s" (rounded to tens), or "redis away"."""
    if wait is None:
        return "redis away"
    return "now" if wait == 0 else f"~{round(wait, -1):.0f}s"


def test_two_workers_draw_on_one_providers_bucket(settings, db, shared_redis):
    url, prefix = shared_redis
    one, two = (wired(settings, db, url, prefix).dispatcher().limiter for _ in range(2))
    order = [one, two, one, two]

    async def reserve_in_turn():
        waits = [decided(await limiter.reserve("telegram")) for limiter in order]
        await one.aclose()
        await two.aclose()
        return waits

    # one token at once, then one every 20 s for whichever worker asks next
    assert asyncio.run(reserve_in_turn()) == ["now", "~20s", "~40s", "~60s"]


RECIPIENT_CASES = [
    # (worker, chat, decision): three at once per chat, then a token every 100 s
    (0, ALICE, "now"),
    (1, ALICE, "now"),
    (0, BOB, "now"),
    (1, ALICE, "now"),
    (0, ALICE, "~100s"),  # Alice's three are taken, by both workers together
    (1, ALICE, "~100s"),  # and a refused try takes nothing
    (1, BOB, "now"),
    (0, BOB, "now"),
    (1, BOB, "~100s"),
]


def test_each_recipient_has_a_bucket_shared_by_the_workers(settings, db, shared_redis):
    url, prefix = shared_redis
    workers = [wired(settings, db, url, prefix).dispatcher().limiter for _ in range(2)]

    async def ask_in_turn():
        found = [decided(await workers[w].recipient("telegram", chat))
                 for w, chat, _ in RECIPIENT_CASES]
        for limiter in workers:
            await limiter.aclose()
        return found

    assert asyncio.run(ask_in_turn()) == [decision for *_, decision in RECIPIENT_CASES]
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=prefix + "*"))
    assert len(keys) == 2  # one per chat
    assert not [key for key in keys if ALICE.encode() in key or BOB.encode() in key]
    assert all(client.pttl(key) > 0 for key in keys)  # they expire once full again
    client.close()


def test_two_dispatchers_send_a_chat_its_burst_once(live, shared_redis):
    """Seven replies due to one chat (the welcome's and five more), two dispatchers (two
    workers) one after the other: three go out (the chat's burst), the rest wait,
    whichever dispatcher claims them."""
    url, prefix = shared_redis
    live.post_telegram(message(text="hi"))
    with Session(live.services.db) as session:
        row = next(r for r in live.outbound() if r.channel == "telegram")
        for i in range(5):
            session.add(OutboundMessage(**{**row.model_dump(exclude={"id"}),
                                           "text": f"extra {i}"}))
        session.commit()
    settings = live.services.settings.model_copy(update={
        "redis_url": url, "redis_prefix": prefix, "telegram_chat_rate": CHAT_RATE})

    def dispatch_all_due() -> int:
        """One batch by a fresh dispatcher, with every queued row made due first."""
        with Session(live.services.db) as session:
            session.exec(update(OutboundMessage).where(OutboundMessage.status == "queued")
                         .values(next_attempt_at=utcnow()))
            session.commit()
        limiter = make_limiter(settings)
        dispatcher = Dispatcher(live.services.db, live.services.senders, limiter=limiter)
        live.client.portal.call(dispatcher.run_once)
        live.client.portal.call(limiter.aclose)
        return len(live.telegram.sent())

    assert [dispatch_all_due(), dispatch_all_due()] == [3, 3]
    assert len([r for r in live.outbound() if r.status == "queued"]) == 4


def test_redis_stopped_limits_are_local_then_shared_again(settings, db, own_redis, caplog):
    services = wired(settings, db, own_redis.url, scratch_prefix(), send_workers=2)
    limiter = services.dispatcher().limiter
    limiter.recheck = 0  # try Redis again at once, not after a pause
    app = create_app(services.settings, services)

    def ready() -> dict:
        with TestClient(app) as client:
            response = client.get("/readyz")
        assert response.status_code == 200
        return response.json()

    with asyncio.Runner() as loop, caplog.at_level(logging.INFO, "services.delivery"):
        def ask(n: int) -> list[str]:
            return [decided(loop.run(limiter.recipient("telegram", ALICE)))
                    for _ in range(n)]

        assert ask(4) == ["now"] * 3 + ["~100s"]
        assert ready() == {"status": "ok", "send_rates": "shared"}

        own_redis.stop()
        # this process's own bucket, at half the rate (two workers): 200 s a token
        assert ask(5) == ["now"] * 3 + ["~200s"] * 2
        assert ready() == {"status": "ok", "send_rates": "local", "redis": "ConnectionError"}
        said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(said) == 1 and "per process" in said[0] and "0.5" in said[0]

        own_redis.start()  # empty: the chat's bucket is full again
        assert ask(4) == ["now"] * 3 + ["~100s"]
        assert ready() == {"status": "ok", "send_rates": "shared"}
        said = [r.getMessage() for r in caplog.records]
        assert "answers again" in said[-1]
        loop.run(limiter.aclose())
    assert not [line for line in said if ALICE in line]


def test_redis_silent_limits_are_local(settings, db):
    """A Redis that takes connections but never answers: its timeout, then local."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        services = wired(settings, db, url, scratch_prefix())
        limiter = services.dispatcher().limiter

        async def ask():
            found = [decided(await limiter.reserve("telegram")),
                     decided(await limiter.recipient("telegram", ALICE))]
            await limiter.aclose()
            return found

        assert asyncio.run(ask()) == ["redis away", "now"]
        assert services.send_rates() == {"send_rates": "local", "redis": "TimeoutError"}


def test_without_redis_the_limits_are_this_processes_share(settings, db):
    services = build(settings.model_copy(update={"telegram_chat_rate": CHAT_RATE,
                                                  "send_workers": 4}), db=db)
    limiter = services.dispatcher().limiter

    async def ask():
        return [decided(await limiter.recipient("telegram", ALICE)) for _ in range(4)]

    assert asyncio.run(ask()) == ["now"] * 3 + ["~400s"]
    assert services.send_rates() == {"send_rates": "local"}
    limiter = services.dispatcher(share=0.5).limiter  # the worker's --share wins
    assert asyncio.run(ask()) == ["now"] * 3 + ["~200s"]
