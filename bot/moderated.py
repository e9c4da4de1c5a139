"""Moderators' actions on questions and answers, with the messages they send members:
the console's queue pages and the moderation API call these, so both do the same.

Each action checks that the account may see the question (services.queues: a question
outside its scope is `NotFound`, as if it did not exist), changes the data
(services.routing.console, .answers, services.questions) and returns a `Done`: what to
show and audit, and the notices to queue, which `deliver` puts in the outbox in the
caller's transaction (the asker gets an answer in their language and channel, with the
rating question, exactly as a peer's answer; the answerer hears why theirs was not sent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot import notify
from bot.catalog import Catalog
from bot.flows import answering
from bot.replies import Notice, Reply
from content.models import Answer, Question
from services import questions, queues, search
from services.access import Principal
from services.questions import NotFound
from services.routing import answers, console

EXCERPT = 60  # characters of a member's text quoted back to them
CLOSED = "queues.closed"
REJECTED = "queues.answer_rejected"
REJECTED_PLAIN = "queues.answer_rejected_plain"
ATTRIBUTION_LEAD = "queues.attribution_lead"


@dataclass
class Done:
    """What an action did: fields to show and audit, and notices to queue."""

    shown: dict
    notices: list[Notice] = field(default_factory=list)


def deliver(session: Session, catalog: Catalog, done: Done, *, now: datetime) -> int:
    """Queues the action's notices; how many members they reached."""
    return sum(bool(notify.deliver(session, catalog, n, now=now)) for n in done.notices)


def question_in_scope(session: Session, principal: Principal, question_id: int) -> Question:
    """The question if the account may see it; NotFound otherwise."""
    found = queues.one_question(session, principal, question_id)
    if found is None:
        raise NotFound(f"no question {question_id}")
    return found[0]


def answer_in_scope(session: Session, principal: Principal, answer_id: int) -> Answer:
    """The answer if the account may see its question; NotFound otherwise."""
    found = queues.one_answer(session, principal, answer_id)
    if found is None:
        raise NotFound(f"no answer {answer_id}")
    return found[0]


def answer(session: Session, principal: Principal, *, question_id: int, text: str,
           now: datetime) -> Done:
    """The moderator answers: the asker gets it and rates it, as a peer's answer."""
    question_in_scope(session, principal, question_id)
    row = console.answer_question(session=session, question_id=question_id, now=now,
                                  account_id=principal.account_id, text=text)
    notices = answering.relay_answer(session, row.id, now)  # before: it marks it relayed
    return Done(shown(row), notices)


def assign(session: Session, principal: Principal, *, question_id: int, member_id: int,
           now: datetime) -> Done:
    """A resource person the moderator chose gets the question with a reply code."""
    question = question_in_scope(session, principal, question_id)
    route = console.assign(session=session, question_id=question_id, member_id=member_id,
                           now=now)
    notices = answering.question_notices(session, question, [(member_id, route.code)],
                                         list(question.topics or []))
    return Done({"question_id": question_id, "member_id": member_id, "code": route.code,
                 "status": question.status}, notices)


def route_again(session: Session, principal: Principal, *, question_id: int,
                now: datetime) -> Done:
    """Routes the question to people not asked yet. `outcome`: routed (to `routed`
    people), translation (routed, waiting for the English text), quiet (everyone who
    could take it is in quiet hours: it waits for them) or nobody (it stays escalated)."""
    question_in_scope(session, principal, question_id)
    console.open_for_routing(session=session, question_id=question_id)
    result, notices = answering.route_with_notices(session, question_id, now)
    question = session.get(Question, question_id)
    if result.routes:
        outcome = "translation" if result.needs_translation and not question.text_en \
            else "routed"
    elif question.escalated_at is not None:
        outcome = "nobody"
    else:  # the people asked before keep it from the quiet-hours sweep: end their codes
        console.expire_routes(session=session, question_id=question_id)
        outcome = "quiet"
    return Done({"question_id": question_id, "outcome": outcome,
                 "routed": len(result.routes), "reasons": result.reasons,
                 "topics": result.topics}, notices)


def close(session: Session, principal: Principal, *, question_id: int, message: str,
          now: datetime) -> Done:
    """Closes the question; the asker gets the moderator's message."""
    question_in_scope(session, principal, question_id)
    message = message.strip()
    if not message:
        raise questions.Conflict("a message to the asker is needed")
    question = console.close(session=session, question_id=question_id, now=now)
    notice = Notice(question.member_id, (Reply(CLOSED, {"text": excerpt(question.text),
                                                        "message": message}),))
    return Done({"question_id": question_id, "status": question.status,
                 "message": message}, [notice])


