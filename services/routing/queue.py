"""The moderators' side of routing: unanswered questions escalate after a while, and
one queue shows held answers, questions to translate and escalated questions.

The queue carries ids, languages and texts only: never phone numbers or chat ids.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists
from sqlmodel import Session, select

from content.models import Answer, Question, QuestionRoute

ESCALATE_AFTER = timedelta(hours=48)
PENDING = ("open", "routed")  # a question someone still has to answer
QUEUE_LIMIT = 200


def due_for_escalation(*, session: Session, now: datetime,
                       after: timedelta = ESCALATE_AFTER) -> list[int]:
    """Routed questions with no answer whose first route is older than `after`."""
    answered = exists().where(Answer.question_id == Question.id)
    old_route = exists().where(QuestionRoute.question_id == Question.id,
                               QuestionRoute.created_at <= now - after)
    query = (select(Question.id)
             .where(Question.status == "routed", Question.escalated_at.is_(None),
                    ~answered, old_route)
             .order_by(Question.id))
    return list(session.exec(query).all())


def escalate(*, session: Session, question_id: int, now: datetime) -> None:
    """Puts the question in the moderators' queue (once; the first time is kept)."""
    question = session.get(Question, question_id)
    if question is not None and question.escalated_at is None:
        question.escalated_at = now
        session.add(question)
        session.flush()


def moderator_queue(*, session: Session) -> dict:
    """{"held_answers": [...], "needs_translation": [...], "escalated": [...]}."""
    held = session.exec(select(Answer.id, Answer.question_id, Answer.lang, Answer.text,
                               Question.text)
                        .join(Question, Question.id == Answer.question_id)
                        .where(Answer.status == "held")
                        .order_by(Answer.id).limit(QUEUE_LIMIT)).all()
    return {
        "held_answers": [{"id": a, "question_id": q, "lang": lang, "text": text,
                          "question_text": question}
                         for a, q, lang, text, question in held],
        "needs_translation": _questions(session, Question.needs_translation.is_(True)),
        "escalated": _questions(session, Question.escalated_at.is_not(None)),
    }


def _questions(session: Session, condition) -> list[dict]:
    rows = session.exec(select(Question.id, Question.lang, Question.text)
                        .where(condition, Question.status.in_(PENDING))
                        .order_by(Question.id).limit(QUEUE_LIMIT)).all()
    return [{"id": i, "lang": lang, "text": text} for i, lang, text in rows]
