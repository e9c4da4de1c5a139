"""Exchange visits ("to see is believing"): members' interest in visiting the enterprise
behind a practice, the demand per practice and country that moderators organise visits
from (services/visit_plans.py, services/visit_invites.py), and the counts for the
indicators: interest and visits made per practice, country and period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import distinct, func
from sqlmodel import Session, select

from content.models import Member, Practice, Visit, VisitInterest, VisitInvite
from services import replication
from services.sandbox import same_sandbox
from services.visit_attendance import made

LIST_MAX = 9  # practices offered at once: one digit each


@dataclass(frozen=True)
class Demand:
    """Members from one country who would like to visit one practice's host."""

    practice_id: int
    slug: str
    visitors_welcome: bool | None
    country: str | None
    members: int


def visitable(*, session: Session, practice_id: int | None, member_id: int) -> bool:
    """Whether the member can ask to visit this practice: published, its host has not
    said no to visitors, and it is not the member's own."""
    practice = session.get(Practice, practice_id) if practice_id else None
    return practice is not None and practice.status == "published" \
        and practice.visitors_welcome is not False and practice.contributor_id != member_id


def last_read(*, session: Session, member_id: int) -> int | None:
    """The published practice the member read last, if they can ask to visit it."""
    for practice_id in replication.recent_reads(session=session, member_id=member_id,
                                                limit=1):
        if visitable(session=session, practice_id=practice_id, member_id=member_id):
            return practice_id
    return None


def offer(*, session: Session, member: Member, limit: int = LIST_MAX) -> list[int]:
    """Practices to list for a visit: hosts who welcome visitors first, then those on the
    member's topics, then the rest (never hosts who said no, never the member's own)."""
    rows = session.execute(select(Practice.id, Practice.visitors_welcome, Practice.topics)
                           .where(Practice.status == "published",
                                  Practice.visitors_welcome.is_not(False))).all()
    wanted = set(member.topics_wanted)
    own = set(session.exec(select(Practice.id).where(Practice.contributor_id == member.id)))
    rows = [r for r in rows if r.id not in own]
    rows.sort(key=lambda r: (r.visitors_welcome is not True, not set(r.topics) & wanted, r.id))
    return [r.id for r in rows[:limit]]


def record(*, session: Session, member: Member, practice_id: int, now: datetime) -> bool:
    """Notes the member's interest once per practice; False if it was noted before."""
    found = session.exec(select(VisitInterest.id).where(
        VisitInterest.member_id == member.id,
        VisitInterest.practice_id == practice_id)).first()
    if found is not None:
        return False
    session.add(VisitInterest(member_id=member.id, practice_id=practice_id,
                              country=member.country, created_at=now))
    session.flush()
    return True


def demand(*, session: Session) -> list[Demand]:
    """Interested members per practice and country, most wanted first."""
    members = func.count(distinct(VisitInterest.member_id))
    rows = session.execute(select(
        VisitInterest.practice_id, Practice.slug, Practice.visitors_welcome,
        VisitInterest.country, members).join(Practice, Practice.id == VisitInterest.practice_id)
        .group_by(VisitInterest.practice_id, Practice.slug, Practice.visitors_welcome,
                  VisitInterest.country)).all()
    found = [Demand(*row) for row in rows]
    return sorted(found, key=lambda d: (-d.members, d.slug, d.country or ""))


@dataclass(frozen=True)
class Tally:
    """Members from one country and one practice: interested, or who made a visit."""

    practice_id: int
    country: str | None
    members: int


def interest_counts(*, session: Session, since: datetime | None = None,
                    until: datetime | None = None) -> list[Tally]:
    """Real members who asked to visit, per practice and country, asked in [since,
    until) (either end open when None)."""
    query = select(VisitInterest.practice_id, VisitInterest.country,
                   func.count(distinct(VisitInterest.member_id))).where(
        same_sandbox(VisitInterest.member_id, None))
    if since is not None:
        query = query.where(VisitInterest.created_at >= since)
    if until is not None:
        query = query.where(VisitInterest.created_at < until)
    rows = session.execute(query.group_by(VisitInterest.practice_id,
                                          VisitInterest.country)).all()
    return sorted((Tally(*row) for row in rows), key=lambda t: (t.practice_id, t.country or ""))


def visits_made(*, session: Session, today: date, since: date | None = None,
                until: date | None = None) -> list[Tally]:
    """Real members who made a visit (one not cancelled whose last day has passed; they
    came, where attendance was recorded for it, else they said yes), per practice and
    the member's country, for visits that ended in [since, until)."""
    query = select(Visit.practice_id, Member.country,
                   func.count(distinct(VisitInvite.member_id))).join(
        Visit, Visit.id == VisitInvite.visit_id).join(
        Member, Member.id == VisitInvite.member_id).where(
        made(), Visit.status == "planned", Visit.ends_on < today,
        same_sandbox(VisitInvite.member_id, None))
    if since is not None:
        query = query.where(Visit.ends_on >= since)
    if until is not None:
        query = query.where(Visit.ends_on < until)
    rows = session.execute(query.group_by(Visit.practice_id, Member.country)).all()
    return sorted((Tally(*row) for row in rows), key=lambda t: (t.practice_id, t.country or ""))
