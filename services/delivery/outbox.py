"""Writing to the outbox. Every send goes through here, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Integer, Row, bindparam, insert
from sqlmodel import Session, select

from content.channels import kind
from content.models import Identity, OutboundMessage
from content.models.messages import PRIORITY_REPLY
from services.delivery.parts import Part
from services.delivery.status import OPT_OUT_CODES
from services.phones import country_of
from services.sms.prices import PRICE

STOPPED = "stopped"  # telling an opted-out identity that writes how to come back
STOPPED_EVERY = timedelta(days=1)
# Purposes that still reach an identity that has opted out (a one-time confirmation).
ALLOWED_WHEN_OPTED_OUT = frozenset({"optout", "help", STOPPED})
OUTBOX = OutboundMessage.__table__
# The destination's price per segment is copied onto the row in the same statement.
INSERT = insert(OUTBOX).values(
    unit_price=PRICE, cost_estimate=PRICE * bindparam("price_segments", type_=Integer),
).returning(OUTBOX.c.id, sort_by_parameter_order=True)
ROWS = select(OUTBOX).where(OUTBOX.c.id.in_(bindparam("ids", expanding=True)))


def queue(*, session: Session, identity: Identity, parts: Iterable[Part],
          inbound_id: int | None = None, priority: int = PRIORITY_REPLY,
          purpose: str = "reply") -> list[int]:
    """Adds one outbox row per part, in order; returns their ids.

    One Core INSERT (compiled once, executemany) rather than ORM objects: building each
    SQLModel object and flushing it was a fifth of a turn, four times this statement.
    `rows` reads them back for a caller that shows them (the simulator, the chat)."""
    country = country_of(identity.address) if kind(identity.channel).segmented else None
    values = [dict(
        member_id=identity.member_id, identity_id=identity.id, inbound_id=inbound_id,
        provider=identity.provider, channel=identity.channel, address=identity.address,
        text=part.text, buttons=part.buttons, priority=priority, purpose=purpose,
        segments=part.segments, encoding=part.encoding, edits=part.edits,
        price_provider=identity.provider, price_country=country,
        price_segments=part.segments) for part in parts]
    if not values:
        return []
    session.flush()  # what the turn changed through the ORM goes first, as before
    return list(session.scalars(INSERT, values))


def rows(session: Session, ids: list[int]) -> list[Row]:
    """The outbox rows of `ids`, in that order, as read-only rows (a column is an
    attribute, as on OutboundMessage; loading ORM objects would cost more than the
    turn's INSERT saved)."""
    if not ids:
        return []
    found = {row.id: row for row in session.execute(ROWS, {"ids": ids})}
    return [found[i] for i in ids]


def stopped_notice_due(*, session: Session, identity: Identity, now: datetime) -> bool:
    """Whether an identity that opted out and writes again may be told how to come back:
    not if it was told within a day, nor if the provider has refused a message to it
    since the opt-out (the provider blocks it, so a reply would only fail)."""
    told = session.exec(select(OutboundMessage.id).where(
        OutboundMessage.identity_id == identity.id, OutboundMessage.purpose == STOPPED,
        OutboundMessage.created_at >= now - STOPPED_EVERY).limit(1)).first()
    if told is not None:
        return False
    refused = select(OutboundMessage.id).where(
        OutboundMessage.identity_id == identity.id,
        OutboundMessage.error_code.in_(OPT_OUT_CODES))
    if identity.opted_out_at is not None:
        refused = refused.where(OutboundMessage.updated_at >= identity.opted_out_at)
    return session.exec(refused.limit(1)).first() is None
