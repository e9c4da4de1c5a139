"""What moderators look at and change about introductions and people: the queries the
moderation API and the `peerlearn moderators|members` commands share.

Every change writes an AuditLog row in the caller's transaction. Nothing here returns
identities: callers show members by their public profile only (no phone numbers, chat
ids or usernames). Console accounts (who moderates) are services/accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CompoundSelect, Select, func, or_, union_all
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from content.channels import phone_channels
from content.languages import LANGUAGE_CODES, TOPICS
from content.models import (
    Answer,
    Identity,
    Introduction,
    Member,
    Organisation,
)
from services.access import Principal, member_scope
from services.audit import record
from services.localtime import zone
from services.phones import to_e164

ROLES = ("member", "expert", "moderator")
CLOSABLE = frozenset({"proposed", "active", "reported"})


class NotFound(LookupError):
    """No such introduction, member or organisation."""


class Refused(ValueError):
    """The change is not valid (an unknown topic, language, timezone, ...); says why."""


class Conflict(Refused):
    """The change does not fit the current state (already closed, a moderator, ...)."""


@dataclass(frozen=True)
class ExpertProfile:
    """What makes a member a resource person: the topics they answer, every language
    they read, their timezone and organisation (slug)."""

    topics_offered: list[str]
    languages: list[str]
    timezone: str | None
    organisation: str | None = None


def audit(*, session: Session, actor: Principal | str, action: str, target_type: str,
          target_id: int | str, **details: object) -> None:
    """Records one action in the audit log."""
    record(session=session, actor=actor, action=action, target_type=target_type,
           target_id=target_id, **details)


def introductions(*, session: Session, status: str | None = None, limit: int = 100,
                  offset: int = 0, principal: Principal | None = None) -> list[Introduction]:
    """Introductions, newest first, of one status or all; with a principal, only those
    with a member the account sees (as the relay reports queue)."""
    query = select(Introduction)
    if principal is not None and not principal.is_admin:
        a, b = aliased(Member), aliased(Member)
        query = (query.join(a, a.id == Introduction.member_a)
                 .join(b, b.id == Introduction.member_b)
                 .where(or_(member_scope(principal, a), member_scope(principal, b))))
    if status is not None:
        query = query.where(Introduction.status == status)
    return list(session.exec(query.order_by(Introduction.created_at.desc(),
                                            Introduction.id.desc())
                             .offset(offset).limit(limit)))


def members_by_id(*, session: Session, ids: set[int]) -> dict[int, Member]:
    """The members with these ids."""
    if not ids:
        return {}
    return {m.id: m for m in session.exec(select(Member).where(Member.id.in_(sorted(ids))))}


def close_introduction(*, session: Session, introduction_id: int, actor: Principal | str,
                       now: datetime) -> Introduction:
    """Closes an introduction (proposed, active or reported) on a moderator's word; the
    relay stops forwarding. closed_by stays None: no member closed it."""
    # Locked (on PostgreSQL) so that two moderators closing at once tell the members once.
    intro = session.get(Introduction, introduction_id, with_for_update=True)
    if intro is None:
        raise NotFound(f"no introduction {introduction_id}")
    if intro.status not in CLOSABLE:
        raise Conflict(f"introduction {introduction_id} is already {intro.status}")
    before = {"status": intro.status, "closed_by": intro.closed_by,
              "closed_at": intro.closed_at.isoformat() if intro.closed_at else None}
    intro.status, intro.closed_at, intro.closed_by = "closed", now, None
    session.add(intro)
    audit(session=session, actor=actor, action="introduction.close",
          target_type="introduction", target_id=intro.id, before=before)
    return intro


def people(*, session: Session, role: str | None, limit: int = 100, offset: int = 0,
           ids: list[int] | None = None, principal: Principal | None = None
           ) -> list[tuple[Member, str | None, int, int]]:
    """Members (of a role, or with these ids; with a principal, those the account sees)
    with their organisation's slug, answers given and introductions taken part in."""
    query = select(Member)
    if principal is not None:
        query = query.where(member_scope(principal))
    if role is not None:
        query = query.where(Member.role == role)
    if ids is not None:
        query = query.where(Member.id.in_(ids))
    members = list(session.exec(query.order_by(Member.id).offset(offset).limit(limit)))
    found = [m.id for m in members]
    if not found:
        return []
    answers = _counts(session, sa_select(Answer.member_id.label("member_id"))
                      .where(Answer.member_id.in_(found)))
    intros = _counts(session, union_all(
        sa_select(Introduction.member_a.label("member_id"))
        .where(Introduction.member_a.in_(found)),
        sa_select(Introduction.member_b.label("member_id"))
        .where(Introduction.member_b.in_(found))))
    slugs = _slugs(session, {m.organisation_id for m in members if m.organisation_id})
    return [(m, slugs.get(m.organisation_id), answers.get(m.id, 0), intros.get(m.id, 0))
            for m in members]


