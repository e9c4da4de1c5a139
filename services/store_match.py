"""Whether the content store answers a member's question, and with which piece of it.

Search ranks practices; whether one really answers is judged apart, by how much of the
question's meaning a piece covers: the share of the question's words found in it, each
word weighted by how rare it is in the index (1 / log(2 + documents holding it)), so
"how", "do", "my" count for little and "dry", "fish", "savings" for much. Words that only
shape a question ("how", "gmn", "ไหม": services/search/fillers.py) count for nothing, and
a word no text holds ("durian") weighs the most. Scores from bm25 and ts_rank are not
comparable across databases; this share is.

A piece (an FAQ answer or a snippet) is read together with what names its practice in
the same language, its title and its keywords (FORMAT.md): "raise rice yield" in Khmer is
covered by an SRI snippet once the Khmer keywords say "yield". Words typed without
Vietnamese diacritics match the text that has them (content.segment.indexed).

The passes, the first confident one answers:
1. each of the member's languages in turn (their own, then English): the pieces there;
2. for a member whose language is not English, the English text of the practices whose
   translation in that language is short (under half the English): the question's words
   are looked for in all of the practice's English (title, article, template texts,
   pieces, keywords), as members mix English words into their questions.
An answer found in English is sent in the member's language where the practice has text
there: the same piece (the FAQ pair or snippet at the same place), else its first
snippet; in English only when the practice has no piece in the member's language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from content.models import (
    Answer,
    Faq,
    Member,
    Practice,
    PracticeTranslation,
    SearchDoc,
    Snippet,
)
from content.segment import words
from services import published, search
from services.language import normalize
from services.search.fillers import fillers
from services.search.terms import doc_counts

CONFIDENT = 0.6  # share of the question's weighted words the answer must contain
SHORT = 0.5  # a translation under this share of the English text is short
CANDIDATES = 5  # practices judged per pass, in search order
NEARLY = 0.1  # a shorter piece covering this much less of the question still answers
PIECES = ("faq", "snippet")
NAMES = ("title", "keywords")


@dataclass(frozen=True)
class Credit:
    """Who gave an answer promoted from a member: their name only if they agreed."""

    name: str | None
    country: str | None
    role: str


@dataclass(frozen=True)
class StoredAnswer:
    """The text to send, where it comes from, and how sure the match is."""

    text: str
    title: str
    slug: str
    kind: str
    score: float
    credit: Credit | None = None
    lang: str = "en"


@dataclass(frozen=True)
class _Doc:
    id: int
    practice_id: int
    lang: str
    kind: str
    ref_id: int | None
    size: int
    tokens: frozenset[str]


def best_answer(*, session: Session, text: str, langs: list[str]) -> StoredAnswer | None:
    """The best-covering FAQ answer or snippet, by the passes above; None if no piece
    covers enough of the question."""
    own = langs[0] if langs else "en"
    weights = word_weights(session, text, own)  # the question is in the member's language
    if not weights:
        return None
    for lang in langs:
        found = _judge(session, text, weights, lang, own)
        if found:
            return found
    if own != "en" and "en" in langs:
        return _judge(session, text, weights, "en", own, whole=True)
    return None


def word_weights(session: Session, text: str, lang: str) -> dict[str, float]:
    """Each distinct word of the text that is not a filler, weighted by how rare it is
    in the index."""
    skip = fillers(lang) | fillers("en")
    terms = [t for t in dict.fromkeys(words(normalize(text), lang)) if t not in skip]
    if not terms:
        return {}
    counts = doc_counts(session, terms)  # a word no document holds weighs the most
    return {t: 1 / math.log(2 + counts.get(t, 0)) for t in terms}


def share(tokens: Iterable[str], weights: dict[str, float]) -> float:
    """The weighted share of the question's words that the tokens hold."""
    held = tokens if isinstance(tokens, set | frozenset) else set(tokens)
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in held) / total if total else 0.0


def _judge(session: Session, text: str, weights: dict[str, float], lang: str, own: str,
           whole: bool = False) -> StoredAnswer | None:
    """The best piece in `lang` of the practices search finds; with `whole`, practices
    are judged on all their text in `lang` and only those short in `own` are taken."""
    hits = search.search(session=session, query=text, lang=lang, limit=CANDIDATES)
    order = _practice_ids(session, hits)
    docs = _docs(session, order, {lang, own})
    best: tuple[float, _Doc] | None = None
    for practice_id in order:
        mine = [d for d in docs if d.practice_id == practice_id and d.lang == lang]
        if whole and not _short(docs, practice_id, own, lang):
            continue
        found = _best_piece(mine, weights, whole)
        if found and found[0] >= CONFIDENT and (best is None or found[0] > best[0]):
            best = found
    return _stored(session, best[1], own, best[0]) if best else None


