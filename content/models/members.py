"""Members, their channel identities, and partner organisations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from content.models.base import created_field, json_field


class Organisation(SQLModel, table=True):
    """A partner organisation; moderators belong to one."""

    __table_args__ = (Index("ux_organisation_calendar_token", "calendar_token", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=80)
    name: str = Field(max_length=200)
    country: str | None = Field(default=None, max_length=2)
    languages: list[str] = json_field()  # the languages it works in
    # The secret in the URL of its visit calendar (services/visit_calendar.py): calendar
    # apps subscribe without a console session.
    calendar_token: str | None = Field(default=None, max_length=64)
    created_at: datetime = created_field()


class Member(SQLModel, table=True):
    """One person, whatever channels they use.

    The console's search finds part of a name or an enterprise through an index made in
    SQL by migration 0008, not declared here: an FTS5 trigram table `member_fts` kept by
    triggers (SQLite), pg_trgm GIN indexes (PostgreSQL).
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str | None = Field(default=None, max_length=120)
    country: str | None = Field(default=None, max_length=2)
    language: str = Field(default="en", max_length=3)
    language_chosen: bool = False
    script: str = Field(default="native", max_length=8)  # native | latin
    zawgyi: bool = False
    role: str = Field(default="member", max_length=16)  # member | expert | moderator
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    enterprise: str | None = Field(default=None, max_length=200)
    sector: str | None = Field(default=None, max_length=40)
    topics_wanted: list[str] = json_field()
    topics_offered: list[str] = json_field()
    consent_data_at: datetime | None = None
    consent_declined_at: datetime | None = None
    consent_stories: bool = False
    consent_matching: bool = False
    consent_contact: bool = False
    timezone: str | None = Field(default=None, max_length=64)
    quiet_start: int = 21
    quiet_end: int = 7
    segment_budget: int = 2
    languages: list[str] = json_field()  # other languages the member reads
    story_subscribed: bool = False
    onboarded_at: datetime | None = None
    # May an answer of theirs that becomes an FAQ carry their name? named | anonymous
    attribution: str | None = Field(default=None, max_length=16)
    # Blocked by a moderator: no further introductions, not asked to answer.
    blocked_at: datetime | None = Field(default=None, index=True)
    blocked_reason: str | None = Field(default=None, max_length=500)
    erased_at: datetime | None = None  # personal data removed; the row keeps the counts
    # A member the chat simulator made: the id of its sandbox (services/sandbox.py),
    # which nobody outside it reaches or hears from; None for a real member.
    sandbox: str | None = Field(default=None, max_length=32, index=True)
    created_at: datetime = created_field()


class Identity(SQLModel, table=True):
    """A way to reach a member: a phone number on SMS, a Telegram chat, ...

    Each identity has its own opt-out: STOP on SMS does not silence Telegram.
    """

    __table_args__ = (UniqueConstraint("provider", "channel", "address"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    provider: str = Field(max_length=16)  # twilio | telegram | simulator
    channel: str = Field(max_length=16)  # sms | whatsapp | telegram
    address: str = Field(max_length=64, index=True)  # E.164 phone or Telegram chat id
    opted_out: bool = False
    opted_out_at: datetime | None = None
    created_at: datetime = created_field()
