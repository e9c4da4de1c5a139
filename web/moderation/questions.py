"""Questions and answers: the queues (held answers, translations both ways, escalated
questions, questions waiting for quiet hours, FAQ candidates) and what moderators do
with them: answer, assign, route again or close a question; approve (with an edit),
hold, reject (with a reason), translate, promote an answer, ask its writer about
attribution.

Lists are the account's scope (services.queues, filtered by `lang`, `country`, `org`);
acting on a question outside it is 404. The actions are bot/moderated.py's, the same
the console's pages call: every one is written to the audit log, and whatever it lets
out (an answer to its asker, a question to a resource person, a message about a closed
question) is queued to the outbox in the same transaction. Responses carry ids,
languages, countries and texts: never phone numbers, chat ids or usernames.

No `from __future__ import annotations` here: FastAPI reads the route signatures, whose
moderator dependency is local to make_router.
"""

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlmodel import Session

from bot import moderated
from content.db import session_scope
from content.languages import LANGUAGE_CODES
from content.models import utcnow
from services import questions, queues
from services.access import Principal
from services.audit import record
from web.moderation import auth
from web.moderation.question_rows import QueueFilters, candidates, people, queue, waiting
from web.params import RowId

TEXT_MAX = 4000
LANG_PATTERN = "^(" + "|".join(LANGUAGE_CODES) + ")$"


class Approval(BaseModel):
    """An approval, with the text for the asker: a translation, or the moderator's edit
    of an answer in the asker's language (`text` is the same field, shorter)."""

    text_for_asker: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)
    text: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)


class Translation(BaseModel):
    """A moderator's translation, or a moderator's own answer."""

    text: str = Field(min_length=1, max_length=TEXT_MAX)


class Assignment(BaseModel):
    """The resource person (a member id) who gets the question."""

    member_id: RowId


class Closing(BaseModel):
    """The message the asker gets with the question closed."""

    message: str = Field(min_length=1, max_length=1000)


class Rejection(BaseModel):
    """Why the answer is not sent on (told to its writer)."""

    reason: str | None = Field(default=None, max_length=1000)


class Promotion(BaseModel):
    """Where a helpful answer goes in the store; all optional but the defaults must work
    (the asker's language and words, the question's practice or the best search hit).
    `attribution`: named (only where the writer agreed), anonymous, or as they agreed."""

    practice: str | None = Field(default=None, max_length=80)
    question: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)
    answer: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)
    lang: str | None = Field(default=None, pattern=LANG_PATTERN)
    attribution: Literal["named", "anonymous"] | None = None


def works_on(who: Principal, name: str) -> None:
    """403 unless the account works on the queue (translators: the translations only)."""
    if name not in queues.visible(who):
        raise HTTPException(403, f"the {who.role} role works on the translation queue only")


