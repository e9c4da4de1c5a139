"""Answers by reply code: "A57 dry them on raised racks…" from the member the route
went to becomes an Answer to the routed question.

A first-time answerer's answer is held for a moderator (unless told otherwise); after
one approved answer, their answers go out directly.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from content.models import Answer, Member, Question, QuestionRoute
from services.language import detect_language
from services.routing.codes import parse_code

TRUSTED = ("approved", "relayed")  # an answer that passed a moderator


def answer_by_code(*, session: Session, member_id: int, text: str, now: datetime,
                   hold_new_answerers: bool = True) -> Answer | None:
    """The Answer stored for a coded reply, or None (no code, unknown, someone else's)."""
    parsed = parse_code(text)
    if parsed is None:
        return None
    code, body = parsed
    found = session.exec(select(QuestionRoute).where(QuestionRoute.code == code,
                                                     QuestionRoute.status == "sent")
                         .order_by(QuestionRoute.id.desc())).first()
    if found is None or found.member_id != member_id or not body:
        return None
    question = session.get(Question, found.question_id)
    member = session.get(Member, member_id)
    lang = _answer_lang(question, member, body)
    answer = Answer(question_id=question.id, member_id=member_id, lang=lang, text=body,
                    text_for_asker=body if lang == question.lang else None,
                    status="held" if hold_new_answerers and _new(session, member_id)
                    else "approved", created_at=now)
    found.status, found.answered_at = "answered", now
    session.add_all([answer, found])
    session.flush()
    return answer


def _answer_lang(question: Question, member: Member, text: str) -> str:
    """The asker's language when the answerer reads it and no translation was asked
    for; otherwise what the text is written in, among the languages the answerer reads
    (a moderator translates it for the asker)."""
    reads = [member.language, *(member.languages or [])]
    if question.lang in reads and not question.needs_translation:
        return question.lang
    found = detect_language(text, country=member.country, prior=member.language)
    return found if found in reads else member.language


def _new(session: Session, member_id: int) -> bool:
    trusted = select(Answer.id).where(Answer.member_id == member_id,
                                      Answer.status.in_(TRUSTED)).limit(1)
    return session.exec(trusted).first() is None
