"""`peerlearn worker` killed with SIGKILL mid-dispatch, and its database stopped under
load: real worker processes, a slow FakeTwilio, 300 queued SMS.

    drill                               lost  sent twice          the dead worker's rows
    kill -9, then a new worker          0     <= sends in flight  taken over in seconds
    PostgreSQL away > dead_after,       0     0                   none: both are alive
    two workers
"""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest

from content.db import make_engine
from peerlearn.migrate import upgrade
from services.delivery.dispatcher import Dispatcher
from tests.conftest import clear
from tests.support.crash import Tally, all_final, queue_rows, start_worker
from tests.support.waiting import wait_for

ROWS = 300
SLOW = 0.2  # seconds the provider takes to answer each message
CONCURRENCY = Dispatcher.concurrency  # sends in flight at most, what a kill may double
DEAD_AFTER = Dispatcher.dead_after
OUTAGE = DEAD_AFTER + 3  # longer than a worker may stay silent before it is taken for dead


def mid_dispatch(twilio, sent: int) -> bool:
    """`sent` messages answered, and sends in flight now."""
    return len(twilio.calls_to("createMessage")) >= sent and twilio.in_flight >= 8


def logs(workers) -> str:
    """What the workers said, for a failure's message."""
    return "\n".join(f"--- {worker.log.name}\n{worker.stderr()}" for worker in workers)


def waited(condition, what: str, timeout: float, workers) -> None:
    """wait_for, with what the workers said if it fails."""
    try:
        wait_for(condition, what, timeout)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{logs(workers)}") from None


@pytest.fixture
def drill_url(database_url, db):
    """The test database, with no member, inbox or outbox rows before and after."""
    clear(db)
    yield database_url
    clear(db)


def test_kill_9_loses_nothing_and_doubles_at_most_the_sends_in_flight(drill_url, fake_twilio,
                                                                       tmp_path):
    fake_twilio.delay = SLOW
    queue_rows(drill_url, ROWS)
    first = start_worker(drill_url, fake_twilio, tmp_path, name="first")
    try:
        waited(lambda: mid_dispatch(fake_twilio, 100), "the first worker sending", 60, [first])
        first.kill()
    finally:
        first.stop()
    assert not all_final(drill_url, ROWS), "killed too late: nothing was left to take over"

    second = start_worker(drill_url, fake_twilio, tmp_path, name="second")
    try:
        # Half the lease: rows left to the lease would still be waiting.
        waited(lambda: all_final(drill_url, ROWS), "every row sent after the kill",
               Dispatcher.lease.total_seconds() / 2, [first, second])
    finally:
        second.stop()
    tally = Tally.of(fake_twilio, ROWS)
    assert (tally.rows, tally.lost) == (ROWS, 0)
    assert tally.twice <= CONCURRENCY, (tally, logs([first, second]))
    # Taken over because its heartbeat stopped, not because the lease ran out:
    assert "stopped beating" in second.stderr(), logs([first, second])


def test_a_database_outage_mid_dispatch_doubles_nothing(throwaway_pg, fake_twilio, tmp_path):
    url = throwaway_pg.create_database("drill")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    fake_twilio.delay = SLOW
    queue_rows(url, ROWS)
    workers = [start_worker(url, fake_twilio, tmp_path, name=f"worker{i}") for i in (1, 2)]
    try:
        waited(lambda: mid_dispatch(fake_twilio, 60), "the workers sending", 60, workers)
        throwaway_pg.stop()
        time.sleep(OUTAGE)  # the outage itself: how long the database stays away
        throwaway_pg.start()
        waited(lambda: all_final(url, ROWS), "every row sent after the outage", 60, workers)
        assert [worker.alive() for worker in workers] == [True, True], logs(workers)
    finally:
        for worker in workers:
            worker.stop()
    tally = Tally.of(fake_twilio, ROWS)
    assert (tally.rows, tally.once, tally.twice, tally.lost) == (ROWS, ROWS, 0, 0), logs(workers)
    for worker in workers:
        lines = Counter(re.findall(r"^(.* failing \(\w+\))", worker.stderr(), re.M))
        assert lines and set(lines.values()) == {1}, logs(workers)  # once per kind
