"""SQLite writers of one process queue on the engine's lock (content/sqlite_writes.py):
a writer waits for the open writing transaction and starts as soon as it ends; readers
never wait; a thread that opens a second writing transaction beside its own is told the
database is locked, as SQLite would tell it."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, text

from content.db import make_engine
from content.sqlite_writes import connection_class
from tests.support.waiting import wait_for


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/w.db")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine
    engine.dispose()


def quick(tmp_path, *, busy: float, wait: float):
    """An engine with SQLite's busy timeout `busy` and the lock's `wait` (seconds)."""
    engine = create_engine(f"sqlite:///{tmp_path}/q.db", connect_args={
        "check_same_thread": False, "timeout": busy, "factory": connection_class(wait)})
    with engine.begin() as conn:
        conn.execute(text("PRAGMA journal_mode=WAL"))
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    return engine


def rows(engine) -> list[int]:
    with engine.connect() as conn:
        return [n for (n,) in conn.execute(text("SELECT n FROM t ORDER BY n"))]


def test_writers_of_one_process_never_meet_sqlites_busy_lock(tmp_path):
    # SQLite's own busy timeout is 0: a writer that found the database locked would fail
    # at once. Writers of one process queue on the engine's lock instead.
    engine = quick(tmp_path, busy=0, wait=30)
    errors = []

    def writer(first: int):
        for n in range(first, first + 40):
            try:
                with engine.begin() as conn:
                    conn.execute(text("SELECT count(*) FROM t")).scalar()
                    conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            except Exception as exc:  # noqa: BLE001 - the test counts them
                errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i * 100,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(rows(engine)) == 160


def test_a_writer_waits_for_the_open_one_while_readers_do_not(engine):
    first = engine.connect()
    first.begin()
    first.execute(text("INSERT INTO t VALUES (1)"))
    done = threading.Event()

    def second():
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
        done.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert rows(engine) == []  # a reader reads beside the open write
    first.commit()
    first.close()
    wait_for(done.is_set, "the second writer", 10)
    thread.join()
    assert rows(engine) == [1, 2]


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_every_end_of_a_transaction_lets_the_next_writer_in(tmp_path, end):
    engine = quick(tmp_path, busy=0, wait=1)
    conn = engine.connect()
    conn.begin()
    conn.execute(text("INSERT INTO t VALUES (1)"))
    getattr(conn, end)()
    conn.close()
    with engine.begin() as other:  # "database is locked" if the lock were kept
        other.execute(text("INSERT INTO t VALUES (2)"))
    assert rows(engine) == ([1, 2] if end == "commit" else [2])
    engine.dispose()


def test_a_thread_writing_beside_its_own_open_write_is_told_the_database_is_locked(tmp_path):
    engine = quick(tmp_path, busy=30, wait=0.2)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(Exception, match="database is locked"), engine.begin() as other:
            other.execute(text("INSERT INTO t VALUES (2)"))
    assert rows(engine) == [1]
    engine.dispose()


def test_selects_and_pragmas_take_no_lock(engine):
    holder = engine.connect()
    holder.begin()
    holder.execute(text("INSERT INTO t VALUES (1)"))
    with engine.connect() as reader:
        assert reader.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0
        raw = reader.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection) and not raw._holding
    holder.rollback()
    holder.close()
