"""Keeps one process's catalog in step with the interface texts reviewed in the console.

Every process (`make run`'s web process, other web processes, `peerlearn worker`) builds
its Catalog once and renders every reply with it. A text saved in the console is laid
on that process's catalog at once (web/console/texts.py calls `Catalog.override`);
other processes learn of it here:

- `refresh_if_due` is called where the catalog is about to be used: before each inbound
  message is processed (bot/inbox.py), before each notice is rendered (bot/notify.py:
  console and API actions, scheduled jobs), at each scheduler tick, and by
  `/api/languages`. Between checks it costs one clock reading; at most every `every`
  seconds (`CATALOG_REFRESH_SECONDS`, default 5) it asks the database for the table's
  stamp, `SELECT count(*), max(updated_at) FROM catalog_text`, and reloads every row
  only when the stamp changed.
- A save that commits later than a newer one would leave the stamp as it was (its
  `updated_at` is older than the maximum). So while the newest row is less than
  `SETTLE` old, each check reloads anyway; any transaction that commits within
  `SETTLE - every` of its own clock reading is seen (the machines' clocks must agree
  within that margin too).
- A failed check (database unreachable) is logged and the texts in use stay; the next
  check comes `every` seconds later.

Measured (bench/catalog_sync.py, every key of all nine languages saved: 1,782 rows, on
this project's shared 2-core machine): a check when none is due, under 1 µs; the stamp
query, about 2 ms on SQLite and 5 ms on PostgreSQL (the pool's pre-ping included); a
full reload, 30 ms on SQLite and 50 ms on PostgreSQL. So an idle process spends about
0.1 % of a core on it (5 ms every 5 s), a busy one nothing more per message, and each
save costs every process at most six reloads (one per check while it is recent).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect
from sqlalchemy.engine import Engine as Database
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.catalog import Catalog, Override
from content.models import CatalogText
from services import catalog_texts
from services.catalog_texts import Stamp

log = logging.getLogger(__name__)
SETTLE = timedelta(seconds=30)


@dataclass
class CatalogSync:
    """Lays the database's texts on one catalog and keeps them current."""

    catalog: Catalog
    db: Database
    every: float = 5.0  # seconds between two looks at the database
    clock: Callable[[], float] = time.monotonic
    stamp: Stamp | None = None  # what the last reload saw
    _next: float = field(default=float("-inf"), repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def attach(self) -> CatalogSync:
        """Makes `catalog.freshen()` ask this sync; loads the texts if the table exists
        (a database not migrated yet is refused later, by whoever starts the process)."""
        self.catalog.refresher = self.refresh_if_due
        if inspect(self.db).has_table(CatalogText.__tablename__):
            self.refresh_if_due()
        return self

    def refresh_if_due(self) -> bool:
        """Looks at the database if `every` seconds passed since the last look; True if
        the texts were reloaded. Threads that find another one looking do not wait."""
        if self.clock() < self._next or not self._lock.acquire(blocking=False):
            return False
        try:
            if self.clock() < self._next:
                return False
            self._next = self.clock() + self.every
            return self.refresh()
        except SQLAlchemyError:
            log.exception("interface texts: the database could not be read; the texts in "
                          "use stay until the next check")
            return False
        finally:
            self._lock.release()

    def refresh(self, *, force: bool = False) -> bool:
        """Reloads every row if the stamp changed, a save is recent, or `force`."""
        with Session(self.db) as session:
            now = catalog_texts.stamp(session=session)
            if not force and now == self.stamp and not _recent(now):
                return False
            rows = [Override(*row) for row in catalog_texts.texts(session=session)]
        self.catalog.use(rows)
        self.stamp = now
        return True


def _recent(stamp: Stamp) -> bool:
    """Whether the newest row is young enough that an older save may still commit."""
    if stamp.newest is None:
        return False
    newest = stamp.newest if stamp.newest.tzinfo else stamp.newest.replace(tzinfo=UTC)
    return datetime.now(UTC) - newest < SETTLE
