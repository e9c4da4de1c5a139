"""The moderators' side of routing: unanswered questions escalate after a while, questions
left waiting for answerers' quiet hours are picked up again, and one queue shows held
answers, the translation queue (questions to English, answers to the asker's language)
and escalated questions.

The queue carries ids, languages, countries and texts only: never phone numbers or chat
ids.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_
from sqlmodel import Session, select

from content.models import Answer, Member, Question, QuestionRoute

ESCALATE_AFTER = timedelta(hours=48)
PENDING = ("open", "routed")  # a question someone still has to answer
QUEUE_LIMIT = 200
SWEEP_BATCH = 50  # waiting questions routed again per sweep


def due_for_escalation(*, session: Session, now: datetime,
                       after: timedelta = ESCALATE_AFTER) -> list[int]:
    """Pending questions with no usable answer whose latest routing (or, never routed,
    whose asking) is older than `after`. A rejected answer, or one the asker said did
    not help, is no answer."""
    usable = exists().where(Answer.question_id == Question.id, Answer.status != "rejected",
                            or_(Answer.helpful.is_(None), Answer.helpful.is_(True)))
    latest = (select(func.max(QuestionRoute.created_at))
              .where(QuestionRoute.question_id == Question.id).scalar_subquery())
    query = (select(Question.id)
             .where(Question.status.in_(PENDING), Question.escalated_at.is_(None), ~usable,
                    func.coalesce(latest, Question.created_at) <= now - after)
             .order_by(Question.id))
    return list(session.exec(query).all())


def escalate(*, session: Session, question_id: int, now: datetime) -> None:
    """Puts the question in the moderators' queue (once; the first time is kept)."""
    question = session.get(Question, question_id)
    if question is not None and question.escalated_at is None:
        question.escalated_at = now
        session.add(question)
        session.flush()


def waiting_for_answerers(*, session: Session, limit: int = SWEEP_BATCH) -> list[int]:
    """Open questions nobody has been asked yet and no moderator holds: the ones whose
    answerers were all in their quiet hours. Locked for this transaction where the
    database can (several workers sweep at once)."""
    query = (select(Question.id)
             .where(Question.status == "open", Question.escalated_at.is_(None),
                    ~exists().where(QuestionRoute.question_id == Question.id,
                                    QuestionRoute.status == "sent"))
             .order_by(Question.id).limit(limit).with_for_update(skip_locked=True))
    return list(session.exec(query).all())


def moderator_queue(*, session: Session) -> dict:
    """{"held_answers", "questions_to_translate", "answers_to_translate", "escalated"}."""
    return {
        "held_answers": _answers(session, Answer.status == "held"),
        "questions_to_translate": _questions(session, Question.needs_translation.is_(True),
                                             Question.text_en.is_(None)),
        "answers_to_translate": _answers(session, Answer.text_for_asker.is_(None),
                                         Answer.status.in_(("held", "approved"))),
        "escalated": _questions(session, Question.escalated_at.is_not(None)),
    }


def _answers(session: Session, *conditions) -> list[dict]:
    rows = session.exec(select(Answer, Question, Member.country)
                        .join(Question, Question.id == Answer.question_id)
                        .outerjoin(Member, Member.id == Answer.member_id)
                        .where(*conditions).order_by(Answer.id).limit(QUEUE_LIMIT)).all()
    return [{"id": a.id, "question_id": q.id, "status": a.status, "lang": a.lang,
             "text": a.text, "text_for_asker": a.text_for_asker, "answerer_country": country,
             "question_lang": q.lang, "question_text": q.text, "question_text_en": q.text_en}
            for a, q, country in rows]


def _questions(session: Session, *conditions) -> list[dict]:
    rows = session.exec(select(Question, Member.country)
                        .join(Member, Member.id == Question.member_id)
                        .where(*conditions, Question.status.in_(PENDING))
                        .order_by(Question.id).limit(QUEUE_LIMIT)).all()
    return [{"id": q.id, "lang": q.lang, "text": q.text, "text_en": q.text_en,
             "status": q.status, "asker_country": country,
             "escalated_at": q.escalated_at.isoformat() if q.escalated_at else None}
            for q, country in rows]
