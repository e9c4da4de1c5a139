"""Who can answer a question: onboarded experts and peers offering one of its topics,
reading a language, not the asker, reachable now, least loaded first.

All of it is one SQL query with a LIMIT (topics and languages are JSON lists: a LIKE on
'%"fisheries"%' over their text works on SQLite and PostgreSQL). Quiet hours depend on
each member's timezone, so the query carries, for every IANA zone, the local hour now
(zones grouped by hour: about 25 IN lists); a member whose zone is unknown or unset is
reachable. `reachable` is the same rule in Python; the rows are checked with it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import Text, and_, case, cast, func, not_, or_
from sqlmodel import Session, select

from content.models import Member, QuestionRoute
from services.localtime import reachable, zone

ANSWERER_ROLES = ("expert", "member")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class Candidate:
    """A possible answerer, as much as routing needs to know."""

    member_id: int
    role: str
    load: int
    timezone: str | None
    quiet_start: int
    quiet_end: int


def pick(session: Session, *, question_id: int, asker_id: int, topics: list[str],
         lang: str, now: datetime, needed: int) -> tuple[list[Candidate], bool]:
    """Up to `needed` reachable candidates, and whether any candidate exists at all
    (reachable or not: a False means nobody offers the topics in that language)."""
    topics = [t for t in topics if SLUG.fullmatch(t)]  # the LIKE patterns stay plain
    if needed < 1 or not topics or not SLUG.fullmatch(lang):
        return [], False
    query, load = _query(question_id, asker_id, topics, lang)
    rows = session.exec(query.add_columns(load)
                        .where(awake(now))
                        .order_by(case((Member.role == "expert", 0), else_=1), load,
                                  Member.id)
                        .limit(needed)).all()
    chosen = [c for c in (Candidate(r[0], r[1], r[5], r[2], r[3], r[4]) for r in rows)
              if reachable(c.timezone, c.quiet_start, c.quiet_end, now)]
    if chosen:
        return chosen, True
    return [], session.exec(query.limit(1)).first() is not None


def _query(question_id: int, asker_id: int, topics: list[str], lang: str):
    waiting = (select(QuestionRoute.member_id, func.count().label("waiting"))
               .where(QuestionRoute.status == "sent")
               .group_by(QuestionRoute.member_id).subquery())
    already = select(QuestionRoute.member_id).where(QuestionRoute.question_id == question_id)
    query = (select(Member.id, Member.role, Member.timezone, Member.quiet_start,
                    Member.quiet_end)
             .outerjoin(waiting, waiting.c.member_id == Member.id)
             .where(or_(Member.language == lang, json_has(Member.languages, lang)),
                    or_(*(json_has(Member.topics_offered, t) for t in topics)),
                    Member.onboarded_at.is_not(None), Member.id != asker_id,
                    Member.role.in_(ANSWERER_ROLES), Member.id.not_in(already)))
    return query, func.coalesce(waiting.c.waiting, 0)


def json_has(column, value: str):
    """The JSON list column holds the string `value` (a LIKE on its text)."""
    assert SLUG.fullmatch(value), value  # pick() lets only slugs through
    return cast(column, Text).like(f'%"{value}"%')


def awake(now: datetime):
    """SQL: the member is not in their quiet hours at `now` (see `reachable`)."""
    start, end = Member.quiet_start, Member.quiet_end
    branches = [Member.timezone.is_(None), not_(Member.timezone.in_(_zone_names())),
                start == end]
    for hour, zones in _hours(_quarter(now)).items():
        outside = or_(and_(start < end, or_(start > hour, end <= hour)),
                      and_(start > end, end <= hour, start > hour))
        branches.append(and_(Member.timezone.in_(zones), outside))
    return or_(*branches)


def _quarter(now: datetime) -> datetime:
    """`now` in UTC, down to the quarter hour (offsets like +5:45 change on quarters)."""
    now = now.astimezone(ZoneInfo("UTC"))
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


@lru_cache(maxsize=8)
def _hours(quarter: datetime) -> dict[int, tuple[str, ...]]:
    """Local hour -> the zones showing it at this quarter hour."""
    grouped: dict[int, list[str]] = {}
    for name in _zone_names():
        grouped.setdefault(quarter.astimezone(zone(name)).hour, []).append(name)
    return {hour: tuple(names) for hour, names in sorted(grouped.items())}


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(n for n in available_timezones() if zone(n) is not None))