def _counts(session: Session, rows: Select | CompoundSelect) -> dict[int, int]:
    """How often each member_id occurs in the rows of a query."""
    rows = rows.subquery()
    return dict(session.execute(sa_select(rows.c.member_id, func.count())
                                .group_by(rows.c.member_id)).all())


def _slugs(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(sa_select(Organisation.id, Organisation.slug)
                                .where(Organisation.id.in_(sorted(ids)))).all())


def make_expert(*, session: Session, member_id: int, profile: ExpertProfile,
                actor: Principal | str) -> Member:
    """Makes a member a resource person: role expert, the topics they answer, the other
    languages they read, their timezone and organisation. Their consents stay theirs."""
    member = _member(session, member_id)
    if member.role == "moderator":
        raise Conflict(f"member {member_id} is a moderator: change the role first")
    topics, languages = _topics(profile.topics_offered), _languages(profile.languages)
    if profile.timezone and zone(profile.timezone) is None:
        raise Refused(f"unknown timezone {profile.timezone!r} (e.g. Asia/Manila)")
    org = _organisation(session, profile.organisation) if profile.organisation else None
    before = _expert_fields(member)
    member.role, member.topics_offered = "expert", topics
    member.languages = [code for code in languages if code != member.language]
    if profile.timezone:
        member.timezone = profile.timezone
    if org is not None:
        member.organisation_id = org.id
    session.add(member)
    audit(session=session, actor=actor, action="member.expert", target_type="member",
          target_id=member.id, before=before, after=_expert_fields(member))
    return member


def set_role(*, session: Session, member_id: int, role: str, actor: Principal | str,
             organisation: str | None = None) -> Member:
    """Changes a member's role; a moderator belongs to an organisation."""
    if role not in ROLES:
        raise Refused(f"role must be one of {', '.join(ROLES)}")
    member = _member(session, member_id)
    org = _organisation(session, organisation) if organisation else None
    if role == "moderator" and org is None and member.organisation_id is None:
        raise Conflict("a moderator belongs to an organisation: give its slug")
    before = {"role": member.role, "organisation_id": member.organisation_id}
    member.role = role
    if org is not None:
        member.organisation_id = org.id
    session.add(member)
    audit(session=session, actor=actor, action="member.role", target_type="member",
          target_id=member.id, before=before,
          after={"role": member.role, "organisation_id": member.organisation_id})
    return member


def find_member(*, session: Session, ref: str) -> Member:
    """A member by id (digits) or by a phone number they wrote from (+ and country code)."""
    ref = ref.strip()
    if ref.isascii() and ref.isdigit():
        if len(ref) > 9:  # beyond any id a database column holds
            raise NotFound(f"no member {ref}")
        return _member(session, int(ref))
    phone = to_e164(ref)
    if phone is None:
        raise Refused(f"neither a member id nor a phone number with country code: {ref!r}")
    owners = set(session.exec(select(Identity.member_id).where(
        Identity.channel.in_(sorted(phone_channels())), Identity.address == phone)))
    if len(owners) != 1:
        raise NotFound("no member has written from this number" if not owners
                       else "several members have this number: give the member id")
    return _member(session, owners.pop())


def _member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(f"no member {member_id}")
    return member


def _organisation(session: Session, slug: str) -> Organisation:
    org = session.exec(select(Organisation).where(Organisation.slug == slug)).first()
    if org is None:
        raise NotFound(f"no organisation {slug!r} (peerlearn organisations add creates one)")
    return org


def _topics(topics: list[str]) -> list[str]:
    unknown = [t for t in topics if t not in TOPICS]
    if unknown or not topics:
        raise Refused(f"topics must be one or more of {', '.join(TOPICS)}; "
                      f"unknown: {', '.join(unknown) or 'none given'}")
    return list(dict.fromkeys(topics))


def _languages(languages: list[str]) -> list[str]:
    unknown = [code for code in languages if code not in LANGUAGE_CODES]
    if unknown:
        raise Refused(f"languages must be among {', '.join(LANGUAGE_CODES)}; "
                      f"unknown: {', '.join(unknown)}")
    return list(dict.fromkeys(languages))


def _expert_fields(member: Member) -> dict:
    return {"role": member.role, "topics_offered": list(member.topics_offered),
            "languages": list(member.languages), "timezone": member.timezone,
            "organisation_id": member.organisation_id}

