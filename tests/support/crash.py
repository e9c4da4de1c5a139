"""Crash drills for the outbox: queue rows, run `peerlearn worker` as a real process
against a (slow) FakeTwilio, kill it or stop its database, and count what the provider
got. Shared by tests/peerlearn/test_worker_crash.py and bench/crash.py.

Each row's text is unique ("drill row 17"), so the fake's requests say which row went
out how many times. A checkout other than this one (`root`) runs its own code: the
queueing script and the worker are started with PYTHONPATH at that tree, from a scratch
directory (no `.env` is read), with an environment made from scratch (no provider
token of the caller's reaches them).
"""

from __future__ import annotations

import functools
import inspect
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from content.db import make_engine
from tests.webhooks.channels.fake_twilio import FakeTwilio

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "drill row "
FINAL_SENT = ("accepted", "sent", "delivered")


def _queue(url: str, first: int, count: int) -> None:
    """The drill rows, made with the code of the checkout that runs this."""
    from content.db import make_engine, session_scope
    from services.delivery.outbox import queue
    from services.delivery.parts import Part
    from services.members import identify

    engine = make_engine(url)
    with session_scope(engine) as session:
        for i in range(first, first + count):
            _, identity = identify(session=session, provider="twilio", channel="sms",
                                   address=f"+8551{2000000 + i:07d}")
            queue(session=session, identity=identity,
                  parts=[Part(f"drill row {i}", segments=1, encoding="GSM-7")])
    engine.dispose()


QUEUE = (f"{inspect.getsource(_queue)}\nimport sys\n"
         "_queue(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))\n")
WORKER = "from peerlearn.cli import app; app()"


def clean_env(root: Path = ROOT, **values: str) -> dict[str, str]:
    """An environment with only what a drill process needs."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(root),
            "HOME": tempfile.gettempdir(), "PYTHONUNBUFFERED": "1", **values}


def queue_rows(url: str, count: int, *, first: int = 0, root: Path = ROOT,
               python: str = sys.executable) -> None:
    """Queues `count` SMS rows to distinct numbers, with the code at `root`."""
    if root == ROOT:
        _queue(url, first, count)
        return
    subprocess.run([python, "-c", QUEUE, url, str(first), str(count)], check=True,
                   env=clean_env(root), cwd=tempfile.gettempdir(), capture_output=True,
                   timeout=120)


def migrate(url: str, *, root: Path = ROOT, python: str = sys.executable) -> None:
    """`peerlearn migrate` of the checkout at `root` (its own migrations)."""
    subprocess.run([python, "-c", WORKER, "migrate"], check=True, capture_output=True,
                   env=clean_env(root, DATABASE_URL=url), cwd=tempfile.gettempdir(),
                   timeout=300)


@dataclass
class Worker:
    """A `peerlearn worker` process; its stderr goes to a file."""

    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL: no cleanup of any kind."""
        self.process.kill()
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def alive(self) -> bool:
        return self.process.poll() is None

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")


def start_worker(url: str, twilio: FakeTwilio, folder: Path, *, root: Path = ROOT,
                 python: str = sys.executable, name: str = "worker",
                 options: tuple[str, ...] = ()) -> Worker:
    """Starts the worker of the checkout at `root` on `url`, sending SMS to the fake
    (no rate limit: the fake's slowness is the limit); `options` for `peerlearn worker`
    (`--only process`)."""
    env = clean_env(root, DATABASE_URL=url, TWILIO_ACCOUNT_SID=twilio.account_sid,
                    TWILIO_AUTH_TOKEN=twilio.auth_token, TWILIO_FROM="+15005550006",
                    TWILIO_API_BASE=twilio.base_url, TWILIO_RATE="0",
                    PUBLIC_BASE_URL="https://peerlearn.example.org")
    log = folder / f"{name}.log"
    with open(log, "wb") as stderr:
        process = subprocess.Popen([python, "-c", WORKER, "worker", *options], env=env,
                                   cwd=folder,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    return Worker(process, log)


def sends_per_row(twilio: FakeTwilio) -> Counter:
    """How many requests the provider got for each drill row (by its text)."""
    return Counter(call.form.get("Body", "") for call in twilio.calls_to("createMessage")
                   if call.form.get("Body", "").startswith(PREFIX))


@functools.cache
def _engine(url: str) -> Engine:
    """One engine a database, for the drills' frequent looks (pre-ping: it outlives an
    outage)."""
    return make_engine(url)


def statuses(url: str) -> Counter:
    """The drill rows by outbox status."""
    with _engine(url).connect() as conn:
        rows = conn.execute(text("SELECT status, count(*) FROM outboundmessage "
                                 "WHERE text LIKE :p GROUP BY status"),
                            {"p": PREFIX + "%"}).all()
    return Counter(dict(rows))


def claimers(url: str) -> set[str]:
    """The workers (claim token prefixes) holding drill rows in `sending`."""
    with _engine(url).connect() as conn:
        tokens = conn.execute(text("SELECT DISTINCT claimed_by FROM outboundmessage "
                                   "WHERE status = 'sending' AND text LIKE :p"),
                              {"p": PREFIX + "%"}).scalars().all()
    return {token.split(":", 1)[0] for token in tokens if token}


def all_final(url: str, count: int) -> bool:
    """Whether every drill row was sent (none waits, none is being sent)."""
    found = statuses(url)
    return sum(found[status] for status in FINAL_SENT) == count


@dataclass
class Tally:
    """What the provider got, row by row."""

    rows: int
    once: int
    twice: int  # more than once
    lost: int  # never

    @classmethod
    def of(cls, twilio: FakeTwilio, rows: int) -> Tally:
        sent = sends_per_row(twilio)
        return cls(rows, sum(1 for n in sent.values() if n == 1),
                   sum(1 for n in sent.values() if n > 1), rows - len(sent))
