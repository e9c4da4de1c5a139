"""Inbound events that are not a member typing text: blocks, media, shared contacts."""

from __future__ import annotations

from sqlmodel import select

from content.models import Identity, InboundMessage, Member
from services import members
from services.phones import country_of, to_e164

BLOCK_KINDS = frozenset({"blocked", "unblocked"})
MEDIA_KINDS = frozenset({"photo", "voice", "audio", "video", "document", "sticker",
                         "location", "contact", "media"})


def apply_block(session, identity: Identity, kind: str) -> None:
    """A member blocked (opt out) or unblocked (opt back in) the bot."""
    if kind == "blocked":
        members.opt_out(session=session, identity=identity)
    else:
        members.opt_in(session=session, identity=identity)


def blocked_us(session, identity: Identity) -> bool:
    """Whether the identity's latest block event says it blocked the bot (nothing can
    reach it then, not even a word on how to come back)."""
    last = session.exec(select(InboundMessage.kind).where(
        InboundMessage.identity_id == identity.id, InboundMessage.kind.in_(BLOCK_KINDS))
        .order_by(InboundMessage.id.desc()).limit(1)).first()
    return last == "blocked"


def learn_from_contact(member: Member, inbound: InboundMessage) -> None:
    """A member who shares their own contact tells us their country."""
    phone = to_e164(str(inbound.payload.get("phone") or ""))
    if phone and member.country is None and inbound.payload.get("own", False):
        member.country = country_of(phone)
