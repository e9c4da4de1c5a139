"""The inbox and the outbox.

An inbound row is written, and committed, before the provider is acknowledged; its
(provider, provider_key) is unique so a retried webhook is processed once. Every send
is an outbound row, written in the same transaction as the state change that caused it.
A dispatcher process keeps a DispatchWorker row alive while it holds outbox rows
(services/delivery/heartbeat.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from content.models.base import created_field, json_field, utcnow

PRIORITY_REPLY = 0
PRIORITY_BROADCAST = 1


class InboundMessage(SQLModel, table=True):
    """One message or event received from a provider, exactly as parsed."""

    __table_args__ = (
        UniqueConstraint("provider", "provider_key"),
        Index("ix_inbound_status", "status", "received_at"),
        Index("ix_inbound_member", "member_id", "received_at"),
        # Who wrote in a period (the indicators' active members), read from the index
        # alone: without it SQLite skip-scans ix_inbound_status (migration 0019).
        Index("ix_inbound_received", "received_at", "member_id", "channel"),
        # The messages still waiting, by address: the processors' claim asks whether an
        # earlier one of the same address waits (bot/inbox.py), and `heads` groups them.
        Index("ix_inbound_waiting", "provider", "channel", "address", "id",
              sqlite_where=text("status = 'received'"),
              postgresql_where=text("status = 'received'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(max_length=16)
    provider_key: str = Field(max_length=128)
    channel: str = Field(max_length=16)
    address: str = Field(max_length=64)
    kind: str = Field(default="text", max_length=24)
    text: str = Field(default="", sa_type=Text)
    payload: dict = json_field(dict)
    identity_id: int | None = Field(default=None, foreign_key="identity.id")
    member_id: int | None = Field(default=None, foreign_key="member.id")
    status: str = Field(default="received", max_length=16)  # received|processed|failed
    attempts: int = 0
    error: str | None = Field(default=None, sa_type=Text)
    received_at: datetime = created_field()
    processed_at: datetime | None = None


class OutboundMessage(SQLModel, table=True):
    """One message to send: the outbox row the dispatcher claims and delivers."""

    __table_args__ = (Index("ix_outbox_due", "status", "priority", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    identity_id: int = Field(foreign_key="identity.id", index=True)
    inbound_id: int | None = Field(default=None, foreign_key="inboundmessage.id", index=True)
    provider: str = Field(max_length=16)
    channel: str = Field(max_length=16)
    address: str = Field(max_length=64)
    text: str = Field(sa_type=Text)
    buttons: list[list[dict]] = json_field()
    # The provider's id of a message sent earlier whose buttons this row replaces (a
    # Telegram keyboard edited in place); None for a new message.
    edits: str | None = Field(default=None, max_length=64)
    priority: int = PRIORITY_REPLY
    # reply | broadcast | optout | help: the last two may reach an opted-out identity
    purpose: str = Field(default="reply", max_length=16)
    # queued|sending|sent|delivered|read|undelivered|failed|dead|suppressed|skipped|
    # withdrawn (a cancelled broadcast's row that was not sent)
    status: str = Field(default="queued", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = None
    # Telegram's message ids are short, Twilio's 34 characters, Messenger's near 90.
    provider_id: str | None = Field(default=None, max_length=128, index=True)
    error_code: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, sa_type=Text)
    segments: int | None = None
    encoding: str | None = Field(default=None, max_length=8)
    billed_segments: int | None = None
    # The price of a segment to this destination when the row was queued (SmsPrice):
    # cost_estimate is it times `segments`, the actual cost it times `billed_segments`.
    unit_price: float | None = None
    cost_estimate: float | None = None
    broadcast_id: int | None = Field(default=None, foreign_key="broadcast.id", index=True)
    created_at: datetime = created_field()
    sent_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class DispatchWorker(SQLModel, table=True):
    """A dispatcher that may hold outbox rows (`claimed_by` starts with its name); it
    counts `beat` up every few seconds while it lives. Another worker that sees the
    count stand still long enough takes its rows over."""

    name: str = Field(primary_key=True, max_length=32)
    beat: int = 0
    started_at: datetime = Field(default_factory=utcnow)
    beat_at: datetime = Field(default_factory=utcnow)  # for people; takeover never reads it
