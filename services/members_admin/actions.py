"""Changes moderators make to a member: make or unmake a resource person, block and
unblock. Each checks the account's scope and writes the audit log; what the member
(and, for a block, their peers) are told is bot/member_notices.py's.

Blocking a member (after a relay report, say):
- closes their proposed and active introductions (as a moderator's close: the relay
  stops forwarding, each one audit-logged), so the peers can be told;
- expires the questions waiting for their answer, so an answer by code is no longer
  taken from them (the questions escalate to the moderators as unanswered ones do);
- leaves them out of matching and routing from then on (services/matching/candidates.py
  and services/routing/candidates.py skip members with blocked_at): a blocked member is
  neither proposed as a peer nor asked to answer, since an answer reaches the asker.
They can still read stories and ask questions. Unblocking lets them in again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, select

from content.models import Introduction, Member, QuestionRoute
from services import moderation
from services.access import Principal
from services.audit import record as audit
from services.members_admin import Conflict, Refused, visible_member

OPEN = ("proposed", "active")
REASON_MAX = 500


@dataclass
class Blocked:
    """A blocked member and the introductions the block closed."""

    member: Member
    closed: list[Introduction] = field(default_factory=list)


def make_expert(*, session: Session, principal: Principal, member_id: int,
                profile: moderation.ExpertProfile) -> tuple[Member, bool]:
    """Makes the member a resource person; True if they were not one before (then they
    are told and asked about attribution)."""
    member = _changeable(session, principal, member_id)
    if member.blocked_at is not None:
        raise Conflict(f"member {member_id} is blocked: unblock them first")
    if not principal.is_admin and profile.organisation not in (
            None, "", principal.organisation_slug):
        raise Refused("a resource person you name belongs to your organisation")
    was = member.role
    moderation.make_expert(session=session, member_id=member.id, profile=profile,
                           actor=principal)
    return member, was != "expert"


def unmake_expert(*, session: Session, principal: Principal, member_id: int) -> Member:
    """Makes a resource person a member again: they answer no more questions (the topics
    they offered are cleared; they may offer topics again in SETTINGS)."""
    member = _changeable(session, principal, member_id)
    if member.role != "expert":
        raise Conflict(f"member {member_id} is not a resource person")
    before = {"role": member.role, "topics_offered": list(member.topics_offered)}
    member.role, member.topics_offered = "member", []
    session.add(member)
    audit(session=session, actor=principal, action="member.unexpert", target_type="member",
          target_id=member.id, before=before)
    return member


def block(*, session: Session, principal: Principal, member_id: int, reason: str,
          now: datetime) -> Blocked:
    """Blocks the member: no further introductions or questions to answer; their open
    introductions closed and their waiting questions taken back."""
    member = _changeable(session, principal, member_id, lock=True)
    if member.blocked_at is not None:
        raise Conflict(f"member {member_id} is already blocked")
    reason = reason.strip()[:REASON_MAX]
    if not reason:
        raise Refused("say why the member is blocked")
    member.blocked_at, member.blocked_reason = now, reason
    session.add(member)
    session.flush()
    found = Blocked(member, close_open(session=session, principal=principal,
                                       member_id=member.id, now=now))
    routes = take_back_questions(session=session, member_id=member.id)
    audit(session=session, actor=principal, action="member.block", target_type="member",
          target_id=member.id, reason=reason, introductions=[i.id for i in found.closed],
          routes_expired=routes)
    return found


def close_open(*, session: Session, principal: Principal, member_id: int,
               now: datetime) -> list[Introduction]:
    """Closes the member's proposed and active introductions, as a moderator does."""
    return [moderation.close_introduction(session=session, introduction_id=intro.id,
                                          actor=principal, now=now)
            for intro in session.exec(select(Introduction).where(
                or_(Introduction.member_a == member_id, Introduction.member_b == member_id),
                Introduction.status.in_(OPEN)).order_by(Introduction.id)).all()]


def take_back_questions(*, session: Session, member_id: int) -> int:
    """Expires the routes waiting for the member's answer; how many."""
    return session.execute(update(QuestionRoute).where(
        QuestionRoute.member_id == member_id, QuestionRoute.status == "sent")
        .values(status="expired")).rowcount


def unblock(*, session: Session, principal: Principal, member_id: int) -> Member:
    """Lets a blocked member be introduced and asked again."""
    member = _changeable(session, principal, member_id, lock=True)
    if member.blocked_at is None:
        raise Conflict(f"member {member_id} is not blocked")
    before = {"blocked_at": member.blocked_at.isoformat(), "reason": member.blocked_reason}
    member.blocked_at, member.blocked_reason = None, None
    session.add(member)
    audit(session=session, actor=principal, action="member.unblock", target_type="member",
          target_id=member.id, before=before)
    return member


def _changeable(session: Session, principal: Principal, member_id: int,
                lock: bool = False) -> Member:
    member = visible_member(session=session, principal=principal, member_id=member_id,
                            lock=lock)
    if member.erased_at is not None:
        raise Conflict(f"member {member_id} was erased")
    return member
