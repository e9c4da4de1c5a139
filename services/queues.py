"""The moderators' queues, as queries narrowed to what an account may see and to the
filters of a queue page (language, country, organisation).

Each queue is one `select` built here; its page lists rows of it and the console's
navigation counts it, so a page and its count can never disagree. Queues:

- escalated: questions nobody answered in time (ESCALATE_AFTER_HOURS), still pending;
- held: answers waiting for a moderator's approval;
- translate_questions: questions waiting for their English text;
- translate_answers: answers waiting for a text in the asker's language;
- reports: relays a member reported;
- drafts: practices documented by members (SHARE), in review;
- faq: answers askers found helpful, not in the FAQ yet;
- waiting: questions held back by their answerers' quiet hours.

Queues of answers leave out those whose question a moderator closed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, or_
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlmodel import Session, select

from content.models import (
    Answer,
    Introduction,
    Member,
    Organisation,
    Practice,
    Question,
    QuestionRoute,
)
from services.access import Principal, member_scope, practice_scope, question_scope
from services.routing.queue import PENDING

QUEUES = ("escalated", "held", "translate_questions", "translate_answers", "reports",
          "drafts", "faq", "waiting")
# Which roles see which queue in the navigation (the pages check permissions again).
FOR_TRANSLATORS = ("translate_questions", "translate_answers")


@dataclass(frozen=True)
class Filters:
    """A queue page's filters; None is "any"."""

    lang: str | None = None
    country: str | None = None  # ISO 3166 alpha-2
    organisation: str | None = None  # slug


def _asker_filters(query: Select, filters: Filters, asker) -> Select:
    if filters.lang:
        query = query.where(Question.lang == filters.lang)
    if filters.country:
        query = query.where(asker.country == filters.country.upper())
    if filters.organisation:
        query = query.where(asker.organisation_id == _org_id(filters.organisation))
    return query


def _org_id(slug: str):
    return select(Organisation.id).where(Organisation.slug == slug).scalar_subquery()


def questions(principal: Principal, filters: Filters, *conditions) -> Select:
    """Questions (with their asker) matching the conditions, in scope, oldest first."""
    asker = Member
    query = (select(Question, asker).join(asker, asker.id == Question.member_id)
             .where(*conditions, question_scope(principal, asker))
             .order_by(Question.id))
    return _asker_filters(query, filters, asker)


def answers(principal: Principal, filters: Filters, *conditions) -> Select:
    """Answers (with their question and asker) matching the conditions, in scope."""
    asker = Member
    query = (select(Answer, Question, asker)
             .join(Question, Question.id == Answer.question_id)
             .join(asker, asker.id == Question.member_id)
             .where(*conditions, Question.status != "closed",
                    question_scope(principal, asker))
             .order_by(Answer.id))
    return _asker_filters(query, filters, asker)


def escalated(principal: Principal, filters: Filters = Filters()) -> Select:
    """Questions handed to the moderators."""
    return questions(principal, filters, Question.escalated_at.is_not(None),
                     Question.status.in_(PENDING))


def held(principal: Principal, filters: Filters = Filters()) -> Select:
    """Answers waiting for approval."""
    return answers(principal, filters, Answer.status == "held")


def translate_questions(principal: Principal, filters: Filters = Filters()) -> Select:
    """Questions whose answerers wait for an English text."""
    return questions(principal, filters, Question.needs_translation.is_(True),
                     Question.text_en.is_(None), Question.status.in_(PENDING))


def translate_answers(principal: Principal, filters: Filters = Filters()) -> Select:
    """Answers in another language than the asker's, waiting for a translation."""
    return answers(principal, filters, Answer.text_for_asker.is_(None),
                   Answer.status.in_(("held", "approved")))


def faq(principal: Principal, filters: Filters = Filters()) -> Select:
    """Helpful answers that are not in the FAQ yet."""
    return answers(principal, filters, Answer.faq_candidate.is_(True),
                   Answer.promoted_faq_id.is_(None))


def waiting(principal: Principal, filters: Filters = Filters()) -> Select:
    """Open questions nobody has been asked yet: every answerer was in quiet hours."""
    sent = exists().where(QuestionRoute.question_id == Question.id,
                          QuestionRoute.status == "sent")
    return questions(principal, filters, Question.status == "open",
                     Question.escalated_at.is_(None), ~sent)


def reports(principal: Principal, filters: Filters = Filters()) -> Select:
    """Relays a member reported, newest first, with both members."""
    a, b = aliased(Member), aliased(Member)
    query = (select(Introduction, a, b)
             .join(a, a.id == Introduction.member_a).join(b, b.id == Introduction.member_b)
             .where(Introduction.status == "reported",
                    or_(member_scope(principal, a), member_scope(principal, b)))
             .order_by(Introduction.closed_at.desc(), Introduction.id.desc()))
    if filters.lang:
        query = query.where(or_(a.language == filters.lang, b.language == filters.lang))
    if filters.country:
        country = filters.country.upper()
        query = query.where(or_(a.country == country, b.country == country))
    if filters.organisation:
        org = _org_id(filters.organisation)
        query = query.where(or_(a.organisation_id == org, b.organisation_id == org))
    return query


def drafts(principal: Principal, filters: Filters = Filters()) -> Select:
    """Practices documented by members, in review, oldest first."""
    query = (select(Practice).where(Practice.status == "review",
                                    Practice.contributor_id.is_not(None),
                                    practice_scope(principal))
             .order_by(Practice.id))
    if filters.country:
        query = query.where(Practice.country == filters.country.upper())
    if filters.organisation:
        query = query.where(Practice.organisation_id == _org_id(filters.organisation))
    if filters.lang:
        contributor = aliased(Member)
        query = query.where(exists().where(contributor.id == Practice.contributor_id,
                                           contributor.language == filters.lang))
    return query


def one_question(session: Session, principal: Principal,
                 question_id: int) -> tuple[Question, Member] | None:
    """The question and its asker, if the account may see it."""
    return session.exec(questions(principal, Filters(), Question.id == question_id)).first()


def one_answer(session: Session, principal: Principal,
               answer_id: int) -> tuple[Answer, Question, Member] | None:
    """The answer, its question and the asker, if the account may see the question."""
    asker = aliased(Member)
    return session.exec(select(Answer, Question, asker)
                        .join(Question, Question.id == Answer.question_id)
                        .join(asker, asker.id == Question.member_id)
                        .where(Answer.id == answer_id,
                               question_scope(principal, asker))).first()


def page(session: Session, query: Select, *, offset: int = 0, limit: int = 50) -> list:
    """One page of a queue's rows."""
    return list(session.exec(query.offset(max(0, offset)).limit(limit)).all())


BUILDERS = {"escalated": escalated, "held": held,
            "translate_questions": translate_questions,
            "translate_answers": translate_answers, "reports": reports, "drafts": drafts,
            "faq": faq, "waiting": waiting}


def visible(principal: Principal) -> tuple[str, ...]:
    """The queues an account works on."""
    return FOR_TRANSLATORS if principal.role == "translator" else QUEUES


def counts(*, session: Session, principal: Principal,
           filters: Filters = Filters()) -> dict[str, int]:
    """Every queue's size for the account (the navigation's numbers), in one statement:
    one round trip and one plan rather than eight."""
    names = visible(principal)
    sizes = select(*[_counted(BUILDERS[name](principal, filters)).scalar_subquery()
                     for name in names])
    return dict(zip(names, session.execute(sizes).one(), strict=True))


def _counted(query: Select) -> Select:
    """The query's own FROM and WHERE, counted in place: no subquery to build or plan."""
    return query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
