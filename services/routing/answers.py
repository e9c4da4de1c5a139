"""Answers by reply code, and what moderators and askers do with them.

"A57 dry them on raised racks…" from the member the route went to becomes an Answer to
the routed question. A first-time answerer's answer is held for a moderator (unless
told otherwise); after one approved answer, their answers go out directly. An answer in
another language than the asker's waits for a moderator's translation (`text_for_asker`).

Status: held -> approved -> relayed, or rejected. Moderator actions raise
services.questions' `NotFound` or `Conflict` (the web layer answers 404 and 409).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from content.models import Answer, Member, Question, QuestionRoute
from services.language import detect_language
from services.questions import Conflict, NotFound
from services.routing.codes import parse_code

TRUSTED = ("approved", "relayed")  # an answer that passed a moderator


def waiting_route(*, session: Session, member_id: int, code: str) -> QuestionRoute | None:
    """The route with this code still waiting for this member's answer, if any."""
    found = session.exec(select(QuestionRoute).where(QuestionRoute.code == code.upper(),
                                                     QuestionRoute.status == "sent")
                         .order_by(QuestionRoute.id.desc())).first()
    return found if found is not None and found.member_id == member_id else None


def answer_by_code(*, session: Session, member_id: int, text: str, now: datetime,
                   hold_new_answerers: bool = True) -> Answer | None:
    """The Answer stored for a coded reply, or None (no code, unknown, someone else's)."""
    parsed = parse_code(text)
    if parsed is None:
        return None
    code, body = parsed
    found = waiting_route(session=session, member_id=member_id, code=code)
    if found is None or not body:
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


def known_attribution(*, session: Session, member_id: int) -> str | None:
    """What the answerer said earlier about showing their name (named | anonymous)."""
    return session.exec(select(Answer.attribution).where(
        Answer.member_id == member_id, Answer.attribution.is_not(None))
        .order_by(Answer.id.desc()).limit(1)).first()


def get_answer(session: Session, answer_id: int) -> Answer:
    """The answer, or NotFound."""
    answer = session.get(Answer, answer_id)
    if answer is None:
        raise NotFound(f"no answer {answer_id}")
    return answer


def approve(*, session: Session, answer_id: int, text_for_asker: str | None = None) -> Answer:
    """Lets a held answer go to the asker (with a translation, if given)."""
    answer = get_answer(session, answer_id)
    if answer.status not in ("held", "approved"):
        raise Conflict(f"answer {answer_id} is {answer.status}")
    if session.get(Question, answer.question_id).status == "closed":
        raise Conflict(f"question {answer.question_id} is closed")
    answer.status = "approved"
    if text_for_asker:
        answer.text_for_asker = text_for_asker.strip()
    session.add(answer)
    session.flush()
    return answer


def hold(*, session: Session, answer_id: int) -> Answer:
    """Stops an approved answer that has not gone out yet."""
    return _set_status(session, answer_id, "held", allowed=("held", "approved"))


def reject(*, session: Session, answer_id: int) -> Answer:
    """The answer never goes to the asker."""
    return _set_status(session, answer_id, "rejected", allowed=("held", "approved",
                                                                "rejected"))


def _set_status(session: Session, answer_id: int, status: str, allowed) -> Answer:
    answer = get_answer(session, answer_id)
    if answer.status not in allowed:
        raise Conflict(f"answer {answer_id} is {answer.status}")
    answer.status = status
    session.add(answer)
    session.flush()
    return answer


def translate_answer(*, session: Session, answer_id: int, text: str) -> Answer:
    """A moderator's translation of the answer into the asker's language."""
    answer = get_answer(session, answer_id)
    if answer.status in ("rejected", "relayed"):
        raise Conflict(f"answer {answer_id} is {answer.status}")
    if not text.strip():
        raise Conflict("the translation is empty")
    answer.text_for_asker = text.strip()
    session.add(answer)
    session.flush()
    return answer


def translate_question(*, session: Session, question_id: int, text: str) -> Question:
    """A moderator's English text of a question, for answerers who read English."""
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound(f"no question {question_id}")
    if not text.strip():
        raise Conflict("the translation is empty")
    question.text_en = text.strip()
    session.add(question)
    session.flush()
    return question


def mark_relayed(*, session: Session, answer: Answer, now: datetime) -> None:
    """The answer went to the asker: the question counts as answered."""
    question = session.get(Question, answer.question_id)
    answer.status, answer.relayed_at = "relayed", now
    question.status = "answered"
    session.add_all([answer, question])
    session.flush()


def rate_answer(*, session: Session, answer_id: int, helpful: bool) -> Answer | None:
    """The asker's rating; a helpful answer becomes a candidate for the FAQ."""
    answer = session.get(Answer, answer_id)
    if answer is None:
        return None
    answer.helpful = helpful
    answer.faq_candidate = helpful
    session.add(answer)
    session.flush()
    return answer


def reopen(*, session: Session, question_id: int) -> Question | None:
    """Opens an answered question again so that it can be routed to other people."""
    question = session.get(Question, question_id)
    if question is not None and question.status in ("answered", "routed"):
        question.status = "open"
        session.add(question)
        session.flush()
    return question
