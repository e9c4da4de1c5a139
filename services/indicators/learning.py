"""Stories started and read to the end per practice and language; questions asked per
week, answered from the store, answered by people, escalated, and the median time to
a person's first answer.

A question is counted in the week it was asked. "Answered by people": a member's or a
moderator's answer reached the asker (Answer.status relayed, services/routing/answers.py);
the time to the first answer runs from the question to the first such relay. Escalated:
the question waits for a moderator now (routing clears `escalated_at` when a moderator
routes it on), so the count is what is still escalated, not every escalation there was.
"""

from __future__ import annotations

from statistics import median

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, select

from content.models import Answer, Member, Practice, PracticeTranslation, Question, Reading
from services.access import Principal
from services.indicators.figure import Figure, Series
from services.indicators.period import Filters, week_of
from services.indicators.scope import between, counted

QUESTION_COLUMNS = ("week", "asked", "answered from the store", "answered by people",
                    "escalated", "median hours to a person's first answer")


def stories(*, session: Session, principal: Principal, filters: Filters) -> Figure:
    """Readings started and finished in the period, per practice and language (counted
    per practice id first, titled afterwards: a title is the practice's in that language,
    else its slug)."""
    started, finished = between(Reading.started_at, filters), \
        between(Reading.completed_at, filters)
    counts = select(Reading.practice_id, Reading.lang,
                    func.sum(case((started, 1), else_=0)).label("started"),
                    func.sum(case((finished, 1), else_=0)).label("finished")) \
        .join(Member, Member.id == Reading.member_id) \
        .where(counted(principal, filters), or_(started, finished)) \
        .group_by(Reading.practice_id, Reading.lang).subquery()
    title = func.coalesce(func.nullif(PracticeTranslation.title, ""), Practice.slug)
    query = select(title, counts.c.lang, counts.c.started, counts.c.finished) \
        .join(Practice, Practice.id == counts.c.practice_id) \
        .outerjoin(PracticeTranslation, and_(PracticeTranslation.practice_id == Practice.id,
                                             PracticeTranslation.lang == counts.c.lang)) \
        .order_by(title, counts.c.lang)
    rows = [(t, lang, int(s), int(f)) for t, lang, s, f in session.exec(query).all()]
    return Figure("stories", "Stories started and read to the end",
                  ("practice", "language", "started", "read to the end"), rows,
                  labels=tuple(f"{t} ({lang})" for t, lang, _, _ in rows), chart="hbar",
                  series=(Series("started", tuple(r[2] for r in rows)),
                          Series("read to the end", tuple(r[3] for r in rows))))


def questions(*, session: Session, principal: Principal, filters: Filters) -> Figure:
    """Questions asked per week and what became of them."""
    week = week_of(Question.created_at)
    people = select(Answer.question_id, func.min(Answer.relayed_at).label("first")) \
        .where(Answer.status == "relayed").group_by(Answer.question_id).subquery()
    asked = select(week, func.count(), _count(Question.answer_kind.is_not(None)),
                   _count(people.c.first.is_not(None)),
                   _count(Question.escalated_at.is_not(None))) \
        .join(Member, Member.id == Question.member_id) \
        .outerjoin(people, people.c.question_id == Question.id) \
        .where(counted(principal, filters), between(Question.created_at, filters))
    counts = {w: (n, int(s), int(p), int(e))
              for w, n, s, p, e in session.exec(asked.group_by(week)).all()}
    # The median needs each answered question's wait: its two times, nothing else.
    waits: dict[str, list[float]] = {}
    answered = select(week, Question.created_at, people.c.first) \
        .join(Member, Member.id == Question.member_id) \
        .join(people, people.c.question_id == Question.id) \
        .where(counted(principal, filters), between(Question.created_at, filters))
    for w, asked_at, first in session.exec(answered).all():
        waits.setdefault(w, []).append((first - asked_at).total_seconds() / 3600)
    rows = [(w, *counts.get(w, (0, 0, 0, 0)),
             round(median(waits[w]), 1) if waits.get(w) else None) for w in filters.weeks()]
    weeks = tuple(r[0] for r in rows)
    return Figure("questions", "Questions", QUESTION_COLUMNS, rows, labels=weeks,
                  chart="line", series=tuple(Series(name, tuple(r[i] for r in rows))
                                             for i, name in enumerate(QUESTION_COLUMNS[1:5],
                                                                      start=1)))


def _count(condition):
    return func.sum(case((condition, 1), else_=0))
