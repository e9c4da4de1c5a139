"""Answers a query with the best practices: FTS5 bm25 on SQLite, ts_rank on PostgreSQL.

The query goes through the same normalisation and segmentation as the index, and only
its words reach the database, as bound parameters: on SQLite each word becomes a quoted
FTS5 string (quotes doubled), so `AND`, `NEAR(`, `*` or `tokens:` are plain words; on
PostgreSQL each word goes through plainto_tsquery. Words are ORed (a member's question
has many words; requiring all of them finds nothing) and the ranking sorts it out.
Queries made only of words shorter than three characters, and one-word queries the index
cannot answer (a partly typed word, "ស្រូ"), fall back to a substring scan of the tokens.

Where PostgreSQL's time went at 10,000 practices (bench/search.py, EXPLAIN (ANALYZE,
BUFFERS), 600,000 index rows): first the word counts, a capped count per word that read
up to 12,000 heap rows; they now come from searchdoc_term in one query (terms.py). Then
the ranking: at that size even a question's rarest word is in thousands of documents
("agriculture": 5,831, since the benchmark's clones repeat the same texts), and ts_rank
reads each one's tsvector. In searchdoc a body's tsvector (about 4 kB compressed) was
moved out to TOAST beside its text and tokens: 12,000 buffers for 4,165 rows, about
20 ms warm. Two changes, measured on one generated database:
- ranking reads `searchdoc_rank` (migration 0015: id, practice, language, kind and the
  tsvector kept in the row, by triggers): 4,600 buffers for the same rows; it has no
  language index, so the language is checked on the GIN matches instead of a BitmapAnd
  with up to 140,000 entries of ix_searchdoc_lang (8-15 ms of a query);
- when even the rarest word is over BUDGET, the documents holding both rarest words are
  ranked first ("set" 5,004 documents, "set" and "seed" 833); only if they give fewer
  practices than asked for are the documents holding the rarest word ranked as well.
p95 of the bench's 200 questions, warm: 34.6 ms before (load average 2.2); 19.1 ms
with the pair alone (load 1.6); 16.1 ms with the narrow table alone and 11.3 ms with both
(side by side, load 2.7-2.8); the full bench's figures are in bench/README.md. What is
left is the tsvectors of the few thousand documents that still match a question made
only of common words that never meet in one document.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from content.segment import words
from services.language import normalize
from services.search.terms import doc_counts, rarest_pair, within_budget

MAX_WORDS = 64  # a query's distinct words looked at, at most (each costs a look-up)
CANDIDATES = 200  # documents ranked before grouping them by practice
SNIPPET_CHARS = 320
KIND_WEIGHT = {"title": 1.5, "keywords": 1.5, "faq": 1.2, "snippet": 1.0, "body": 0.8}


@dataclass(frozen=True)
class Hit:
    """A practice found, with the piece of it that matched best."""

    practice: str  # slug
    snippet: str
    score: float
    lang: str
    kind: str
    doc_id: int = 0  # the searchdoc row, for callers that need more than the snippet


def search(*, session: Session, query: str, lang: str | None = None,
           limit: int = 10) -> list[Hit]:
    """The best practices for `query`, in `lang` first and then English if lang is given."""
    terms = list(dict.fromkeys(words(normalize(query or ""), lang)))[:MAX_WORDS]
    if not terms or limit < 1:
        return []
    langs = None if lang is None else sorted({lang, "en"})
    sqlite = session.get_bind().dialect.name == "sqlite"
    short = all(len(t) < 3 for t in terms)
    rows: list = []
    if not short:
        rows = (_sqlite_rows(session, terms, langs) if sqlite
                else _postgres_rows(session, terms, langs, limit))
    if not rows and (short or len(terms) == 1):  # a scan is for a word or two, not prose
        rows = _substring_rows(session, " ".join(terms), langs, sqlite)
    return _hits(session, _group(rows, lang)[:limit])


def _sqlite_rows(session: Session, terms: list[str], langs: list[str] | None) -> list:
    chosen = within_budget(doc_counts(session, terms))
    if not chosen:
        return []
    match = " OR ".join('"' + t.replace('"', '""') + '"' for t in chosen)
    where, params = _lang_filter(langs)
    # rank inside FTS5 alone (bm25 is the cost), then look the few best rows up
    best = ("SELECT rowid, bm25(searchdoc_fts) AS rank FROM searchdoc_fts "
            f"WHERE searchdoc_fts MATCH :match ORDER BY rank LIMIT {CANDIDATES}")
    sql = (f"SELECT d.id, d.practice_id, d.lang, d.kind, -f.rank AS score FROM ({best}) f "
           f"JOIN searchdoc d ON d.id = f.rowid WHERE 1 = 1 {where}")
    rows = list(session.execute(text(sql), {"match": match, **params}))
    if langs and not rows:  # the best were all in other languages: filter while ranking
        sql = ("SELECT d.id, d.practice_id, d.lang, d.kind, -bm25(searchdoc_fts) AS score "
               "FROM searchdoc_fts JOIN searchdoc d ON d.id = searchdoc_fts.rowid "
               f"WHERE searchdoc_fts MATCH :match {where} ORDER BY score DESC "
               f"LIMIT {CANDIDATES}")
        rows = list(session.execute(text(sql), {"match": match, **params}))
    return rows


def _postgres_rows(session: Session, terms: list[str], langs: list[str] | None,
                   want: int) -> list:
    counts = doc_counts(session, terms)
    both: list = []
    pair = rarest_pair(counts)
    if pair:  # rank the documents holding both rarest words, if they give `want` practices
        both = _postgres_ranked(session, pair, langs, every=True)
        if len({row[1] for row in both}) >= want:
            return both
    chosen = within_budget(counts)
    either = _postgres_ranked(session, chosen, langs, every=False) if chosen else []
    seen = {row[0] for row in both}  # too few together: those first, then any holding one
    return both + [row for row in either if row[0] not in seen]


def _postgres_ranked(session: Session, terms: list[str], langs: list[str] | None,
                     every: bool) -> list:
    """The best CANDIDATES documents holding any of `terms` (all of them if `every`),
    ranked by ts_rank against any of them."""
    names = {f"t{i}": t for i, t in enumerate(terms)}
    each = [f"plainto_tsquery('simple', :{n})" for n in names]
    ranked = " || ".join(each)
    matched = " && ".join(each) if every else ranked
    where, params = _lang_filter(langs)
    sql = ("SELECT d.id, d.practice_id, d.lang, d.kind, ts_rank(d.tsv, q.ranked, 1) AS score "
           f"FROM searchdoc_rank d, (SELECT {ranked} AS ranked, {matched} AS matched) q "
           f"WHERE d.tsv @@ q.matched {where} ORDER BY score DESC LIMIT {CANDIDATES}")
    return list(session.execute(text(sql), {**names, **params}))


def _substring_rows(session: Session, needle: str, langs: list[str] | None,
                    sqlite: bool) -> list:
    """Documents whose tokens contain `needle` (LIKE with % and _ escaped)."""
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    where, params = _lang_filter(langs)
    # shorter documents where the needle stands out more rank first
    length = "length" if sqlite else "char_length"
    sql = ("SELECT d.id, d.practice_id, d.lang, d.kind, "
           f"1.0 * {length}(:needle) / (1 + {length}(d.tokens)) AS score FROM searchdoc d "
           f"WHERE d.tokens LIKE :pattern ESCAPE '\\' {where} "
           f"ORDER BY score DESC LIMIT {CANDIDATES}")
    return list(session.execute(text(sql), {"pattern": pattern, "needle": needle, **params}))


def _lang_filter(langs: list[str] | None) -> tuple[str, dict]:
    if not langs:
        return "", {}
    names = {f"lang{i}": code for i, code in enumerate(langs)}
    return "AND d.lang IN (" + ", ".join(f":{n}" for n in names) + ")", names


def _group(rows: list, lang: str | None) -> list[tuple[int, str, str, float]]:
    """(doc id, lang, kind, score) of the best document per practice, best first; the
    requested language before English."""
    best: dict[int, tuple[bool, float, int, str, str]] = {}
    for doc_id, practice_id, doc_lang, kind, score in rows:
        other = lang is not None and doc_lang != lang
        weighted = float(score) * KIND_WEIGHT.get(kind, 1.0)
        mine = (other, -weighted, doc_id, doc_lang, kind)
        if practice_id not in best or mine < best[practice_id]:
            best[practice_id] = mine
    return [(doc_id, doc_lang, kind, -neg) for _, neg, doc_id, doc_lang, kind
            in sorted(best.values())]


def _hits(session: Session, chosen: list[tuple[int, str, str, float]]) -> list[Hit]:
    """The chosen documents as hits, with their practice's slug and text."""
    if not chosen:
        return []
    names = {f"d{i}": doc_id for i, (doc_id, *_) in enumerate(chosen)}
    # keywords are for matching, not for showing: their hit shows the practice's title
    found = {doc_id: (slug, body) for doc_id, slug, body in session.execute(text(
        "SELECT d.id, p.slug, CASE WHEN d.kind = 'keywords' THEN t.title ELSE d.text END "
        "FROM searchdoc d JOIN practice p ON p.id = d.practice_id "
        "LEFT JOIN practicetranslation t ON d.kind = 'keywords' AND t.id = d.ref_id "
        "WHERE d.id IN (" + ", ".join(f":{n}" for n in names) + ")"), names)}
    return [Hit(found[doc_id][0], _clip(found[doc_id][1]), round(score, 6), doc_lang, kind,
                doc_id) for doc_id, doc_lang, kind, score in chosen if doc_id in found]


def _clip(value: str) -> str:
    return value if len(value) <= SNIPPET_CHARS else value[:SNIPPET_CHARS - 1] + "…"
