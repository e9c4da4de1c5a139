"""What the question queues show beside each row, computed for one page of rows at a
time: how many people a question went to and the answers it has, who wrote an answer
(grouped queries, one per page), the resource people a moderator may assign a question
to, and when the answerers a waiting question waits for end their quiet hours (one
query per language and topics on the page, over member_offer's key).

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
from services.sandbox import same_sandbox
from services.scheduling.clock import quiet_over

O = MemberOffer.__table__.c  # noqa: E741
PEOPLE_LIMIT = 50  # resource people offered in one choice
CLOCKS_LIMIT = 2000  # possible answerers looked at per language and topics


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


def resource_people(*, session: Session, langs: Iterable[str], sandbox: str | None,
                    topics: Iterable[str] = (), limit: int = PEOPLE_LIMIT) -> list[Person]:
    """Experts who may be asked and read a language, those offering the topics first;
    on the asker's side of the sandbox (`sandbox`: the asker's, None for a real one)."""
    # By name, at most `limit`; found through member_offer (an expert offering no topic
    # is not listed); where thousands fit, the first few hundred enrolled are considered.
    langs, topics = sorted(set(langs)), [t for t in topics if t in TOPICS]
    if not langs:
        return []
    first = _experts(session, langs, topics, sandbox, limit) if topics else []
    rest = _experts(session, langs, TOPICS, sandbox, limit + len(first))
    chosen = {m.id: m for m in [*first, *rest]}
    return [Person(m.id, m.name or f"#{m.id}", m.country,
                   tuple(dict.fromkeys([m.language, *(m.languages or [])])),
                   tuple(m.topics_offered or [])) for m in list(chosen.values())[:limit]]


def _experts(session: Session, langs: list[str], topics, sandbox: str | None,
             limit: int) -> list[Member]:
    # Driven from member_offer's key (topic, lang): only the rows of these topics and
    # languages are read, never the member table as a whole. ("+ 0": else SQLite makes
    # the ids distinct by walking the whole table in member_id order, as in
    # services/routing/candidates.py.)
    offering = (select((O.member_id + 0).label("member_id"))
                .where(O.topic.in_(list(topics)), O.lang.in_(langs),
                       O.role == RESOURCE_ROLE, O.onboarded.is_(True),
                       same_sandbox(O.member_id, sandbox))
                .distinct().order_by("member_id").limit(limit * 4).subquery())
    return list(session.exec(select(Member).join(offering, offering.c.member_id == Member.id)
                             .where(Member.blocked_at.is_(None), Member.erased_at.is_(None))
                             .order_by(Member.name, Member.id).limit(limit)))


def for_question(people: list[Person], question: Question, bridge: str = "en") -> list[Person]:
    """The people who read the question (or its English text), its topics' first."""
    langs = {question.lang} | ({bridge} if question.text_en else set())
    fit = [p for p in people if langs.intersection(p.languages)]
    topics = set(question.topics or [])
    return sorted(fit, key=lambda p: not topics.intersection(p.topics))


def quiet_ends(*, session: Session, questions: Iterable[Question],
               now: datetime) -> dict[int, datetime | None]:
    """Per waiting question, when its first possible answerer's quiet hours end."""
    # Possible answerers offer one of its topics, read its language or English, and are
    # neither the asker nor asked before. `now`: one is reachable already (the next
    # sweep sends it); None: nobody is known. One query per language and topics.
    questions = list(questions)
    asked: dict[int, set[int]] = {}
    for question_id, member_id in session.execute(
            select(QuestionRoute.question_id, QuestionRoute.member_id)
            .where(QuestionRoute.question_id.in_([q.id for q in questions]))).all():
        asked.setdefault(question_id, set()).add(member_id)
    sandboxes = dict(session.execute(select(Member.id, Member.sandbox).where(
        Member.id.in_({q.member_id for q in questions}))).all())
    clocks: dict[tuple, list] = {}
    ends: dict[int, datetime | None] = {}
    for question in questions:
        key = (question.lang, tuple(sorted(t for t in question.topics or [] if t in TOPICS)),
               sandboxes.get(question.member_id))
        if key not in clocks:
            clocks[key] = _clocks(session, *key)
        skip = asked.get(question.id, set()) | {question.member_id}
        ends[question.id] = _first_awake([c for c in clocks[key] if c[0] not in skip], now)
    return ends


def _clocks(session: Session, lang: str, topics: tuple[str, ...],
            sandbox: str | None) -> list:
    """(member, timezone, quiet start, quiet end) of people offering the topics in the
    language or English, on the asker's side of the sandbox."""
    if not topics:
        return []
    return list(session.execute(
        select(O.member_id, O.timezone, O.quiet_start, O.quiet_end)
        .where(O.topic.in_(topics), O.lang.in_(sorted({lang, "en"})),
               O.onboarded.is_(True), O.role.in_(ANSWERER_ROLES),
               same_sandbox(O.member_id, sandbox))
        .distinct().limit(CLOCKS_LIMIT)).all())


def _first_awake(clocks: list, now: datetime) -> datetime | None:
    times = []
    for _, timezone, start, end in clocks:
        found = zone(timezone)
        if found is None or reachable(timezone, start, end, now):
            return now
        times.append(quiet_over(now.astimezone(found), end))
    return min(times, default=None)