def _best_piece(docs: list[_Doc], weights: dict[str, float],
                whole: bool) -> tuple[float, _Doc] | None:
    """(share, piece) of a practice's best piece; with `whole`, the share is that of all
    the practice's text and the piece the one that covers most."""
    names = frozenset().union(*(d.tokens for d in docs if d.kind in NAMES))
    pieces = [d for d in docs if d.kind in PIECES]
    if not pieces:
        return None
    # with the names, then on its own (which piece speaks of it), the first of equals in
    # story order; then the shortest piece that speaks of it as much and covers nearly
    # as much (each SMS is paid)
    scored = [(share(d.tokens | names, weights), share(d.tokens, weights), d) for d in pieces]
    best = max(scored, key=lambda row: row[:2])
    top = min((row for row in scored if row[1] >= best[1] and row[0] >= CONFIDENT
               and row[0] >= best[0] - NEARLY), key=lambda row: row[2].size, default=best)
    if whole:
        return share(frozenset().union(*(d.tokens for d in docs)), weights), top[2]
    return top[0], top[2]


def _short(docs: list[_Doc], practice_id: int, own: str, english: str) -> bool:
    """Whether the practice's text in `own` is under SHORT of its English."""
    def size(lang: str) -> int:
        return sum(d.size for d in docs if d.practice_id == practice_id and d.lang == lang
                   and d.kind != "keywords")
    return size(own) < SHORT * size(english)


def _practice_ids(session: Session, hits: list[search.Hit]) -> list[int]:
    if not hits:
        return []
    known = published.cached(session, "searchdoc practice", dict)  # doc id -> practice
    missing = [h.doc_id for h in hits if h.doc_id not in known]
    if missing:
        known.update(session.exec(select(SearchDoc.id, SearchDoc.practice_id).where(
            SearchDoc.id.in_(missing))).all())
    return list(dict.fromkeys(known[h.doc_id] for h in hits if h.doc_id in known))


def _docs(session: Session, practice_ids: list[int], langs: set[str]) -> list[_Doc]:
    """The index rows of these practices in these languages, snippets before FAQ pairs,
    each in its order (each practice's rows read once per process: services/published)."""
    return [doc for practice_id in practice_ids
            for doc in published.cached(session, ("searchdocs", practice_id),
                                        lambda p=practice_id: _read_docs(session, p))
            if doc.lang in langs]


def _read_docs(session: Session, practice_id: int) -> tuple[_Doc, ...]:
    rows = session.exec(select(SearchDoc).where(SearchDoc.practice_id == practice_id)
                        .order_by(SearchDoc.id)).all()
    rank = {"snippet": 0, "faq": 1}
    rows = sorted(rows, key=lambda r: (rank.get(r.kind, 2), r.ref_id or 0))
    return tuple(_Doc(r.id, r.practice_id, r.lang, r.kind, r.ref_id, len(r.text),
                      frozenset((r.tokens or "").split())) for r in rows)


@dataclass(frozen=True)
class _Piece:
    """What a member is sent of a stored piece, without its credit (read each time)."""

    text: str
    title: str
    slug: str
    kind: str
    lang: str
    answer_id: int | None = None  # a FAQ promoted from a member's answer
    attribution: str | None = None


def _stored(session: Session, doc: _Doc, own: str, score: float) -> StoredAnswer:
    """The piece as the member gets it: in their language where the practice has it."""
    piece = published.cached(session, ("stored piece", doc.kind, doc.ref_id, own),
                             lambda: _piece(session, doc, own))
    credit = _credit(session, piece) if piece.kind == "faq" else None
    return StoredAnswer(piece.text, piece.title, piece.slug, piece.kind, round(score, 3),
                        credit, piece.lang)


def _piece(session: Session, doc: _Doc, own: str) -> _Piece:
    table = Faq if doc.kind == "faq" else Snippet
    row = session.get(table, doc.ref_id)
    if doc.lang != own:
        row = _in_language(session, row, own) or row
    kind = "faq" if isinstance(row, Faq) else "snippet"
    title = session.exec(select(PracticeTranslation.title).where(
        PracticeTranslation.practice_id == row.practice_id,
        PracticeTranslation.lang == row.lang)).first()
    slug = session.get(Practice, row.practice_id).slug
    text = row.answer if kind == "faq" else row.text
    if kind == "faq":
        return _Piece(text, title or slug, slug, kind, row.lang, row.answer_id,
                      row.attribution)
    return _Piece(text, title or slug, slug, kind, row.lang)


def _in_language(session: Session, row: Faq | Snippet, lang: str) -> Faq | Snippet | None:
    """The same piece in another language (same kind and place), else the practice's
    first snippet there."""
    table = type(row)
    same = session.exec(select(table).where(table.practice_id == row.practice_id,
                                            table.lang == lang,
                                            table.position == row.position)).first()
    return same or session.exec(select(Snippet).where(
        Snippet.practice_id == row.practice_id, Snippet.lang == lang)
        .order_by(Snippet.position)).first()


def _credit(session: Session, piece: _Piece) -> Credit | None:
    """Who answered, read on every answer (a member's country or role may change)."""
    answer = session.get(Answer, piece.answer_id) if piece.answer_id else None
    member = session.get(Member, answer.member_id) if answer and answer.member_id else None
    if member is None:
        return None
    return Credit(piece.attribution, member.country, member.role)
