"""What the question queues show beside each row, computed for one page of rows at a
time: how many people a question went to and the answers it has, who wrote an answer
(grouped queries, one per page), the resource people a moderator may assign a question
to (one query per language on the page), and when the answerers a waiting question
waits for end their quiet hours (one small query per question shown, over the clocks
of member_offer's rows for its topics).

Members are shown by their public profile (name, country, languages, topics), never by
a phone number or chat id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from content.languages import TOPICS
from content.models import Answer, ConsoleAccount, Member, MemberOffer, Question, QuestionRoute
from services.localtime import reachable, zone
from services.routing.candidates import ANSWERER_ROLES
from services.routing.console import RESOURCE_ROLE
from services.scheduling.clock import quiet_over

O = MemberOffer.__table__.c  # noqa: E741
PEOPLE_LIMIT = 50  # resource people offered in one choice
ZONES_LIMIT = 200  # distinct clocks looked at per waiting question


@dataclass(frozen=True)
class Person:
    """A resource person as a moderator picks one."""

    id: int
    name: str
    country: str | None
    languages: tuple[str, ...]
    topics: tuple[str, ...]


def routes_per_question(*, session: Session, question_ids: Iterable[int]) -> dict[int, int]:
    """How many people each question was sent to."""
    ids = list(question_ids)
    if not ids:
        return {}
    return dict(session.execute(select(QuestionRoute.question_id, func.count())
                                .where(QuestionRoute.question_id.in_(ids))
                                .group_by(QuestionRoute.question_id)).all())


def answers_per_question(*, session: Session,
                         question_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Each question's answers so far, counted by status (held, relayed, ...)."""
    ids = list(question_ids)
    counts: dict[int, dict[str, int]] = {}
    if not ids:
        return counts
    rows = session.execute(select(Answer.question_id, Answer.status, func.count())
                           .where(Answer.question_id.in_(ids))
                           .group_by(Answer.question_id, Answer.status)).all()
    for question_id, status, count in rows:
        counts.setdefault(question_id, {})[status] = count
    return counts


def members_by_id(*, session: Session, ids: Iterable[int | None]) -> dict[int, Member]:
    """The members with these ids (answerers of a page of answers)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {m.id: m for m in session.exec(select(Member).where(Member.id.in_(wanted)))}


def account_names(*, session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """The names of console accounts (moderators who answered in the console)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return dict(session.execute(select(ConsoleAccount.id, ConsoleAccount.name)
                                .where(ConsoleAccount.id.in_(wanted))).all())


def resource_people(*, session: Session, langs: Iterable[str],
                    limit: int = PEOPLE_LIMIT) -> list[Person]:
    """Experts who may be asked and read one of the languages, by name (found through
    member_offer, so an expert offering no topic is not listed)."""
    langs = sorted(set(langs))
    if not langs:
        return []
    offering = (select(O.member_id).where(O.topic.in_(TOPICS), O.lang.in_(langs),
                                          O.role == RESOURCE_ROLE, O.onboarded.is_(True))
                .distinct().scalar_subquery())
    rows = session.exec(select(Member).where(Member.id.in_(offering),
                                             Member.blocked_at.is_(None),
                                             Member.erased_at.is_(None))
                        .order_by(Member.name, Member.id).limit(limit)).all()
    return [Person(m.id, m.name or f"#{m.id}", m.country,
                   tuple(dict.fromkeys([m.language, *(m.languages or [])])),
                   tuple(m.topics_offered or [])) for m in rows]


def for_question(people: list[Person], question: Question, bridge: str = "en") -> list[Person]:
    """The people who can read the question (or its English text), those offering one
    of its topics first."""
    langs = {question.lang} | ({bridge} if question.text_en else set())
    fit = [p for p in people if langs.intersection(p.languages)]
    topics = set(question.topics or [])
    return sorted(fit, key=lambda p: not topics.intersection(p.topics))


def quiet_ends(*, session: Session, questions: Iterable[Question],
               now: datetime) -> dict[int, datetime | None]:
    """Per waiting question: when the first person who may answer it (offering one of
    its topics, reading its language or English, not asked before) ends their quiet
    hours; `now` when one is reachable already (the next sweep sends it), None when
    nobody is known."""
    ends: dict[int, datetime | None] = {}
    for question in questions:
        ends[question.id] = _first_awake(session, question, now)
    return ends


def _first_awake(session: Session, question: Question, now: datetime) -> datetime | None:
    topics = [t for t in question.topics or [] if t in TOPICS]
    if not topics:
        return None
    asked = select(QuestionRoute.member_id).where(QuestionRoute.question_id == question.id)
    clocks = session.execute(
        select(O.timezone, O.quiet_start, O.quiet_end)
        .where(O.topic.in_(topics), O.lang.in_(sorted({question.lang, "en"})),
               O.onboarded.is_(True), O.role.in_(ANSWERER_ROLES),
               O.member_id != question.member_id, O.member_id.not_in(asked))
        .distinct().limit(ZONES_LIMIT)).all()
    times = []
    for timezone, start, end in clocks:
        found = zone(timezone)
        if found is None or reachable(timezone, start, end, now):
            return now
        times.append(quiet_over(now.astimezone(found), end))
    return min(times, default=None)
