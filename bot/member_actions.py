"""Moderators' actions on members, each with the messages it sends: the console's member
and relay-report pages and the moderation API call these, so a member is told alike
whichever a moderator used.

Each function changes the data through services.members_admin (which checks the
account's scope and role: `NotFound`, `Refused`, `Conflict`) and queues the notices of
bot/member_notices.py in the caller's transaction; it returns the member.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import member_notices
from bot.catalog import Catalog
from content.models import Member
from services import moderation
from services.access import Principal
from services.members_admin import actions, erase


def make_expert(session: Session, catalog: Catalog, principal: Principal, member_id: int,
                profile: moderation.ExpertProfile, *, now: datetime) -> tuple[Member, bool]:
    """Makes the member a resource person; True (and they are told, and asked about
    attribution) if they were not one before."""
    member, new = actions.make_expert(session=session, principal=principal,
                                      member_id=member_id, profile=profile)
    if new:
        member_notices.expert_made(session, catalog, member, now=now)
    return member, new


def unmake_expert(session: Session, catalog: Catalog, principal: Principal, member_id: int,
                  *, now: datetime) -> Member:
    """Makes a resource person a member again, with a polite note."""
    member = actions.unmake_expert(session=session, principal=principal, member_id=member_id)
    member_notices.expert_unmade(session, catalog, member, now=now)
    return member


def block(session: Session, catalog: Catalog, principal: Principal, member_id: int,
          reason: str, *, now: datetime) -> Member:
    """Blocks the member; they and the peers of the introductions it closed are told."""
    done = actions.block(session=session, principal=principal, member_id=member_id,
                         reason=reason, now=now)
    member_notices.blocked(session, catalog, done.member, done.closed, now=now)
    return done.member


def unblock(session: Session, catalog: Catalog, principal: Principal, member_id: int,
            *, now: datetime) -> Member:
    """Lets the member meet peers again, and tells them."""
    member = actions.unblock(session=session, principal=principal, member_id=member_id)
    member_notices.unblocked(session, catalog, member, now=now)
    return member


def erase_member(session: Session, catalog: Catalog, principal: Principal, member_id: int,
                 confirm: str, *, now: datetime) -> Member:
    """Erases the member's personal data; the peers of their open introductions are
    told those are closed."""
    done = erase.erase(session=session, principal=principal, member_id=member_id,
                       confirm=confirm, now=now)
    member_notices.peers_told(session, catalog, done.member, done.closed, now=now)
    return done.member
