"""What moderators do with questions and answers in the console (and the moderation API):
answer an escalated question themselves, assign it to a resource person, route it again,
close it; edit an answer before approving it, reject one with a reason, ask an answerer
about attribution.

Data only: the messages these changes send members are built by bot/moderated.py, and
the caller writes the audit row and commits. Errors are services.questions' `NotFound`
and `Conflict`.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlmodel import Session, select

from content.models import Answer, Member, Question, QuestionRoute
from services import sandbox
from services.questions import Conflict, NotFound
from services.routing.answers import get_answer
from services.routing.codes import new_code
from services.routing.queue import PENDING
from services.routing.router import BRIDGE_LANG

RESOURCE_ROLE = "expert"


def pending_question(session: Session, question_id: int) -> Question:
    """The question, still waiting for an answer; NotFound or Conflict."""
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound(f"no question {question_id}")
    if question.status not in PENDING:
        raise Conflict(f"question {question_id} is {question.status}")
    return question


def answer_question(*, session: Session, question_id: int, account_id: int | None,
                    text: str, now: datetime) -> Answer:
    """A moderator's own answer, in the asker's language, approved (the caller relays it)."""
    question = pending_question(session, question_id)
    text = _text(text, "answer")
    answer = Answer(question_id=question.id, member_id=None, account_id=account_id,
                    lang=question.lang, text=text, text_for_asker=text, status="approved",
                    created_at=now)
    # Out of the escalated queue; if the asker says it did not help, the rating step
    # routes it again and, with nobody to take it, escalates it anew.
    question.escalated_at = None
    session.add_all([answer, question])
    session.flush()
    return answer


def reads(member: Member, lang: str) -> bool:
    """Whether the member reads a language (their own or one of their others)."""
    return lang == member.language or lang in (member.languages or [])


def is_resource_person(member: Member | None) -> bool:
    """An expert who may be asked: not blocked, not erased, onboarded."""
    return (member is not None and member.role == RESOURCE_ROLE and member.blocked_at is None
            and member.erased_at is None and member.onboarded_at is not None)


def assign(*, session: Session, question_id: int, member_id: int, now: datetime,
           rng: random.Random | None = None) -> QuestionRoute:
    """Sends the question to a resource person the moderator chose, with a fresh code."""
    # It leaves the escalated queue, and escalates again if nobody answers in time.
    question = pending_question(session, question_id)
    person = session.get(Member, member_id)
    if not is_resource_person(person) or person.id == question.member_id \
            or person.sandbox != sandbox.of_member(session, question.member_id):
        # (a simulated asker's question goes to simulated members only, a real one's
        # to real members only)
        raise NotFound(f"no resource person {member_id}")
    if not reads(person, question.lang) and not (question.text_en
                                                 and reads(person, BRIDGE_LANG)):
        raise Conflict("they read neither the question's language nor, with a "
                       "translation, English")
    for earlier in _waiting_routes(session, question.id, member_id):
        earlier.status = "expired"  # the fresh code replaces it
        session.add(earlier)
    session.flush()
    route = QuestionRoute(question_id=question.id, member_id=member_id, status="sent",
                          code=new_code(session, rng or random.Random()), created_at=now)
    question.status, question.escalated_at = "routed", None
    session.add_all([route, question])
    session.flush()
    return route


def open_for_routing(*, session: Session, question_id: int) -> Question:
    """Opens the question, out of the escalated queue, for routing to people not asked."""
    # Those asked before keep their codes: a late answer still counts.
    question = pending_question(session, question_id)
    question.status, question.escalated_at = "open", None
    session.add(question)
    session.flush()
    return question


def expire_routes(*, session: Session, question_id: int) -> int:
    """Ends the codes still waiting for an answer to the question; how many."""
    rows = _waiting_routes(session, question_id)
    for route in rows:
        route.status = "expired"
        session.add(route)
    session.flush()
    return len(rows)


def close(*, session: Session, question_id: int, now: datetime) -> Question:
    """Closes the question: no answer is relayed any more, codes given out end."""
    question = pending_question(session, question_id)
    question.status, question.closed_at = "closed", now
    session.add(question)
    expire_routes(session=session, question_id=question.id)
    return question


def approve_edited(*, session: Session, answer_id: int, text: str) -> tuple[Answer, dict]:
    """Approves the answer with the moderator's text; (the answer, its texts before)."""
    # The asker gets the new text; an answer written in the asker's language is itself
    # replaced (the audit row keeps the texts before).
    answer = get_answer(session, answer_id)
    question = session.get(Question, answer.question_id)
    if question.status == "closed":
        raise Conflict(f"question {question.id} is closed")
    if answer.status not in ("held", "approved"):
        raise Conflict(f"answer {answer_id} is {answer.status}")
    text = _text(text, "answer")
    before = {"before_text": answer.text, "before_text_for_asker": answer.text_for_asker}
    if answer.lang == question.lang and answer.text_for_asker in (None, answer.text):
        answer.text = text
    answer.text_for_asker, answer.status = text, "approved"
    session.add(answer)
    session.flush()
    return answer, before


def reject(*, session: Session, answer_id: int, reason: str | None) -> Answer:
    """The answer never goes to the asker; the reason is kept (and told the answerer)."""
    answer = get_answer(session, answer_id)
    if answer.status not in ("held", "approved", "rejected"):
        raise Conflict(f"answer {answer_id} is {answer.status}")
    answer.status = "rejected"
    answer.reject_reason = (reason or "").strip()[:1000] or None
    session.add(answer)
    session.flush()
    return answer


def attribution_of(answer: Answer, member: Member | None) -> str | None:
    """named | anonymous as the writer said for this answer or in general; None: unknown."""
    return answer.attribution or (member.attribution if member is not None else None)


def ask_attribution(*, session: Session, answer_id: int, now: datetime) -> Answer:
    """Notes that the answerer is asked whether the answer may carry their name."""
    answer = get_answer(session, answer_id)
    member = session.get(Member, answer.member_id) if answer.member_id else None
    if member is None:
        raise Conflict(f"answer {answer_id} was written in the console")
    if attribution_of(answer, member) is not None:
        raise Conflict(f"the answerer already said: {attribution_of(answer, member)}")
    answer.attribution_asked_at = now
    session.add(answer)
    session.flush()
    return answer


def _waiting_routes(session: Session, question_id: int,
                    member_id: int | None = None) -> list[QuestionRoute]:
    query = select(QuestionRoute).where(QuestionRoute.question_id == question_id,
                                        QuestionRoute.status == "sent")
    if member_id is not None:
        query = query.where(QuestionRoute.member_id == member_id)
    return list(session.exec(query))


def _text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Conflict(f"the {what} is empty")
    return text
