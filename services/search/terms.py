"""Which words of a query to send to the index, by how many documents hold each.

Ranking is the cost of a search: bm25 runs for every document that matches any word, a
few microseconds each. A question's rarest words carry its meaning, so words are taken
rarest first while their document counts add up to at most BUDGET (always at least the
rarest one); at a few hundred practices every word fits. Counts come from the fts5vocab
table (SQLite) or a capped count over the GIN index (PostgreSQL), both of which read a
word's document list, so they are cached for TTL seconds, per database engine (two
databases in one process never share counts; reindex clears them; a stale count only
shifts which words are sent).
"""

from __future__ import annotations

import threading
import time
import weakref

from sqlalchemy import text
from sqlmodel import Session

BUDGET = 1200  # documents the ranking may score, summed over the chosen words
COUNT_CAP = 10 * BUDGET  # PostgreSQL counts stop here: beyond it only the order matters
SQLITE_COUNT = "SELECT doc FROM searchdoc_vocab WHERE term = :term"
POSTGRES_COUNT = ("SELECT count(*) FROM (SELECT 1 FROM searchdoc WHERE tsv @@ "
                  f"plainto_tsquery('simple', :term) LIMIT {COUNT_CAP}) s")
TTL = 300.0
MAX_CACHED = 50_000
# engine -> term -> (count, when); an engine's counts go with it.
_caches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def doc_counts(session: Session, terms: list[str]) -> dict[str, int]:
    """How many indexed documents hold each term; terms in none are left out."""
    now = time.monotonic()
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)  # a Connection's engine, or the Engine
    sql = SQLITE_COUNT if bind.dialect.name == "sqlite" else POSTGRES_COUNT
    with _lock:
        cache = _caches.setdefault(engine, {})
    counts: dict[str, int] = {}
    for term in terms:
        cached = cache.get(term)
        if cached and now - cached[1] < TTL:
            counts[term] = cached[0]
            continue
        found = session.execute(text(sql), {"term": term}).scalar()
        if found:
            counts[term] = found
            _remember(cache, term, found, now)
    return counts


def within_budget(counts: dict[str, int]) -> list[str]:
    """The rarest terms whose document counts fit in BUDGET (at least one)."""
    chosen: list[str] = []
    total = 0
    for term in sorted(counts, key=counts.get):
        if chosen and total + counts[term] > BUDGET:
            break
        chosen.append(term)
        total += counts[term]
    return chosen


def forget() -> None:
    """Drops the cached counts (after a reindex in this process)."""
    with _lock:
        for cache in _caches.values():
            cache.clear()


def _remember(cache: dict, term: str, count: int, now: float) -> None:
    with _lock:
        if len(cache) >= MAX_CACHED:
            cache.clear()
        cache[term] = (count, now)
