"""Questions: stored with their language, answered from the store when confident.

Search ranks practices; whether the best FAQ answer or snippet really answers the
question is judged apart, by how much of the question's meaning the piece covers: the
share of the question's words found in it, each word weighted by how rare it is in the
index (1 / log(2 + documents holding it)), so "how", "do", "my" count for little and
"dry", "fish", "savings" for much. Scores from bm25 and ts_rank are not comparable
across databases; this share is.

A member's answer that askers found helpful can be promoted to an FAQ pair of a
practice (`promote`); answered from the store later, it carries its credit: the
answerer's name when they agreed to it, otherwise their role and country.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from content.models import (
    Answer,
    Faq,
    Member,
    Practice,
    PracticeTranslation,
    Question,
    SearchDoc,
    Snippet,
)
from content.segment import words
from services import search
from services.language import normalize
from services.search.terms import doc_counts

CONFIDENT = 0.6  # share of the question's weighted words the answer must contain


class NotFound(LookupError):
    """No such question, answer or practice (moderator actions)."""


class Conflict(ValueError):
    """The question or answer is not in a state that allows the action."""


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
        weights = word_weights(session, text, lang)
        if not weights:
            continue
        hits = [h for h in search.search(session=session, query=text, lang=lang, limit=5)
                if h.lang == lang and h.kind in ("faq", "snippet")]
        scored = [(coverage(session, h, weights), h) for h in hits]
        scored = [(c, h) for c, h in scored if c >= CONFIDENT]
        if scored:
            share, hit = max(scored, key=lambda pair: pair[0])
            return _stored(session, hit, share)
    return None


def word_weights(session: Session, text: str, lang: str) -> dict[str, float]:
    """Each distinct word of the text, weighted by how rare it is in the index."""
    terms = list(dict.fromkeys(words(normalize(text), lang)))
    if not terms:
        return {}
    counts = doc_counts(session, terms)  # a word no document holds weighs the most
    return {t: 1 / math.log(2 + counts.get(t, 0)) for t in terms}


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
    credit = None
    if hit.kind == "faq":
        faq = session.get(Faq, doc.ref_id)
        text, credit = faq.answer, _credit(session, faq)
    else:
        text = session.get(Snippet, doc.ref_id).text
    return StoredAnswer(text, title, practice.slug, hit.kind, round(share, 3), credit)


def _credit(session: Session, faq: Faq) -> Credit | None:
    answer = session.get(Answer, faq.answer_id) if faq.answer_id else None
    member = session.get(Member, answer.member_id) if answer and answer.member_id else None
    if member is None:
        return None
    return Credit(faq.attribution, member.country, member.role)


def promote(*, session: Session, answer_id: int, lang: str | None = None,
            practice: str | None = None, question: str | None = None,
            answer: str | None = None, named: bool | None = None) -> Faq:
    """Makes a member's answer an FAQ pair of a practice in one language (by default
    the asker's, with the asker's question and the text they received). The practice is
    the question's own, or else the best search hit. The caller reindexes the practice."""
    # The pair carries the answerer's name only where they agreed (for this answer or in
    # general): `named` True insists on it (Conflict without their agreement), False
    # leaves the name out, None names them where they agreed.
    row = session.get(Answer, answer_id)
    if row is None:
        raise NotFound(f"no answer {answer_id}")
    if row.promoted_faq_id is not None:
        raise Conflict(f"answer {answer_id} is already FAQ {row.promoted_faq_id}")
    if row.status not in ("approved", "relayed"):
        raise Conflict(f"answer {answer_id} is {row.status}")
    asked = session.get(Question, row.question_id)
    lang = lang or asked.lang
    question = (question or _question_in(asked, lang) or "").strip()
    answer = (answer or _answer_in(row, asked, lang) or "").strip()
    if not question or not answer:
        raise Conflict(f"no question or answer text in {lang}: give them")
    target = _practice(session, asked, practice)
    member = session.get(Member, row.member_id) if row.member_id else None
    agreed = member is not None and bool(member.name) \
        and (row.attribution or member.attribution) == "named"
    if named and not agreed:
        raise Conflict(f"the answerer of {answer_id} did not agree to be named")
    named = agreed if named is None else named
    last = session.exec(select(Faq.position).where(Faq.practice_id == target.id,
                                                   Faq.lang == lang)
                        .order_by(Faq.position.desc())).first()
    faq = Faq(practice_id=target.id, lang=lang, position=(last or 0) + 1,
              question=question, answer=answer, answer_id=row.id,
              attribution=member.name if named else None)
    session.add(faq)
    session.flush()
    row.promoted_faq_id, row.faq_candidate = faq.id, False
    session.add(row)
    session.flush()
    return faq


def _question_in(asked: Question, lang: str) -> str | None:
    if lang == asked.lang:
        return asked.text
    return asked.text_en if lang == "en" else None


def _answer_in(row: Answer, asked: Question, lang: str) -> str | None:
    if lang == asked.lang and row.text_for_asker:
        return row.text_for_asker
    return row.text if lang == row.lang else None


def _practice(session: Session, asked: Question, slug: str | None) -> Practice:
    if slug:
        found = session.exec(select(Practice).where(Practice.slug == slug)).first()
        if found is None:
            raise NotFound(f"no practice {slug!r}")
        return found
    if asked.practice_id:
        return session.get(Practice, asked.practice_id)
    hits = search.search(session=session, query=asked.text, lang=asked.lang, limit=1)
    found = session.exec(select(Practice).where(Practice.slug == hits[0].practice)).first() \
        if hits else None
    if found is None:
        raise Conflict("no practice fits the question: name one")
    return found
