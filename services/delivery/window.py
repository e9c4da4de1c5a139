"""Messaging windows: a channel that takes messages only for a while after the member's
last message (Messenger's 24 hours, WhatsApp's session) declares it as a capability; a row
due after its window closed is skipped, with the reason, instead of sent and refused."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from content.channels import capabilities
from content.models import InboundMessage, OutboundMessage

OUTSIDE = "outside-window"
# What the provider reports about our own messages; the member said nothing.
NOT_FROM_MEMBER = ("status", "echo")


def closed(session: Session, rows: list[OutboundMessage], now: datetime) -> set[int]:
    """The ids of the rows whose recipient's window has closed."""
    found = set()
    for row in rows:
        window = capabilities(row.provider, row.channel).window
        if window is None:
            continue
        heard = last_heard(session, row)
        if heard is None or heard < now - window:
            found.add(row.id)
    return found


def last_heard(session: Session, row: OutboundMessage) -> datetime | None:
    """When the row's recipient last wrote on that channel (its member's index)."""
    return session.exec(select(func.max(InboundMessage.received_at)).where(
        InboundMessage.member_id == row.member_id, InboundMessage.provider == row.provider,
        InboundMessage.channel == row.channel, InboundMessage.address == row.address,
        InboundMessage.kind.not_in(NOT_FROM_MEMBER))).one()
