"""What the console shows of exchange visits: the interest list per practice (the members
a moderator may see who asked to visit it), the members to invite to a visit, and the
invitations with their answers and reflections."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func
from sqlmodel import Session, select

from content.models import Member, Practice, Visit, VisitInterest, VisitInvite
from services.access import Principal, member_scope, practice_scope


@dataclass(frozen=True)
class Wanted:
    """A practice some members in the account's scope would like to visit."""

    practice_id: int
    slug: str
    visitors_welcome: bool | None
    members: int
    countries: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """An interested member, and whether they speak one of the visit's languages."""

    member: Member
    speaks: bool


def interest(*, session: Session, principal: Principal) -> list[Wanted]:
    """Practices in the account's scope by how many of its members asked to visit them."""
    rows = session.execute(select(
        Practice.id, Practice.slug, Practice.visitors_welcome,
        func.count(distinct(VisitInterest.member_id)), VisitInterest.country)
        .join(Practice, Practice.id == VisitInterest.practice_id)
        .join(Member, Member.id == VisitInterest.member_id)
        .where(practice_scope(principal), member_scope(principal))
        .group_by(Practice.id, Practice.slug, Practice.visitors_welcome,
                  VisitInterest.country)).all()
    merged: dict[int, list] = {}
    for pid, slug, welcome, members, country in rows:
        entry = merged.setdefault(pid, [slug, welcome, 0, set()])
        entry[2] += members
        if country:
            entry[3].add(country)
    found = [Wanted(pid, slug, welcome, n, tuple(sorted(countries)))
             for pid, (slug, welcome, n, countries) in merged.items()]
    return sorted(found, key=lambda w: (-w.members, w.slug))


def candidates(*, session: Session, principal: Principal, visit: Visit) -> list[Candidate]:
    """Members in scope who asked to visit the practice and are not invited yet; those
    who speak one of the visit's languages first."""
    invited = select(VisitInvite.member_id).where(VisitInvite.visit_id == visit.id)
    members = session.exec(select(Member).join(
        VisitInterest, VisitInterest.member_id == Member.id).where(
        VisitInterest.practice_id == visit.practice_id, member_scope(principal),
        Member.id.not_in(invited)).order_by(VisitInterest.created_at, Member.id)).all()
    spoken = set(visit.languages)
    found = [Candidate(m, not spoken or m.language in spoken) for m in members]
    return sorted(found, key=lambda c: not c.speaks)


def invitations(*, session: Session, visit: Visit) -> list[tuple[VisitInvite, Member]]:
    """Everyone invited, in the order they were invited."""
    return list(session.exec(select(VisitInvite, Member).join(
        Member, Member.id == VisitInvite.member_id).where(VisitInvite.visit_id == visit.id)
        .order_by(VisitInvite.id)).all())


def tally(rows: list[tuple[VisitInvite, Member]]) -> dict[str, int]:
    """How many invitations have each status."""
    counts: dict[str, int] = {}
    for invite, _ in rows:
        counts[invite.status] = counts.get(invite.status, 0) + 1
    return counts


def titles(*, session: Session, visits: list[Visit]) -> dict[int, str]:
    """Each visit's practice slug, for lists."""
    ids = {v.practice_id for v in visits}
    if not ids:
        return {}
    return dict(session.execute(select(Practice.id, Practice.slug)
                                .where(Practice.id.in_(ids))).all())
