"""Who can answer a question: onboarded experts and peers offering one of its topics,
reading a language, not the asker, not blocked by a moderator (an answer reaches the
asker; services/members_admin/actions.py), on the asker's side of the sandbox
(services/sandbox.py), reachable now, least loaded first.

All of it is one SQL query with a LIMIT over member_offer (content/models/offers.py: one
row per topic offered × language read, keyed by (topic, lang, member_id)), so only the
people offering the topics in that language are read, never the whole member table.
Quiet hours depend on each member's timezone, so the query carries, as one JSON
parameter, the local hour now in every IANA zone (services.localtime.local_hours, cached
per quarter hour) and looks the member's zone up in it (NOT EXISTS a quiet hour: one
indexed look-up per candidate, where a list of ~600 zone names grouped by hour cost ~25
IN tests per candidate and ~1,200 bound parameters per query). A member whose zone is
unknown or unset finds no hour and is reachable. `reachable` is the same rule in Python;
the rows are checked with it again. Quiet hours are not stored in UTC: see
content/models/offers.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import JSON, Integer, String, and_, case, cast, exists, func, literal, or_
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, select

from content.models import MemberOffer, QuestionRoute
from services.localtime import local_hours, quarter, reachable
from services.members import blocked_ids
from services.sandbox import same_sandbox

ANSWERER_ROLES = ("expert", "member")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
O = MemberOffer.__table__.c  # noqa: E741


@dataclass(frozen=True)
class Candidate:
    """A possible answerer, as much as routing needs to know."""

    member_id: int
    role: str
    load: int
    timezone: str | None
    quiet_start: int
    quiet_end: int


def pick(session: Session, *, question_id: int, asker_id: int, sandbox: str | None,
         topics: list[str], lang: str, now: datetime,
         needed: int) -> tuple[list[Candidate], bool]:
    """Up to `needed` reachable candidates, and whether any candidate exists at all
    (reachable or not: a False means nobody offers the topics in that language).
    `sandbox` is the asker's (None for a real member)."""
    topics = [t for t in topics if SLUG.fullmatch(t)]
    if needed < 1 or not topics or not SLUG.fullmatch(lang):
        return [], False
    offers = _offers(question_id, asker_id, sandbox, topics, lang)
    hours = zone_hours(now, session.get_bind().dialect.name)
    people = offers.where(awake(hours)).distinct().subquery()
    waiting = (select(QuestionRoute.member_id, func.count().label("waiting"))
               .where(QuestionRoute.status == "sent")
               .group_by(QuestionRoute.member_id).subquery())
    load = func.coalesce(waiting.c.waiting, 0)
    rows = session.exec(select(*people.c, load)
                        .outerjoin(waiting, waiting.c.member_id == people.c.member_id)
                        .order_by(case((people.c.role == "expert", 0), else_=1), load,
                                  people.c.member_id)
                        .limit(needed)).all()
    chosen = [c for c in (Candidate(r[0], r[1], r[5], r[2], r[3], r[4]) for r in rows)
              if reachable(c.timezone, c.quiet_start, c.quiet_end, now)]
    if chosen:
        return chosen, True
    return [], session.exec(offers.limit(1)).first() is not None


def _offers(question_id: int, asker_id: int, sandbox: str | None, topics: list[str],
            lang: str):
    """Rows of member_offer for people who may get the question (one per topic)."""
    already = select(QuestionRoute.member_id).where(QuestionRoute.question_id == question_id)
    # "+ 0": with statistics (ANALYZE), SQLite otherwise chose to make the rows distinct
    # by walking the whole table in member_id order, not the key's few thousand rows
    return (select((O.member_id + 0).label("member_id"), O.role, O.timezone,
                   O.quiet_start, O.quiet_end)
            .where(O.topic.in_(topics), O.lang == lang, O.onboarded.is_(True),
                   O.member_id != asker_id, O.role.in_(ANSWERER_ROLES),
                   O.member_id.not_in(already), O.member_id.not_in(blocked_ids()),
                   same_sandbox(O.member_id, sandbox)))


def zone_hours(now: datetime, dialect: str):
    """SQL: a table (name, hour) of the local hour at `now` in every known zone, made
    from one JSON parameter; materialized, so that SQLite indexes it for the look-ups."""
    mapping = literal(_json_hours(quarter(now)), String)  # the JSON text, as it is
    if dialect == "sqlite":
        rows = func.json_each(mapping).table_valued("key", "value")
        hour = rows.c.value
    else:
        rows = func.json_each_text(cast(mapping, JSON)).table_valued("key", "value")
        hour = cast(rows.c.value, Integer)
    return (select(rows.c.key.label("name"), hour.label("hour"))
            .cte("zone_hour").prefix_with("MATERIALIZED"))


def awake(hours) -> ColumnElement[bool]:
    """SQL: the member_offer row's quiet hours do not hold the local hour of its zone in
    `hours` (see zone_hours and services.localtime.is_quiet); a zone not found there is
    unknown, and its member reachable. (A correlated look-up rather than a join: given
    statistics, SQLite's planner scanned a joined zone table once per candidate.)"""
    start, end, hour = O.quiet_start, O.quiet_end, hours.c.hour
    quiet = or_(and_(start < end, hour >= start, hour < end),
                and_(start > end, or_(hour >= start, hour < end)))
    return ~exists().where(hours.c.name == O.timezone, quiet)


@lru_cache(maxsize=8)
def _json_hours(start: datetime) -> str:
    return json.dumps(local_hours(start), separators=(",", ":"))
