"""Questions: stored with their language, answered from the store when confident
(services/store_match.py judges whether a piece of a practice answers).

A member's answer that askers found helpful can be promoted to an FAQ pair of a
practice (`promote`); answered from the store later, it carries its credit: the
answerer's name when they agreed to it, otherwise their role and country.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, select

from content.models import Answer, Faq, Member, Practice, Question
from services import search
from services.store_match import Credit, StoredAnswer, best_answer

__all__ = ["Asked", "Conflict", "Credit", "NotFound", "StoredAnswer", "ask", "best_answer",
           "promote", "rate"]


class NotFound(LookupError):
    """No such question, answer or practice (moderator actions)."""


class Conflict(ValueError):
    """The question or answer is not in a state that allows the action."""


@dataclass(frozen=True)
class Asked:
    """The stored question and the answer found for it, if any."""

    question_id: int
    answer: StoredAnswer | None


def ask(*, session: Session, member: Member, text: str, langs: list[str]) -> Asked:
    """Stores the question and looks for a confident answer in the member's languages."""
    found = best_answer(session=session, text=text, langs=langs)
    values = dict(member_id=member.id, lang=langs[0], text=text[:2000],
                  status="answered" if found else "open", practice_slug=None,
                  answer_kind=None, answer_text=None, score=None)
    if found:
        values.update(practice_slug=found.slug, answer_kind=found.kind,
                      answer_text=found.text, score=found.score)
    session.flush()  # the member's pending changes first, as a flush did before
    # A Core INSERT: a Question object built and flushed cost half an ASK turn's own time.
    return Asked(session.execute(_INSERT, values).scalar_one(), found)


_INSERT = insert(Question.__table__).returning(Question.__table__.c.id)


def rate(*, session: Session, question_id: int | None, helpful: bool, now: datetime) -> None:
    """Stores the rating; an unhelpful answer leaves the question open for a person."""
    row = session.get(Question, question_id) if question_id else None
    if row is None:
        return
    row.helpful, row.rated_at = helpful, now
    if not helpful:
        row.status = "open"
    session.add(row)


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
