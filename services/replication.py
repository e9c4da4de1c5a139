"""Replication: what members report after trying a practice, and the counts per
practice, country and outcome ("tried by N enterprises in M countries").

Outcomes, as the TRIED flow's numbered answers map to them:

| answer                 | outcome      | counts as tried |
|------------------------|--------------|-----------------|
| 1 It worked            | `adopted`    | yes             |
| 2 Worked with changes  | `adapted`    | yes             |
| 3 It did not work      | `abandoned`  | yes             |
| 4 Not tried yet        | `interested` | no              |
| 5 Not for me           | `declined`   | no              |

A member may report on a practice more than once (first "not yet", later "it worked");
every report is kept, and counts take distinct members, so one enterprise is never
counted twice for a practice. The report's country is the member's at the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, distinct, func
from sqlmodel import Session, select

from content.models import Member, Practice, Question, Reading, ReplicationReport
from services.sandbox import same_sandbox

TRIED = ("adopted", "adapted", "abandoned")  # the member actually tried the practice
OUTCOMES = (*TRIED, "interested", "declined")  # in the order of the numbered answers


@dataclass(frozen=True)
class Reach:
    """How many enterprises (distinct members) tried a practice, in how many countries."""

    enterprises: int
    countries: int


@dataclass(frozen=True)
class Count:
    """Reports on one practice from one country with one outcome."""

    practice_id: int
    country: str | None
    outcome: str
    reports: int
    members: int


def report(*, session: Session, member: Member, practice_id: int, outcome: str,
           now: datetime, text: str | None = None) -> ReplicationReport:
    """Stores a member's report on a practice, with the member's country."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    row = ReplicationReport(member_id=member.id, practice_id=practice_id, outcome=outcome,
                            text=text, country=member.country, created_at=now)
    session.add(row)
    session.flush()
    return row


def add_text(*, session: Session, report_id: int | None, member_id: int, text: str) -> None:
    """Adds the member's own words to their report (what they changed, what went wrong)."""
    row = session.get(ReplicationReport, report_id) if report_id else None
    if row is not None and row.member_id == member_id:
        row.text = text[:2000]
        session.add(row)


def ask_peers(*, session: Session, member: Member, practice_id: int, text: str,
              now: datetime) -> Question:
    """Turns "what went wrong" into an open question for peers, linked to the practice
    and written in the member's language."""
    question = Question(member_id=member.id, lang=member.language, text=text[:2000],
                        status="open", source="tried", practice_id=practice_id,
                        created_at=now)
    session.add(question)
    session.flush()
    return question


def has_reported(*, session: Session, member_id: int, practice_id: int) -> bool:
    """Whether the member has reported anything on this practice."""
    return session.exec(select(ReplicationReport.id).where(
        ReplicationReport.member_id == member_id,
        ReplicationReport.practice_id == practice_id).limit(1)).first() is not None


def has_tried(*, session: Session, member_id: int, practice_id: int) -> bool:
    """Whether the member has reported actually trying this practice."""
    return session.exec(select(ReplicationReport.id).where(
        ReplicationReport.member_id == member_id,
        ReplicationReport.practice_id == practice_id,
        ReplicationReport.outcome.in_(TRIED)).limit(1)).first() is not None


def reach(*, session: Session, practice_id: int, sandbox: str | None) -> Reach:
    """Enterprises that tried the practice and their countries, in one query; as a member
    of `sandbox` (None: a real member) may hear of them (services/sandbox.py)."""
    # One small aggregate over the report index on practice_id; it runs on a first
    # snippet only, so it needs no cache that would then have to be kept fresh. A real
    # member's statement is built once (a sandbox member's, rare, each time).
    statement = _REACH_REAL if sandbox is None else _reach(sandbox)
    row = session.execute(statement, {"practice_id": practice_id}).one()
    return Reach(row[0] or 0, row[1] or 0)


def _reach(sandbox: str | None):
    return select(
        func.count(distinct(ReplicationReport.member_id)),
        func.count(distinct(ReplicationReport.country))).where(
        ReplicationReport.practice_id == bindparam("practice_id"),
        ReplicationReport.outcome.in_(TRIED),
        same_sandbox(ReplicationReport.member_id, sandbox))


_REACH_REAL = _reach(None)


def counts(*, session: Session, practice_id: int | None = None) -> list[Count]:
    """Real members' reports per practice, country and outcome (all practices unless one
    is named): the simulator's members do not count."""
    query = select(ReplicationReport.practice_id, ReplicationReport.country,
                   ReplicationReport.outcome, func.count(ReplicationReport.id),
                   func.count(distinct(ReplicationReport.member_id))).group_by(
        ReplicationReport.practice_id, ReplicationReport.country, ReplicationReport.outcome
    ).where(same_sandbox(ReplicationReport.member_id, None))
    if practice_id is not None:
        query = query.where(ReplicationReport.practice_id == practice_id)
    rows = session.execute(query).all()
    found = [Count(p, c, o, n, m) for p, c, o, n, m in rows]
    return sorted(found, key=lambda c: (c.practice_id, c.country or "", c.outcome))


def recent_reads(*, session: Session, member_id: int, limit: int = 5) -> list[int]:
    """Published practices the member has read, the most recently read first."""
    last = func.coalesce(Reading.completed_at, Reading.started_at)
    return list(session.exec(select(Reading.practice_id).join(
        Practice, Practice.id == Reading.practice_id).where(
        Reading.member_id == member_id, Practice.status == "published")
        .order_by(last.desc(), Reading.id.desc()).limit(limit)))
