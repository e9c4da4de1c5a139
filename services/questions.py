"""Questions: stored with their language, answered from the store when confident.

Search ranks practices; whether the best FAQ answer or snippet really answers the
question is judged apart, by how much of the question's meaning the piece covers: the
share of the question's words found in it, each word weighted by how rare it is in the
index (1 / log(2 + documents holding it)), so "how", "do", "my" count for little and
"dry", "fish", "savings" for much. Scores from bm25 and ts_rank are not comparable
across databases; this share is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from content.models import Faq, Member, Practice, PracticeTranslation, Question, SearchDoc, Snippet
from content.segment import words
from services import search
from services.language import normalize
from services.search.terms import doc_counts

CONFIDENT = 0.6  # share of the question's weighted words the answer must contain


@dataclass(frozen=True)
class StoredAnswer:
    """The text to send, where it comes from, and how sure the match is."""

    text: str
    title: str
    slug: str
    kind: str
    score: float


@dataclass(frozen=True)
class Asked:
    """The stored question and the answer found for it, if any."""

    question_id: int
    answer: StoredAnswer | None


def ask(*, session: Session, member: Member, text: str, langs: list[str]) -> Asked:
    """Stores the question and looks for a confident answer in the member's languages."""
    found = best_answer(session=session, text=text, langs=langs)
    row = Question(member_id=member.id, lang=langs[0], text=text[:2000],
                   status="answered" if found else "open")
    if found:
        row.practice_slug, row.answer_kind = found.slug, found.kind
        row.answer_text, row.score = found.text, found.score
    session.add(row)
    session.flush()
    return Asked(row.id, found)


def rate(*, session: Session, question_id: int | None, helpful: bool, now: datetime) -> None:
    """Stores the rating; an unhelpful answer leaves the question open for a person."""
    row = session.get(Question, question_id) if question_id else None
    if row is None:
        return
    row.helpful, row.rated_at = helpful, now
    if not helpful:
        row.status = "open"
    session.add(row)


def best_answer(*, session: Session, text: str, langs: list[str]) -> StoredAnswer | None:
    """The best-covering FAQ answer or snippet in the first language that has one."""
    for lang in langs:
        terms = list(dict.fromkeys(words(normalize(text), lang)))
        if not terms:
            continue
        counts = doc_counts(session, terms)  # a word no document holds weighs the most
        weights = {t: 1 / math.log(2 + counts.get(t, 0)) for t in terms}
        hits = [h for h in search.search(session=session, query=text, lang=lang, limit=5)
                if h.lang == lang and h.kind in ("faq", "snippet")]
        scored = [(coverage(session, h, weights), h) for h in hits]
        scored = [(c, h) for c, h in scored if c >= CONFIDENT]
        if scored:
            share, hit = max(scored, key=lambda pair: pair[0])
            return _stored(session, hit, share)
    return None


def coverage(session: Session, hit, weights: dict[str, float]) -> float:
    """The weighted share of the question's words that the hit's text contains."""
    tokens = set((session.get(SearchDoc, hit.doc_id).tokens or "").split())
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in tokens) / total if total else 0.0


def _stored(session: Session, hit, share: float) -> StoredAnswer:
    doc = session.get(SearchDoc, hit.doc_id)
    practice = session.get(Practice, doc.practice_id)
    title = session.exec(select(PracticeTranslation.title).where(
        PracticeTranslation.practice_id == practice.id,
        PracticeTranslation.lang == hit.lang)).first() or practice.slug
    if hit.kind == "faq":
        text = session.get(Faq, doc.ref_id).answer
    else:
        text = session.get(Snippet, doc.ref_id).text
    return StoredAnswer(text, title, practice.slug, hit.kind, round(share, 3))
