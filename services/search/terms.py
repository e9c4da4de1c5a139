"""Which words of a query to send to the index, by how many documents hold each.

Ranking is the cost of a search: bm25 runs for every document that matches any word, a
few microseconds each. A question's rarest words carry its meaning, so words are taken
rarest first while their document counts add up to at most BUDGET (always at least the
rarest one); at a few hundred practices every word fits. Counts come from the fts5vocab
table (SQLite) or a capped count over the GIN index (PostgreSQL), both of which read a
word's document list, so they are cached in the process for TTL seconds (reindex clears
the cache; a stale count only shifts which words are sent).
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import text
from sqlmodel import Session

BUDGET = 1200  # documents the ranking may score, summed over the chosen words
COUNT_CAP = 10 * BUDGET  # PostgreSQL counts stop here: beyond it only the order matters
SQLITE_COUNT = "SELECT doc FROM searchdoc_vocab WHERE term = :term"
POSTGRES_COUNT = ("SELECT count(*) FROM (SELECT 1 FROM searchdoc WHERE tsv @@ "
                  f"plainto_tsquery('simple', :term) LIMIT {COUNT_CAP}) s")
TTL = 300.0
MAX_CACHED = 50_000
_cache: dict[str, tuple[int, float]] = {}
_lock = threading.Lock()


def doc_counts(session: Session, terms: list[str]) -> dict[str, int]:
    """How many indexed documents hold each term; terms in none are left out."""
    now = time.monotonic()
    sql = SQLITE_COUNT if session.get_bind().dialect.name == "sqlite" else POSTGRES_COUNT
    counts: dict[str, int] = {}
    for term in terms:
        cached = _cache.get(term)
        if cached and now - cached[1] < TTL:
            counts[term] = cached[0]
            continue
        found = session.execute(text(sql), {"term": term}).scalar()
        if found:
            counts[term] = found
            _remember(term, found, now)
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
        _cache.clear()


def _remember(term: str, count: int, now: float) -> None:
    with _lock:
        if len(_cache) >= MAX_CACHED:
            _cache.clear()
        _cache[term] = (count, now)
