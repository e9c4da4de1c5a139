"""Pytest fixtures that run the fake Telegram and Twilio servers around a test.

Each fixture starts its fake on a free 127.0.0.1 port before the test and stops it
after; the test fails at teardown if the fake saw requests it does not know
(`unexpected`), so a wrong URL, token or credential never passes silently.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_server import FakeServer
from tests.webhooks.channels.fake_telegram import FakeTelegram
from tests.webhooks.channels.fake_twilio import FakeTwilio


def _run(fake: FakeServer) -> Iterator:
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
    if fake.unexpected:
        pytest.fail(f"{type(fake).__name__} got unexpected requests: {fake.unexpected}",
                    pytrace=False)


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """A running FakeTelegram; `fake_telegram.api_base` is PTB's `base_url`."""
    yield from _run(FakeTelegram())


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    """A running FakeTwilio; point `client.api.base_url` at `fake_twilio.base_url`."""
    yield from _run(FakeTwilio())


@pytest.fixture
def live(settings, db, fake_telegram, fake_twilio):
    """The app wired to the fake providers, over an empty inbox and outbox."""
    from tests.conftest import clear
    from tests.support.live import make_live

    clear(db)
    running = make_live(settings, db, fake_telegram, fake_twilio)
    yield running
    running.client.__exit__(None, None, None)
    clear(db)


@pytest.fixture
def throwaway_pg():
    """A PostgreSQL server of the test's own, to stop and start (a database outage);
    the machine's shared server is never touched. Skipped where none is installed."""
    from tests.support.throwaway_pg import postgres_bin, throwaway_postgres

    if postgres_bin() is None:
        pytest.skip("no PostgreSQL server to start a throwaway one "
                    "(/usr/lib/postgresql/*/bin/initdb not found)")
    with throwaway_postgres() as server:
        yield server