def approve(session: Session, principal: Principal, *, answer_id: int,
            text: str | None = None, now: datetime) -> Done:
    """Approves the answer, with the moderator's edit or translation if given; it goes
    to the asker as soon as it is in the asker's language."""
    current = answer_in_scope(session, principal, answer_id)
    before: dict = {}
    if text and text.strip() and text.strip() != current.text_for_asker:
        row, before = console.approve_edited(session=session, answer_id=answer_id,
                                             text=text)
    else:
        row = answers.approve(session=session, answer_id=answer_id)
    notices = answering.relay_answer(session, row.id, now)
    return Done({**shown(row), **before}, notices)


def hold(session: Session, principal: Principal, *, answer_id: int) -> Done:
    """Stops an approved answer that has not gone out."""
    answer_in_scope(session, principal, answer_id)
    return Done(shown(answers.hold(session=session, answer_id=answer_id)))


def reject(session: Session, principal: Principal, *, answer_id: int,
           reason: str | None) -> Done:
    """The answer never goes to the asker; its writer is told, with the reason."""
    answer_in_scope(session, principal, answer_id)
    row = console.reject(session=session, answer_id=answer_id, reason=reason)
    notices = []
    if row.member_id is not None:
        reply = Reply(REJECTED, {"answer": excerpt(row.text), "reason": row.reject_reason}) \
            if row.reject_reason else Reply(REJECTED_PLAIN, {"answer": excerpt(row.text)})
        notices.append(Notice(row.member_id, (reply,)))
    return Done({**shown(row), "reason": row.reject_reason}, notices)


def translate_question(session: Session, principal: Principal, *, question_id: int,
                       text: str) -> Done:
    """The question in English; the English readers it waits for get it now."""
    question_in_scope(session, principal, question_id)
    question = answers.translate_question(session=session, question_id=question_id,
                                          text=text)
    return Done({"id": question.id, "lang": question.lang, "text_en": question.text_en},
                answering.waiting_notices(session, question.id))


def translate_answer(session: Session, principal: Principal, *, answer_id: int, text: str,
                     now: datetime) -> Done:
    """The answer in the asker's language; relayed if it is approved."""
    answer_in_scope(session, principal, answer_id)
    row = answers.translate_answer(session=session, answer_id=answer_id, text=text)
    notices = answering.relay_answer(session, row.id, now)
    return Done(shown(row), notices)


def promote(session: Session, principal: Principal, *, answer_id: int,
            named: bool | None = None, practice: str | None = None, lang: str | None = None,
            question: str | None = None, answer_text: str | None = None) -> Done:
    """The answer becomes an FAQ pair of a practice, named only where its writer agreed."""
    answer_in_scope(session, principal, answer_id)
    faq = questions.promote(session=session, answer_id=answer_id, lang=lang, named=named,
                            practice=practice, question=question, answer=answer_text)
    search.reindex(session=session, practice_ids=[faq.practice_id])
    return Done({"id": answer_id, "faq_id": faq.id, "practice_id": faq.practice_id,
                 "lang": faq.lang, "question": faq.question, "answer": faq.answer,
                 "attribution": faq.attribution})


def ask_attribution(session: Session, principal: Principal, *, answer_id: int,
                    now: datetime) -> Done:
    """Asks the answerer whether the answer may carry their name; the answer waits."""
    answer_in_scope(session, principal, answer_id)
    row = console.ask_attribution(session=session, answer_id=answer_id, now=now)
    lead = Reply(ATTRIBUTION_LEAD, {"answer": excerpt(row.text)})  # their own words
    notice = answering.attribution_notice(row.member_id, answer_id=row.id, before=(lead,))
    return Done({**shown(row), "asked_at": now.isoformat()}, [notice])


def shown(answer: Answer) -> dict:
    """An answer as the API shows it and the audit log records it."""
    return {"id": answer.id, "question_id": answer.question_id, "status": answer.status,
            "lang": answer.lang, "text_for_asker": answer.text_for_asker}


def excerpt(text: str) -> str:
    """The start of a member's text, to remind them which one."""
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[:EXCERPT].rstrip() + "..."

