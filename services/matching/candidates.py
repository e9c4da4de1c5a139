"""The SQL half of peer matching: who may be proposed at all, and a cheap pre-score.

Every hard rule is a WHERE clause, so nothing that breaks one ever reaches Python:
onboarded, matching consent, not the member, not a moderator, offers the topic, shares
a language, no earlier Introduction between the two (either direction, any status), and
fewer than `cap` Introductions received in the last seven days (one uncorrelated
subquery, not a count per candidate). The survivors are
ordered by a pre-score that mirrors services/matching/scoring.py (all but reachability,
which needs the candidate's clock) and only the first `limit` are fetched, as ids with
their pre-score and quiet hours: decoding JSON lists of hundreds of rows in Python would
cost more than the scan, so only the winner's full row is read (`PROFILE`).

JSON list columns are tested with LIKE on their serialized text ('%"farming"%') on
SQLite, and with jsonb containment (`@>`) on PostgreSQL, which a GIN index on
`(topics_offered::jsonb)` can serve. Topic and language codes are fixed vocabularies
without LIKE wildcards; they are bound as parameters all the same.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, case, cast, false, func, literal, or_, select, type_coerce, union
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from content.models import Introduction, Member

CLMV = frozenset({"KH", "LA", "MM", "VN"})
RESOURCE = frozenset({"MY", "PH", "ID"})
WEEK = timedelta(days=7)
LIMIT = 500
SPREAD = 1009  # a prime: the rotation that shuffles equal pre-scores
# weights shared with scoring.py, so that the pre-score orders as the final score does
W_OFFERS, W_RECIPROCAL, W_LANGUAGE, W_SECTOR, W_EXPERT = 4.0, 1.0, 1.0, 1.0, 1.0
W_RESOURCE_BORDER, W_PEER_BORDER, W_REACHABLE, W_LOAD = 3.0, 2.0, 1.0, -0.25

M = Member.__table__.c
I = Introduction.__table__.c  # noqa: E741
PROFILE = (M.id, M.country, M.language, M.languages, M.role, M.sector, M.topics_offered,
           M.topics_wanted, M.timezone, M.quiet_start, M.quiet_end)


def json_has(column: Any, value: str, dialect: str) -> ColumnElement[bool]:
    """True where a JSON list column holds `value`."""
    if dialect == "postgresql":
        return cast(column, JSONB).contains([value])
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
    rows = session.exec(select(I.member_b, func.count()).where(
        I.member_b.in_(ids), I.created_at >= now - WEEK).group_by(I.member_b))
    return {member_id: count for member_id, count in rows}


def candidate_query(*, member: Member, topic: str, now: datetime, cap: int | None,
                    dialect: str, limit: int = LIMIT) -> Select:
    """Eligible candidates for `member` on `topic`, best pre-score first; within a band
    of equal pre-scores the order is shuffled per learner and day (a rotation of ids),
    so that the same few people are not always the ones fetched. With `cap` None the
    weekly cap is left to the caller (weekly_counts on the rows fetched): the subquery
    scans a week of introductions, which costs more than checking 500 ids by index."""
    langs = languages_of(member)
    paired = union(select(I.member_b).where(I.member_a == member.id),
                   select(I.member_a).where(I.member_b == member.id))
    shared = or_(M.language.in_(langs), *(json_has(M.languages, lang, dialect)
                                          for lang in langs)) if langs else false()
    salt = (member.id * 31 + now.toordinal()) % SPREAD
    prescore = _prescore(member, dialect).label("prescore")  # ordered by name: once a row
    query = (select(M.id, prescore, M.timezone, M.quiet_start,
                    M.quiet_end)
             .where(json_has(M.topics_offered, topic, dialect), shared,
                    M.consent_matching.is_(True), M.onboarded_at.is_not(None),
                    M.role != "moderator", M.id != member.id, M.id.not_in(paired)))
    if cap is not None:
        query = query.where(M.id.not_in(capped(now - WEEK, cap)))
    return (query.order_by(prescore.desc(), (M.id + salt) % SPREAD, M.id)
            .limit(limit))


def _prescore(member: Member, dialect: str) -> ColumnElement[float]:
    terms: list[Any] = [case((M.language == member.language, W_LANGUAGE), else_=0.0),
                        case((M.role == "expert", W_EXPERT), else_=0.0)]
    if member.sector:
        terms.append(case((M.sector == member.sector, W_SECTOR), else_=0.0))
    offered = [t for t in member.topics_offered or [] if t]
    if offered:
        wants = or_(*(json_has(M.topics_wanted, t, dialect) for t in offered))
        terms.append(case((wants, W_RECIPROCAL), else_=0.0))
    if member.country:
        border = [(M.country == member.country, 0.0),
                  (M.country.is_(None), 0.0)]
        if member.country in CLMV:
            border.append((M.country.in_(sorted(RESOURCE)), W_RESOURCE_BORDER))
        terms.append(case(*border, else_=W_PEER_BORDER))
    total: Any = literal(0.0)
    for term in terms:
        total = total + term
    return total
