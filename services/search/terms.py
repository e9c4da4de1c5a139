"""Which words of a query to send to the index, by how many documents hold each.

Ranking is the cost of a search: bm25 runs for every document that matches any word, a
few microseconds each. A question's rarest words carry its meaning, so words are taken
rarest first while their document counts add up to at most BUDGET (always at least the
rarest one); at a few hundred practices every word fits. Counts come from the fts5vocab
table (SQLite), which reads a word's document list, or from `searchdoc_term`
(PostgreSQL, migration 0014: each lexeme's document count, kept by triggers), and are
cached for TTL seconds, per database engine (two databases in one process never share
counts; reindex clears them; a stale count only shifts which words are sent).

PostgreSQL used to count each word with a capped count over the GIN index: at 10,000
practices EXPLAIN ANALYZE showed a bitmap heap scan of up to 12,000 rows per common word
(several milliseconds each, a round trip each), most of a search's 178 ms at p95. Now all
the words of a query the cache lacks are counted in one statement of primary key
look-ups. A word the parser splits into several lexemes ("self-help": self-help, self,
help; plainto_tsquery ANDs them) counts as its rarest lexeme, an upper bound of the old
count; a word with a lexeme no document holds is in none, as before.
"""

from __future__ import annotations

import threading
import time
import weakref

from sqlalchemy import text
from sqlmodel import Session

BUDGET = 1200  # documents the ranking may score, summed over the chosen words
SQLITE_COUNT = "SELECT doc FROM searchdoc_vocab WHERE term = :term"
POSTGRES_COUNTS = (
    "SELECT w.word, min(coalesce(t.docs, 0)) FROM unnest(CAST(:words AS text[])) AS w(word) "
    "CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('simple', w.word))) AS l(lexeme) "
    "LEFT JOIN searchdoc_term t ON t.term = l.lexeme GROUP BY w.word")
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
    with _lock:
        cache = _caches.setdefault(engine, {})
    counts: dict[str, int] = {}
    missing: list[str] = []
    for term in terms:
        cached = cache.get(term)
        if cached and now - cached[1] < TTL:
            counts[term] = cached[0]
        else:
            missing.append(term)
    if not missing:
        return counts
    looked_up = (_sqlite_counts if bind.dialect.name == "sqlite" else _postgres_counts)(
        session, missing)
    for term in missing:  # in the query's order, as the cached ones
        if looked_up.get(term):
            counts[term] = looked_up[term]
            _remember(cache, term, looked_up[term], now)
    return {term: counts[term] for term in terms if term in counts}


def _sqlite_counts(session: Session, terms: list[str]) -> dict[str, int]:
    # one look-up per word: fts5vocab answers `term =` from its index, not an IN list
    return {term: session.execute(text(SQLITE_COUNT), {"term": term}).scalar() or 0
            for term in terms}


def _postgres_counts(session: Session, terms: list[str]) -> dict[str, int]:
    return dict(session.execute(text(POSTGRES_COUNTS), {"words": terms}).all())


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


def rarest_pair(counts: dict[str, int]) -> list[str]:
    """The two rarest terms when even the rarest alone is over BUDGET, else none: a
    search may then take the documents holding both (far fewer) before all of either."""
    ordered = sorted(counts, key=counts.get)
    if len(ordered) < 2 or counts[ordered[0]] <= BUDGET:
        return []
    return ordered[:2]


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
