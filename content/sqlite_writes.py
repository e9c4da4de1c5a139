"""One writer at a time per SQLite database in this process, queued on a Python lock.

SQLite lets one connection write at a time. A connection that finds the write lock taken
sleeps in SQLite's busy handler (1, 2, 5, 10, ... 100 ms at a time) and tries again, so
when a webhook stores, a processor runs turns and the dispatcher records results in one
process, writers slept far longer than the writes they waited for: in the end-to-end
benchmark the dispatcher's result writer spent most of its time asleep in executemany.
Here every connection of an engine takes the engine's lock before the first statement of
a transaction that writes, and gives it back when the transaction ends (commit, rollback
or close), so the threads of one process queue on the lock and the next one starts as
soon as the last one committed. Readers never take it (WAL lets them read beside the
writer). Other processes still meet SQLite's own lock and busy timeout.

The lock is not re-entrant, so that the thread that commits may be another than the one
that began; a thread that begins a second writing transaction while its first is open
waits `timeout` seconds and gets "database is locked", as SQLite itself would answer.
SQLAlchemy has no event after a commit, hence a connection class (sqlite3's `factory`)
rather than engine events.
"""

from __future__ import annotations

import re
import sqlite3
import threading

# Statements that write, or take the write lock (BEGIN IMMEDIATE); a WITH that writes.
_WRITES = re.compile(
    r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|BEGIN\s+(IMMEDIATE|EXCLUSIVE)"
    r"|WITH\b.*\b(INSERT|UPDATE|DELETE)\b)", re.IGNORECASE | re.DOTALL)


class _Cursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection.before(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        self.connection.before(sql)
        return super().executemany(sql, parameters)


class SerializedWrites(sqlite3.Connection):
    """A connection that holds its engine's write lock while it has a transaction that
    writes. Subclassed per engine by `connection_class`, which sets `lock` and `wait`."""

    lock: threading.Lock
    wait: float
    _holding = False

    def cursor(self, factory=_Cursor):
        return super().cursor(factory)

    def before(self, sql: str) -> None:
        if not self._holding and _WRITES.match(sql):
            if not self.lock.acquire(timeout=self.wait):
                raise sqlite3.OperationalError("database is locked")
            self._holding = True

    def commit(self):
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._release()

    def close(self):
        try:
            super().close()
        finally:
            self._release()

    def _release(self) -> None:
        if self._holding:
            self._holding = False
            self.lock.release()


def connection_class(wait: float) -> type[SerializedWrites]:
    """A connection class with a lock of its own: one per engine (one per database)."""
    return type("SerializedWrites", (SerializedWrites,),
                {"lock": threading.Lock(), "wait": wait})
