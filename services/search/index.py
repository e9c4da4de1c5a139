"""Builds searchdoc rows from the content store.

Each published practice gives, per language: its title, each snippet, each FAQ pair
(question and answer together), its body (the article plus the documentation template
fields) and its keywords (what members call it beyond its texts; FORMAT.md). Text is
normalised (services.language.normalize: Zawgyi, SARA AM, controls) and segmented into
words (content.segment.indexed: words with Latin diacritics are held once more without).
The FTS5 table (SQLite, by triggers) and the tsvector (PostgreSQL, a generated column)
follow the rows by themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from content.models import Faq, Practice, PracticeTranslation, SearchDoc, Snippet
from content.segment import indexed
from services.language import normalize
from services.search.terms import forget

TEMPLATE = ("body", "cooperation", "approach", "shared_across_borders", "shared_in_country",
            "results")
BATCH = 5000
# RETURNING makes SQLAlchemy send multi-row INSERTs (insertmanyvalues, 1,000 rows a
# statement) where psycopg's executemany would send one statement a row; on PostgreSQL
# each statement fires searchdoc_term's triggers (migration 0014), and in one long
# transaction a trigger a row made every common word's row a chain of versions to walk:
# a full reindex of 10,000 practices grew quadratic.
INSERT = insert(SearchDoc).returning(SearchDoc.id)


def reindex(*, session: Session, practice_ids: Iterable[int] | None = None) -> int:
    """Rebuilds the index rows of the given practices (all if None) in the caller's
    transaction; only published practices get rows. Returns the number of rows written."""
    ids = None if practice_ids is None else sorted(set(practice_ids))
    if ids == []:
        return 0
    wipe = delete(SearchDoc)
    if ids is not None:
        wipe = wipe.where(SearchDoc.practice_id.in_(ids))
    session.execute(wipe)
    written = 0
    for chunk in _chunks(_published(session, ids), 500):
        rows = list(_docs(session, chunk))
        for start in range(0, len(rows), BATCH):
            session.execute(INSERT, rows[start:start + BATCH])
        written += len(rows)
    session.flush()
    forget()
    return written


def _published(session: Session, ids: list[int] | None) -> list[int]:
    query = select(Practice.id).where(Practice.status == "published")
    if ids is not None:
        query = query.where(Practice.id.in_(ids))
    return list(session.execute(query).scalars())


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _docs(session: Session, ids: list[int]) -> Iterator[dict]:
    for tr in session.execute(select(PracticeTranslation).where(
            PracticeTranslation.practice_id.in_(ids))).scalars():
        yield _doc(tr.practice_id, tr.lang, "title", tr.id, tr.title)
        body = "\n\n".join(getattr(tr, key) or "" for key in TEMPLATE).strip()
        if body:
            yield _doc(tr.practice_id, tr.lang, "body", tr.id, body)
        if tr.keywords:
            yield _doc(tr.practice_id, tr.lang, "keywords", tr.id, "\n".join(tr.keywords))
    for sn in session.execute(select(Snippet).where(Snippet.practice_id.in_(ids))).scalars():
        yield _doc(sn.practice_id, sn.lang, "snippet", sn.id, sn.text)
    for faq in session.execute(select(Faq).where(Faq.practice_id.in_(ids))).scalars():
        yield _doc(faq.practice_id, faq.lang, "faq", faq.id, f"{faq.question}\n{faq.answer}")


def _doc(practice_id: int, lang: str, kind: str, ref_id: int, text: str) -> dict:
    clean = normalize(text)
    return {"practice_id": practice_id, "lang": lang, "kind": kind, "ref_id": ref_id,
            "text": clean, "tokens": indexed(clean, lang)}


def unindexed(session: Session) -> list[int]:
    """Published practices with no index rows (content imported before the index
    existed, or by a writer that forgot to reindex)."""
    indexed = select(SearchDoc.practice_id).distinct()
    return list(session.execute(select(Practice.id).where(
        Practice.status == "published", Practice.id.not_in(indexed))).scalars())
