"""The SQL half of peer matching: who may be proposed at all, and a cheap pre-score.

Every hard rule is a WHERE clause, so nothing that breaks one ever reaches Python:
onboarded, matching consent, not the member, not a moderator, not blocked by a
moderator, on the member's side of the sandbox (services/sandbox.py), offers the
topic, shares a language, no earlier Introduction between the two
(either direction, any status), and
fewer than `cap` Introductions received in the last seven days (one uncorrelated
subquery, not a count per candidate). The survivors are
ordered by a pre-score that mirrors services/matching/scoring.py (all but reachability,
which needs the candidate's clock) and only the first `limit` are fetched, as ids with
their pre-score and quiet hours: decoding JSON lists of hundreds of rows in Python would
cost more than the scan, so only the winner's full row is read (`PROFILE`).

Candidates come from member_offer (content/models/offers.py): its key (topic, lang,
member_id) finds the people offering the topic in the learner's languages, and its
copies of their role, languages, country, sector, wanted topics and quiet hours are all
the pre-score reads, so the member table is not touched. A candidate reading two of the
learner's languages has two rows; DISTINCT keeps one. The wanted topics are a JSON list,
tested with LIKE on its serialized text ('%"farming"%') on both databases. Topic and
language codes are fixed vocabularies without LIKE wildcards; they are bound as
parameters all the same.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    Text,
    any_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from content.models import Introduction, Member, MemberOffer
from services.members import blocked_ids
from services.sandbox import same_sandbox

CLMV = frozenset({"KH", "LA", "MM", "VN"})
RESOURCE = frozenset({"MY", "PH", "ID"})
WEEK = timedelta(days=7)
LIMIT = 500
SPREAD = 1009  # a prime: the rotation that shuffles equal pre-scores
# weights shared with scoring.py, so that the pre-score orders as the final score does
W_OFFERS, W_RECIPROCAL, W_LANGUAGE, W_SECTOR, W_EXPERT = 4.0, 1.0, 1.0, 1.0, 1.0
W_RESOURCE_BORDER, W_PEER_BORDER, W_REACHABLE, W_LOAD = 3.0, 2.0, 1.0, -0.25

M = Member.__table__.c
O = MemberOffer.__table__.c  # noqa: E741
I = Introduction.__table__.c  # noqa: E741
PROFILE = (M.id, M.country, M.language, M.languages, M.role, M.sector, M.topics_offered,
           M.topics_wanted, M.timezone, M.quiet_start, M.quiet_end)


def json_has(column: Any, value: str, dialect: str) -> ColumnElement[bool]:
    """True where a JSON list of slugs holds `value`: a LIKE on its serialized text.
    (PostgreSQL's jsonb containment parses every row's JSON: ~5 ms more per call.)"""
    if dialect == "postgresql":
        return cast(column, Text).like(f'%"{value}"%')
    return type_coerce(column, String).like(f'%"{value}"%')  # no CAST: LIKE is faster


def languages_of(member: Member) -> list[str]:
    """The languages a member reads, the preferred one first."""
    found = [member.language]
    found += [lang for lang in member.languages or [] if lang and lang not in found]
    return [lang for lang in found if lang]


def capped(since: datetime, cap: int) -> Select:
    """Members who received `cap` introductions or more since `since`."""
    return (select(I.member_b).where(I.created_at >= since).group_by(I.member_b)
            .having(func.count() >= cap))


def weekly_counts(session: Session, ids: list[int], now: datetime) -> dict[int, int]:
    """Introductions each of `ids` received in the last seven days."""
    if not ids:
        return {}
    among = I.member_b.in_(ids)
    if session.get_bind().dialect.name == "postgresql":
        # one array parameter: an IN list of 500 took PostgreSQL ~4 ms more to plan
        among = I.member_b == any_(literal(ids, ARRAY(Integer)))
    rows = session.exec(select(I.member_b, func.count()).where(
        among, I.created_at >= now - WEEK).group_by(I.member_b))
    return {member_id: count for member_id, count in rows}


def candidate_query(*, member: Member, topic: str, now: datetime, cap: int | None,
                    dialect: str, limit: int = LIMIT) -> Select:
    """Eligible candidates for `member` on `topic`, best pre-score first; within a band
    of equal pre-scores the order is shuffled per learner and day (a rotation of ids),
    so that the same few people are not always the ones fetched. With `cap` None the
    weekly cap is left to the caller (weekly_counts on the rows fetched): the subquery
    scans a week of introductions, which costs more than checking 500 ids by index."""
    paired = union(select(I.member_b).where(I.member_a == member.id),
                   select(I.member_a).where(I.member_b == member.id))
    salt = (member.id * 31 + now.toordinal()) % SPREAD
    # "+ 0" keeps SQLite, given statistics, from making the rows distinct by walking the
    # whole table in member_id order instead of reading the key's few thousand rows
    people = (select((O.member_id + 0).label("id"),
                     _prescore(member, dialect).label("prescore"),
                     O.timezone, O.quiet_start, O.quiet_end)
              .where(O.topic == topic, O.lang.in_(languages_of(member)),
                     O.consent_matching.is_(True), O.onboarded.is_(True),
                     O.role != "moderator", O.member_id != member.id,
                     O.member_id.not_in(paired), O.member_id.not_in(blocked_ids()),
                     same_sandbox(O.member_id, member.sandbox)))
    if cap is not None:
        people = people.where(O.member_id.not_in(capped(now - WEEK, cap)))
    found = people.distinct().subquery()
    return (select(*found.c)
            .order_by(found.c.prescore.desc(), (found.c.id + salt) % SPREAD, found.c.id)
            .limit(limit))


def _prescore(member: Member, dialect: str) -> ColumnElement[float]:
    terms: list[Any] = [case((O.language == member.language, W_LANGUAGE), else_=0.0),
                        case((O.role == "expert", W_EXPERT), else_=0.0)]
    if member.sector:
        terms.append(case((O.sector == member.sector, W_SECTOR), else_=0.0))
    offered = [t for t in member.topics_offered or [] if t]
    if offered:
        wants = or_(*(json_has(O.topics_wanted, t, dialect) for t in offered))
        terms.append(case((wants, W_RECIPROCAL), else_=0.0))
    if member.country:
        border = [(O.country == member.country, 0.0),
                  (O.country.is_(None), 0.0)]
        if member.country in CLMV:
            border.append((O.country.in_(sorted(RESOURCE)), W_RESOURCE_BORDER))
        terms.append(case(*border, else_=W_PEER_BORDER))
    total: Any = literal(0.0)
    for term in terms:
        total = total + term
    return total
