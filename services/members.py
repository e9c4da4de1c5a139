"""Members and identities: find or create them, opt out and back in."""

from __future__ import annotations

from sqlalchemy import bindparam, insert
from sqlalchemy.sql import Select
from sqlmodel import Session, select

from content.channels import phone_channels
from content.models import Identity, Member, utcnow
from services import sandbox
from services.phones import country_of


def identify(*, session: Session, provider: str, channel: str,
             address: str) -> tuple[Member, Identity]:
    """The member behind a channel address, created on first contact (a sandbox member
    for a simulator address in a sandbox: services/sandbox.py)."""
    found = _find(session, provider, channel, address)
    if found is not None:
        return found
    # A first contact: two Core INSERTs, then the same joined read as for a known member;
    # building both ORM objects and flushing them one by one cost twice as much.
    phone = sandbox.typed(provider, address)
    country = country_of(phone) if channel in phone_channels() else None
    member_id = session.execute(_NEW_MEMBER, dict(
        country=country, sandbox=sandbox.sandbox_of(provider, address), topics_wanted=[],
        topics_offered=[], languages=[], created_at=utcnow())).scalar_one()
    session.execute(_NEW_IDENTITY, dict(member_id=member_id, provider=provider,
                                        channel=channel, address=address,
                                        created_at=utcnow()))
    return _find(session, provider, channel, address)


_NEW_MEMBER = insert(Member.__table__).returning(Member.__table__.c.id)
_NEW_IDENTITY = insert(Identity.__table__)
# Identity and member in one joined query, built once (the hot path of every message).
_FIND = select(Identity, Member).join(Member, Member.id == Identity.member_id).where(
    Identity.provider == bindparam("provider"), Identity.channel == bindparam("channel"),
    Identity.address == bindparam("address"))


def _find(session: Session, provider: str, channel: str,
          address: str) -> tuple[Member, Identity] | None:
    """The identity and its member, if the address is known."""
    found = session.execute(_FIND, dict(provider=provider, channel=channel,
                                        address=address)).first()
    return None if found is None else (found[1], found[0])


def opt_out(*, session: Session, identity: Identity) -> None:
    """Stops every message to this identity (other identities of the member keep theirs)."""
    if not identity.opted_out:
        identity.opted_out, identity.opted_out_at = True, utcnow()
        session.add(identity)


def opt_in(*, session: Session, identity: Identity) -> bool:
    """Lets messages reach this identity again; tells whether it was opted out."""
    was = identity.opted_out
    identity.opted_out, identity.opted_out_at = False, None
    session.add(identity)
    return was


def blocked_ids() -> Select:
    """SQL: the ids of members a moderator blocked, whom matching never proposes and
    routing never asks (NOT IN this: a handful of rows read from the index on
    member.blocked_at; member_offer keeps no copy of it, so its triggers stay as
    they are)."""
    return select(Member.id).where(Member.blocked_at.is_not(None))