def make_router(services) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    moderator = Annotated[Principal, Depends(auth.require(services, "questions.act"))]
    translator = Annotated[Principal, Depends(auth.require(services, "translations.act"))]
    curator = Annotated[Principal, Depends(auth.require(services, "faq.act"))]
    reader = Annotated[Principal, Depends(auth.require(services, "queues.read"))]

    def act(who: Principal, action: str, target: str, target_id: int,
            change: Callable[[Session], moderated.Done]) -> dict:
        """Runs a change, sends its notices and writes the audit row, in one transaction."""
        now = utcnow()
        with session_scope(services.db) as session:
            try:
                done = change(session)
            except questions.NotFound as exc:
                raise HTTPException(404, str(exc)) from exc
            except questions.Conflict as exc:
                raise HTTPException(409, str(exc)) from exc
            sent = moderated.deliver(session, services.catalog, done, now=now)
            record(session=session, actor=who, action=action, target_type=target,
                   target_id=target_id, **done.shown, messages_sent=sent)
        return {**done.shown, "messages_sent": sent}

    @router.get("/questions/queue")
    def question_queue(who: reader, filters: Annotated[QueueFilters, Query()]) -> dict:
        """Held answers, questions and answers to translate, escalated questions."""
        with Session(services.db) as session:
            return queue(session, who, filters.of())

    @router.get("/questions/waiting")
    def waiting_questions(who: reader, filters: Annotated[QueueFilters, Query()]) -> list:
        """Questions waiting for their answerers' quiet hours to end, and until when."""
        works_on(who, "waiting")
        with Session(services.db) as session:
            return waiting(session, who, filters.of(), utcnow())

    @router.get("/questions/{question_id}/resource-people")
    def resource_people(question_id: RowId, who: moderator) -> list:
        """Resource people who read the question (or its English text)."""
        with Session(services.db) as session:
            try:
                question = moderated.question_in_scope(session, who, question_id)
            except questions.NotFound as exc:
                raise HTTPException(404, str(exc)) from exc
            return people(session, question)

    @router.get("/answers/candidates")
    def faq_candidates(who: reader, filters: Annotated[QueueFilters, Query()]) -> list:
        """Answers askers found helpful that are not in the FAQ yet."""
        works_on(who, "faq")
        with Session(services.db) as session:
            return candidates(session, who, filters.of())

    @router.post("/questions/{question_id}/answer")
    def answer(question_id: RowId, body: Translation, who: moderator) -> dict:
        """The moderator's own answer: the asker gets it and rates it."""
        return act(who, "question.answer", "question", question_id, lambda s: moderated.answer(
            s, who, question_id=question_id, text=body.text, now=utcnow()))

    @router.post("/questions/{question_id}/assign")
    def assign(question_id: RowId, body: Assignment, who: moderator) -> dict:
        """A resource person gets the question with a reply code."""
        return act(who, "question.assign", "question", question_id, lambda s: moderated.assign(
            s, who, question_id=question_id, member_id=body.member_id, now=utcnow()))

    @router.post("/questions/{question_id}/route")
    def route(question_id: RowId, who: moderator) -> dict:
        """Routes the question again to people not asked yet; `outcome` says what came
        of it (routed, translation, quiet, nobody)."""
        return act(who, "question.route", "question", question_id,
                   lambda s: moderated.route_again(s, who, question_id=question_id,
                                                   now=utcnow()))

    @router.post("/questions/{question_id}/close")
    def close(question_id: RowId, body: Closing, who: moderator) -> dict:
        """Closes the question; the asker gets the message."""
        return act(who, "question.close", "question", question_id, lambda s: moderated.close(
            s, who, question_id=question_id, message=body.message, now=utcnow()))

    @router.post("/answers/{answer_id}/approve")
    def approve(answer_id: RowId, who: moderator,
                body: Annotated[Approval | None, Body()] = None) -> dict:
        """Lets the answer go to the asker (now, if it is in the asker's language)."""
        text = (body.text or body.text_for_asker) if body else None
        return act(who, "answer.approve", "answer", answer_id, lambda s: moderated.approve(
            s, who, answer_id=answer_id, text=text, now=utcnow()))

    @router.post("/answers/{answer_id}/hold")
    def hold(answer_id: RowId, who: moderator) -> dict:
        """Stops an approved answer that has not gone out."""
        return act(who, "answer.hold", "answer", answer_id,
                   lambda s: moderated.hold(s, who, answer_id=answer_id))

    @router.post("/answers/{answer_id}/reject")
    def reject(answer_id: RowId, who: moderator,
               body: Annotated[Rejection | None, Body()] = None) -> dict:
        """The answer never goes to the asker; its writer is told why."""
        reason = body.reason if body else None
        return act(who, "answer.reject", "answer", answer_id, lambda s: moderated.reject(
            s, who, answer_id=answer_id, reason=reason))

    @router.post("/answers/{answer_id}/translation")
    def translate_answer(answer_id: RowId, body: Translation, who: translator) -> dict:
        """The answer in the asker's language; relayed if it is approved."""
        return act(who, "answer.translate", "answer", answer_id,
                   lambda s: moderated.translate_answer(s, who, answer_id=answer_id,
                                                        text=body.text, now=utcnow()))

    @router.post("/questions/{question_id}/translation")
    def translate_question(question_id: RowId, body: Translation, who: translator) -> dict:
        """The question in English; its waiting answerers get it now."""
        return act(who, "question.translate", "question", question_id,
                   lambda s: moderated.translate_question(s, who, question_id=question_id,
                                                          text=body.text))

    @router.post("/answers/{answer_id}/promote")
    def promote(answer_id: RowId, who: curator,
                body: Annotated[Promotion | None, Body()] = None) -> dict:
        """Makes the answer an FAQ pair of a practice; the next asker gets it."""
        body = body or Promotion()
        named = None if body.attribution is None else body.attribution == "named"
        return act(who, "answer.promote", "answer", answer_id, lambda s: moderated.promote(
            s, who, answer_id=answer_id, named=named, practice=body.practice,
            lang=body.lang, question=body.question, answer_text=body.answer))

    @router.post("/answers/{answer_id}/ask-attribution")
    def ask_attribution(answer_id: RowId, who: curator) -> dict:
        """Asks the answer's writer whether it may carry their name."""
        return act(who, "answer.ask_attribution", "answer", answer_id,
                   lambda s: moderated.ask_attribution(s, who, answer_id=answer_id,
                                                       now=utcnow()))

    return router
