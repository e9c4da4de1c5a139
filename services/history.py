"""A channel identity's conversation as stored: inbound and outbound, oldest first."""

from __future__ import annotations

from sqlmodel import Session, select

from content.models import Identity, InboundMessage, OutboundMessage


def conversation(*, session: Session, provider: str, channel: str,
                 address: str) -> list[InboundMessage | OutboundMessage]:
    """Every message to and from the identity, in the order they happened."""
    identity = session.exec(select(Identity).where(
        Identity.provider == provider, Identity.channel == channel,
        Identity.address == address)).first()
    if identity is None:
        return []
    inbound = session.exec(select(InboundMessage).where(
        InboundMessage.identity_id == identity.id)).all()
    outbound = session.exec(select(OutboundMessage).where(
        OutboundMessage.identity_id == identity.id)).all()
    # A reply is created after the message it answers, in the same second at worst.
    return sorted([*inbound, *outbound], key=lambda m: (
        getattr(m, "received_at", None) or m.created_at,
        isinstance(m, OutboundMessage), m.id))
