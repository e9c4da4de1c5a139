"""Data for the search benchmark: the question set, the default-tokenizer baseline, and
10,000 generated practices cloned from the bundled ones.

The baseline is what the issue names: SQLite FTS5 with its default tokenizer over the raw
(unsegmented) text of the same documents, the query split at spaces and each piece
quoted. Khmer, Lao, Burmese and Thai questions have no spaces, so each is one phrase.
"""

from __future__ import annotations

import csv
import random
import sqlite3
from pathlib import Path

from sqlalchemy import insert, select
from sqlmodel import Session

from content.models import Faq, Practice, PracticeTranslation, SearchDoc, Snippet

QUESTIONS = Path(__file__).resolve().parent / "data" / "search_questions.tsv"


def questions() -> list[tuple[str, str, str]]:
    """(lang, expected slug, question) rows of the question set."""
    with QUESTIONS.open(encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")),
                          delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(lang, slug, text) for lang, slug, text in rows]


class Baseline:
    """FTS5 with the default tokenizer over the raw text of every searchdoc row."""

    def __init__(self, session: Session) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE doc USING fts5(text, slug UNINDEXED, "
                        "lang UNINDEXED)")
        rows = session.execute(select(SearchDoc.text, Practice.slug, SearchDoc.lang).join(
            Practice, Practice.id == SearchDoc.practice_id))
        self.db.executemany("INSERT INTO doc VALUES (?, ?, ?)", [tuple(r) for r in rows])

    def top(self, query: str, lang: str, k: int = 3) -> list[str]:
        """The best k practices: requested language first, then English."""
        pieces = ['"' + p.replace('"', '""') + '"' for p in query.split()]
        found = self.db.execute(
            "SELECT slug, lang, bm25(doc) FROM doc WHERE doc MATCH ? AND lang IN (?, 'en') "
            "ORDER BY bm25(doc) LIMIT 200", (" OR ".join(pieces), lang)).fetchall()
        ordered = sorted(found, key=lambda r: (r[1] != lang, r[2]))
        return list(dict.fromkeys(slug for slug, _, _ in ordered))[:k]


def generate(session: Session, total: int, seed: int = 7) -> list[int]:
    """Clones the bundled practices (lightly varied: numbered titles, shuffled snippets,
    some FAQ dropped) until the store holds `total`; returns the new practice ids."""
    rng = random.Random(seed)
    originals = list(session.execute(select(Practice).order_by(Practice.id)).scalars())
    texts = {p.id: _texts(session, p.id) for p in originals}
    new_ids: list[int] = []
    for n in range(total - len(originals)):
        base = originals[n % len(originals)]
        pid = session.execute(insert(Practice).values(
            slug=f"{base.slug}-{n}", pack="bench", status="published", country=base.country,
            topics=base.topics, sectors=base.sectors, sources=[]).returning(Practice.id)
        ).scalar_one()
        _clone(session, pid, texts[base.id], n, rng)
        new_ids.append(pid)
    session.flush()
    return new_ids


def _texts(session: Session, pid: int) -> dict:
    def rows(table):
        return list(session.execute(select(table).where(table.practice_id == pid)).scalars())
    return {"translations": rows(PracticeTranslation), "snippets": rows(Snippet),
            "faq": rows(Faq)}


def _clone(session: Session, pid: int, texts: dict, n: int, rng: random.Random) -> None:
    session.execute(insert(PracticeTranslation), [
        {"practice_id": pid, "lang": t.lang, "title": f"{t.title} ({n})", "body": t.body,
         "approach": t.approach, "results": t.results, "reviewed": False}
        for t in texts["translations"]])
    snippets = list(texts["snippets"])
    rng.shuffle(snippets)
    positions: dict[str, int] = {}
    rows = []
    for s in snippets:
        positions[s.lang] = positions.get(s.lang, -1) + 1
        rows.append({"practice_id": pid, "lang": s.lang, "position": positions[s.lang],
                     "text": s.text})
    session.execute(insert(Snippet), rows)
    faq = [f for f in texts["faq"] if rng.random() > 0.3]
    if faq:
        session.execute(insert(Faq), [
            {"practice_id": pid, "lang": f.lang, "position": f.position,
             "question": f.question, "answer": f.answer} for f in faq])
