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
    """Readings started and finished in the period, per practice and language."""
    started, finished = between(Reading.started_at, filters), \
        between(Reading.completed_at, filters)
    title = func.coalesce(func.nullif(PracticeTranslation.title, ""), Practice.slug)
    query = select(title, Reading.lang,
                   func.sum(case((started, 1), else_=0)),
                   func.sum(case((finished, 1), else_=0))) \
        .join(Member, Member.id == Reading.member_id) \
        .join(Practice, Practice.id == Reading.practice_id) \
        .outerjoin(PracticeTranslation, and_(PracticeTranslation.practice_id == Practice.id,
                                             PracticeTranslation.lang == Reading.lang)) \
        .where(counted(principal, filters), or_(started, finished)) \
        .group_by(title, Reading.lang).order_by(title, Reading.lang)
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
    query = select(week, Question.created_at, Question.answer_kind, Question.escalated_at,
                   people.c.first) \
        .join(Member, Member.id == Question.member_id) \
        .outerjoin(people, people.c.question_id == Question.id) \
        .where(counted(principal, filters), between(Question.created_at, filters))
    counts = {w: [0, 0, 0, 0, []] for w in filters.weeks()}
    # One row per question (its own fields, no text), to take the medians.
    for w, asked_at, kind, escalated, first in session.exec(query).all():
        tally = counts.setdefault(w, [0, 0, 0, 0, []])
        tally[0] += 1
        tally[1] += kind is not None
        tally[2] += first is not None
        tally[3] += escalated is not None
        if first is not None:
            tally[4].append((first - asked_at).total_seconds() / 3600)
    rows = [(w, a, s, p, e, round(median(h), 1) if h else None)
            for w, (a, s, p, e, h) in sorted(counts.items())]
    weeks = tuple(r[0] for r in rows)
    return Figure("questions", "Questions", QUESTION_COLUMNS, rows, labels=weeks,
                  chart="line", series=tuple(Series(name, tuple(r[i] for r in rows))
                                             for i, name in enumerate(QUESTION_COLUMNS[1:5],
                                                                      start=1)))
