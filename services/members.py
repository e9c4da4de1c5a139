"""Members and identities: find or create them, opt out and back in."""

from __future__ import annotations

from sqlmodel import Session, select

from content.models import Identity, Member, utcnow
from services.phones import country_of

PHONE_CHANNELS = frozenset({"sms", "whatsapp"})


def identify(*, session: Session, provider: str, channel: str,
             address: str) -> tuple[Member, Identity]:
    """The member behind a channel address, created on first contact."""
    identity = session.exec(select(Identity).where(
        Identity.provider == provider, Identity.channel == channel,
        Identity.address == address)).first()
    if identity is not None:
        return session.get(Member, identity.member_id), identity
    country = country_of(address) if channel in PHONE_CHANNELS else None
    member = Member(country=country)
    session.add(member)
    session.flush()
    identity = Identity(member_id=member.id, provider=provider, channel=channel,
                        address=address)
    session.add(identity)
    session.flush()
    return member, identity


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
