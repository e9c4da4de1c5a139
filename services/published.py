"""Published content kept per process, for the turns that read it again and again.

`STORY` lists the published practices with snippets in a language, and `ASK` reads the
index rows and pieces of the practices search found: the same rows on every turn, which
change only when content is imported, published, edited, archived or a FAQ is promoted.
So one process keeps what it read (`cached(session, key, load)`), per database engine,
and forgets all of it when the content may have changed:

- in this process, at once: a statement that writes a content table (practice,
  practicetranslation, snippet, faq, searchdoc) marks its connection, and the commit of
  that connection clears every cache of the process (events on every engine, so it
  needs no call from whoever writes: the importer, the console, a CLI command, a test);
- in other processes: at most every `every` seconds (CATALOG_REFRESH_SECONDS, as
  bot/catalog_sync.py does for the interface texts) the next read looks at a stamp of the
  content tables, and clears the cache when it changed. While the newest practice edit is
  under SETTLE old, every look clears (a save that commits after a newer one leaves the
  stamp's maximum as it was).

Values are read inside the caller's transaction. A value whose reading began before an
invalidating commit is not kept (its generation is gone). One read by a transaction whose
snapshot predates a commit that cleared the cache just before (SQLite keeps a snapshot
per transaction) can be kept; the next look at the stamp, at most `every` seconds later
and clearing on every look while the edit is under SETTLE old, drops it.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from content.models import Faq, Practice, SearchDoc

CONTENT_TABLES = frozenset({"practice", "practicetranslation", "snippet", "faq",
                            "searchdoc"})
SETTLE = timedelta(seconds=30)
_WRITTEN = "published.written"
_CACHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CREATE = threading.Lock()
_WATCHING: list[bool] = []  # the write watch is attached on first use, not at import


class Published:
    """One engine's cache of published content, cleared when the content changes."""

    def __init__(self, every: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.every, self.clock = every, clock
        self.generation = 0
        self.stamp: tuple | None = None
        self._values: dict[Any, Any] = {}
        self._next = float("-inf")
        self._lock = threading.Lock()

    def get(self, session: Session, key: Any, load: Callable[[], Any]) -> Any:
        """The value kept under `key`, else `load()`'s (kept unless content changed
        meanwhile)."""
        self._look(session)
        try:
            return self._values[key]
        except KeyError:
            pass
        generation = self.generation
        value = load()
        with self._lock:
            if generation == self.generation:
                self._values[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._values = {}

    def _look(self, session: Session) -> None:
        """Reads the stamp when one is due; clears if it changed or an edit is recent."""
        if self.clock() < self._next:
            return
        self._next = self.clock() + self.every
        now = stamp(session)
        if now != self.stamp or _recent(now[1]):
            self.clear()
            self.stamp = now


def stamp(session: Session) -> tuple:
    """What changes whenever published content does: published practices (count, newest
    edit, sum of ids: an archive and a publish at once), the newest index row, FAQs."""
    published = Practice.status == "published"
    row = session.execute(select(
        select(func.count()).where(published).scalar_subquery(),
        select(func.max(Practice.updated_at)).scalar_subquery(),
        select(func.coalesce(func.sum(Practice.id), 0)).where(published).scalar_subquery(),
        select(func.max(SearchDoc.id)).scalar_subquery(),
        select(func.count()).select_from(Faq).scalar_subquery(),
        select(func.max(Faq.id)).scalar_subquery())).one()
    return tuple(row)


def _recent(newest: datetime | None) -> bool:
    if newest is None:
        return False
    newest = newest if newest.tzinfo else newest.replace(tzinfo=UTC)
    return datetime.now(UTC) - newest < SETTLE


def cached(session: Session, key: Any, load: Callable[[], Any]) -> Any:
    """`load()`'s value for `key`, kept in this process for the session's database."""
    return of(session.get_bind()).get(session, key, load)


def of(engine: Engine, every: float | None = None) -> Published:
    """The engine's cache, made on first use (the process's write watch with the first);
    `every`
    sets how often other processes' changes are looked for."""
    cache = _CACHES.get(engine)
    if cache is None:
        with _CREATE:
            cache = _CACHES.get(engine)
            if cache is None:
                cache = _CACHES[engine] = Published()
                if not _WATCHING:
                    _watch()
                    _WATCHING.append(True)
    if every is not None:
        cache.every = every
    return cache


def _watch() -> None:
    """Clears the caches when a connection (of any engine) that wrote a content table
    commits."""
    def written(conn, _cursor, statement, _parameters, _context, _many) -> None:
        if _writes_content(statement):
            conn.info[_WRITTEN] = True

    def committed(conn) -> None:
        if conn.info.pop(_WRITTEN, False):
            for cache in list(_CACHES.values()):
                cache.clear()

    def rolled_back(conn) -> None:
        conn.info.pop(_WRITTEN, None)

    event.listen(Engine, "before_cursor_execute", written)
    event.listen(Engine, "commit", committed)
    event.listen(Engine, "rollback", rolled_back)


def _writes_content(statement: str) -> bool:
    """Whether an INSERT, UPDATE or DELETE (or a migration's DDL) names a content table."""
    verb = statement[:7].upper()
    if not verb.startswith(("INSERT", "UPDATE", "DELETE", "ALTER", "DROP", "CREATE")):
        return False
    words = statement.replace('"', " ").replace("(", " ").split(None, 4)
    return any(word.lower() in CONTENT_TABLES for word in words[1:4])
