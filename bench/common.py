"""Shared code of the benchmarks: scratch databases, settings, child processes, tables.

Every benchmark gets a fresh database: a SQLite file in a temporary directory, or, with
`--database-url postgresql://...`, a scratch database created on that server (as
tests/conftest.py does) and dropped afterwards. Either way it is migrated and holds the
bundled content packs. Servers run in spawned child processes (so they do not share the
load generator's GIL); `spawn` starts one and talks to it over a pipe.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from content.db import make_engine, normalize_url, session_scope
from content.importer import import_drafts
from content.validate import load_pack
from peerlearn.migrate import upgrade
from peerlearn.settings import BUNDLED_PACKS, Settings
from services.search import reindex
from tests.webhooks.channels import fake_telegram, fake_twilio

PUBLIC_BASE_URL = "https://peerlearn.example.org"  # what Twilio "signed", fixed
SECRET = "bench-Secret_1"
TWILIO_FROM = "+15005550006"
UNREACHABLE = "http://127.0.0.1:9"  # providers the webhook benchmark never calls
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def arguments(description: str, argv: list[str] | None = None,
              extra: Callable[[argparse.ArgumentParser], None] | None = None
              ) -> argparse.Namespace:
    """Command-line options every benchmark takes (`extra` adds its own)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server URL to create a scratch database on "
                             "(default: a SQLite file in a temporary directory)")
    if extra:
        extra(parser)
    return parser.parse_args(argv)


def load_content(url: str) -> None:
    """Migrates the database and imports every bundled content pack."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        for pack in sorted(p for p in BUNDLED_PACKS.iterdir() if p.is_dir()):
            drafts, _ = load_pack(pack)
            with session_scope(engine) as session:
                result = import_drafts(session, drafts)
                reindex(session=session, practice_ids=result.changed_ids)
    finally:
        engine.dispose()


@contextmanager
def scratch_database(server: str | None) -> Iterator[str]:
    """Yields the URL of a fresh, migrated database with the bundled content."""
    if not server:
        folder = tempfile.mkdtemp(prefix="peerlearn-bench-")
        try:
            url = f"sqlite:///{folder}/bench.db"
            load_content(url)
            yield url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = f"peerlearn_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    try:
        url = make_url(normalize_url(server)).set(database=name).render_as_string(False)
        load_content(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def describe(url: str) -> str:
    """The database as a short label: 'sqlite (file)' or 'postgresql (name)'."""
    parsed = make_url(url)
    return f"{parsed.get_backend_name()} ({parsed.database})"


def bench_settings(url: str, **extra: Any) -> Settings:
    """Settings with both channels configured (fake credentials) and no dispatcher."""
    values: dict[str, Any] = dict(
        database_url=url, run_dispatcher=False, public_base_url=PUBLIC_BASE_URL,
        telegram_bot_token=fake_telegram.TOKEN, telegram_webhook_secret=SECRET,
        telegram_api_base=UNREACHABLE, twilio_account_sid=fake_twilio.ACCOUNT_SID,
        twilio_auth_token=fake_twilio.AUTH_TOKEN, twilio_from=TWILIO_FROM,
        twilio_api_base=UNREACHABLE)
    values.update(extra)
    return Settings(**values)


@dataclass
class Goal:
    """One goal of the issue, with the figure measured for it."""

    bench: str
    what: str
    figure: str
    goal: str
    passed: bool

    @property
    def verdict(self) -> str:
        return "PASS" if self.passed else "FAIL"


def goals_table(goals: list[Goal]) -> str:
    """The goals as a table: benchmark | what | figure | goal | PASS/FAIL."""
    return table(["benchmark", "what", "measured", "goal", "result"],
                 [[g.bench, g.what, g.figure, g.goal, g.verdict] for g in goals])


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A plain-text table; numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(_number(row[i]) for row in cells[1:]) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.rjust(w) if num else c.ljust(w)
                         for c, w, num in zip(row, widths, numeric, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def _number(cell: str) -> bool:
    return cell.replace(".", "", 1).replace("-", "", 1).replace("%", "").replace(
        "+", "").replace(",", "").isdigit() or cell == "-"


def inbound_statuses(url: str) -> Counter:
    """Stored inbound rows by "provider:status"."""
    from content.models import InboundMessage

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(InboundMessage.provider, InboundMessage.status,
                                   func.count()).group_by(InboundMessage.provider,
                                                          InboundMessage.status))
        found = Counter({f"{p}:{s}": n for p, s, n in rows})
    engine.dispose()
    return found


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass
class Child:
    """A spawned child process and the parent's end of its pipe."""

    process: multiprocessing.process.BaseProcess
    conn: Any
    hello: Any  # the first message the child sent (its base URLs, its pid)

    def ask(self, message: Any, timeout: float = 60) -> Any:
        self.conn.send(message)
        if not self.conn.poll(timeout):
            raise TimeoutError(f"child gave no answer to {message!r} in {timeout} s")
        return self.conn.recv()

    def stop(self) -> None:
        try:
            self.conn.send("stop")
        except OSError:
            pass
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)


@contextmanager
def spawn(target: Callable[..., None], *args: Any, timeout: float = 60) -> Iterator[Child]:
    """Runs `target(conn, *args)` in a fresh interpreter; it must first send a hello
    when ready, then answer messages until it receives "stop"."""
    context = multiprocessing.get_context("spawn")
    parent, child_end = context.Pipe()
    process = context.Process(target=target, args=(child_end, *args), daemon=True)
    process.start()
    child_end.close()
    child = Child(process, parent, None)
    try:
        if not parent.poll(timeout):
            raise TimeoutError(f"{target.__name__} did not start within {timeout} s")
        child.hello = parent.recv()
        yield child
    finally:
        child.stop()


def steady(engine) -> None:
    """Statistics, and what autovacuum would have done by now (visibility maps, which
    PostgreSQL's index-only scans need); SQLite's bulk insert checkpointed."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
