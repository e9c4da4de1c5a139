"""Questions and answers: held answers, the translation queue (both directions),
escalated questions, and promotion of helpful answers to the FAQ.

Every action is written to the audit log, and whatever it lets out (an answer to its
asker, a translated question to its answerers) is queued to the outbox in the same
transaction. Responses carry ids, languages, countries and texts: never phone numbers,
chat ids or usernames.

No `from __future__ import annotations` here: FastAPI reads the route signatures, whose
moderator dependency is local to make_router.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlmodel import Session, select

from bot import notify
from bot.flows import answering
from content.db import session_scope
from content.languages import LANGUAGE_CODES
from content.models import Answer, Member, Question, utcnow
from services import questions, routing, search
from services.access import Principal
from services.audit import record
from services.routing import answers
from services.routing.queue import QUEUE_LIMIT
from web.moderation import auth

TEXT_MAX = 4000
LANG_PATTERN = "^(" + "|".join(LANGUAGE_CODES) + ")$"


class Approval(BaseModel):
    """An approval, with the text for the asker when it had to be translated."""

    text_for_asker: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)


class Translation(BaseModel):
    """A moderator's translation."""

    text: str = Field(min_length=1, max_length=TEXT_MAX)


class Promotion(BaseModel):
    """Where a helpful answer goes in the store; all optional but the defaults must work
    (the asker's language and words, the question's practice or the best search hit)."""

    practice: str | None = Field(default=None, max_length=80)
    question: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)
    answer: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)
    lang: str | None = Field(default=None, pattern=LANG_PATTERN)


def make_router(services) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    moderator = Annotated[Principal, Depends(auth.require(services, "questions.act"))]
    translator = Annotated[Principal, Depends(auth.require(services, "translations.act"))]
    curator = Annotated[Principal, Depends(auth.require(services, "faq.act"))]
    reader = [Depends(auth.require(services, "queues.read"))]

    def act(who: Principal, action: str, target: str, target_id: int,
            change: Callable[[Session], tuple[dict, list]]) -> dict:
        """Runs a change, sends its notices and writes the audit row, in one transaction."""
        now = utcnow()
        with session_scope(services.db) as session:
            try:
                shown, notices = change(session)
            except questions.NotFound as exc:
                raise HTTPException(404, str(exc)) from exc
            except questions.Conflict as exc:
                raise HTTPException(409, str(exc)) from exc
            sent = sum(bool(notify.deliver(session, services.catalog, n, now=now))
                       for n in notices)
            record(session=session, actor=who, action=action, target_type=target,
                   target_id=target_id, **shown, messages_sent=sent)
        return {**shown, "messages_sent": sent}

    @router.get("/questions/queue", dependencies=reader)
    def queue() -> dict:
        """Held answers, questions and answers to translate, escalated questions."""
        with Session(services.db) as session:
            return routing.moderator_queue(session=session)

    @router.get("/answers/candidates", dependencies=reader)
    def candidates() -> list[dict]:
        """Answers askers found helpful that are not in the FAQ yet."""
        with Session(services.db) as session:
            return _candidates(session)

    @router.post("/answers/{answer_id}/approve")
    def approve(answer_id: int, who: moderator,
                body: Annotated[Approval | None, Body()] = None) -> dict:
        """Lets the answer go to the asker (now, if it is in the asker's language)."""
        text = body.text_for_asker if body else None
        return act(who, "answer.approve", "answer", answer_id, lambda s: _relayed(
            s, answers.approve(session=s, answer_id=answer_id, text_for_asker=text)))

    @router.post("/answers/{answer_id}/hold")
    def hold(answer_id: int, who: moderator) -> dict:
        """Stops an approved answer that has not gone out."""
        return act(who, "answer.hold", "answer", answer_id, lambda s: (
            _shown(answers.hold(session=s, answer_id=answer_id)), []))

    @router.post("/answers/{answer_id}/reject")
    def reject(answer_id: int, who: moderator) -> dict:
        """The answer never goes to the asker."""
        return act(who, "answer.reject", "answer", answer_id, lambda s: (
            _shown(answers.reject(session=s, answer_id=answer_id)), []))

    @router.post("/answers/{answer_id}/translation")
    def translate_answer(answer_id: int, body: Translation, who: translator) -> dict:
        """The answer in the asker's language; relayed if it is approved."""
        return act(who, "answer.translate", "answer", answer_id, lambda s: _relayed(
            s, answers.translate_answer(session=s, answer_id=answer_id, text=body.text)))

    @router.post("/questions/{question_id}/translation")
    def translate_question(question_id: int, body: Translation, who: translator) -> dict:
        """The question in English; its waiting answerers get it now."""
        def change(session: Session) -> tuple[dict, list]:
            question = answers.translate_question(session=session, question_id=question_id,
                                                  text=body.text)
            return ({"id": question.id, "lang": question.lang, "text_en": question.text_en},
                    answering.waiting_notices(session, question.id))
        return act(who, "question.translate", "question", question_id, change)

    @router.post("/answers/{answer_id}/promote")
    def promote(answer_id: int, who: curator,
                body: Annotated[Promotion | None, Body()] = None) -> dict:
        """Makes the answer an FAQ pair of a practice; the next asker gets it."""
        body = body or Promotion()

        def change(session: Session) -> tuple[dict, list]:
            faq = questions.promote(session=session, answer_id=answer_id, lang=body.lang,
                                    practice=body.practice, question=body.question,
                                    answer=body.answer)
            search.reindex(session=session, practice_ids=[faq.practice_id])
            return {"id": answer_id, "faq_id": faq.id, "practice_id": faq.practice_id,
                    "lang": faq.lang, "question": faq.question, "answer": faq.answer,
                    "attribution": faq.attribution}, []
        return act(who, "answer.promote", "answer", answer_id, change)

    return router


def _relayed(session: Session, answer: Answer) -> tuple[dict, list]:
    notices = answering.relay_answer(session, answer.id, utcnow())
    return _shown(answer), notices


def _shown(answer: Answer) -> dict:
    return {"id": answer.id, "question_id": answer.question_id, "status": answer.status,
            "lang": answer.lang, "text_for_asker": answer.text_for_asker}


def _candidates(session: Session) -> list[dict]:
    rows = session.exec(select(Answer, Question, Member.country)
                        .join(Question, Question.id == Answer.question_id)
                        .outerjoin(Member, Member.id == Answer.member_id)
                        .where(Answer.faq_candidate.is_(True),
                               Answer.promoted_faq_id.is_(None))
                        .order_by(Answer.id).limit(QUEUE_LIMIT)).all()
    return [{"id": a.id, "question_id": q.id, "question_lang": q.lang,
             "question_text": q.text, "question_text_en": q.text_en, "lang": a.lang,
             "text": a.text, "text_for_asker": a.text_for_asker,
             "attribution": a.attribution or "anonymous", "answerer_country": country}
            for a, q, country in rows]
