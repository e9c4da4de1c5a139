"""Writing to the outbox. Every send goes through here, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from content.models import Identity, OutboundMessage
from content.models.messages import PRIORITY_REPLY
from services.delivery.parts import Part

# Purposes that still reach an identity that has opted out (a one-time confirmation).
ALLOWED_WHEN_OPTED_OUT = frozenset({"optout", "help"})


def queue(*, session: Session, identity: Identity, parts: Iterable[Part],
          inbound_id: int | None = None, priority: int = PRIORITY_REPLY,
          purpose: str = "reply") -> list[OutboundMessage]:
    """Adds one outbox row per part, in order."""
    rows = [OutboundMessage(
        member_id=identity.member_id, identity_id=identity.id, inbound_id=inbound_id,
        provider=identity.provider, channel=identity.channel, address=identity.address,
        text=part.text, buttons=part.buttons, priority=priority, purpose=purpose,
        segments=part.segments, encoding=part.encoding, edits=part.edits) for part in parts]
    session.add_all(rows)
    session.flush()
    return rows
