"""Peer learning: introductions through a masked relay, visits, replication reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, text
from sqlmodel import Field, SQLModel

from content.models.base import created_field, json_field


class Introduction(SQLModel, table=True):
    """Two members proposed to each other; both must say YES (double opt-in).

    status: proposed | active | declined | closed | reported. While active, a message
    that starts with `relay_code` is forwarded to the other member, masked.
    """

    __table_args__ = (Index("ix_introduction_b_created", "member_b", "created_at"),
                      Index("ux_introduction_relay_active", "relay_code", unique=True,
                            sqlite_where=text("status = 'active'"),
                            postgresql_where=text("status = 'active'")))

    id: int | None = Field(default=None, primary_key=True)
    member_a: int = Field(foreign_key="member.id", index=True)  # who asked for a peer
    member_b: int = Field(foreign_key="member.id", index=True)
    topic: str | None = Field(default=None, max_length=40)
    reasons: list[str] = json_field()
    status: str = Field(default="proposed", max_length=16, index=True)
    a_accepted: bool | None = None
    b_accepted: bool | None = None
    a_shares_contact: bool = False
    b_shares_contact: bool = False
    relay_code: str | None = Field(default=None, max_length=8, index=True)
    created_at: datetime = created_field()
    expires_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: int | None = None  # the member who sent END or REPORT (None: expired)
    report_text: str | None = Field(default=None, sa_type=Text)


class VisitInterest(SQLModel, table=True):
    """A member would like to visit a practice's host enterprise."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    country: str | None = Field(default=None, max_length=2)
    created_at: datetime = created_field()


class ReplicationReport(SQLModel, table=True):
    """What a member reports after trying a practice."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    outcome: str = Field(max_length=16)  # interested|tried|adopted|adapted|abandoned|...
    text: str | None = Field(default=None, sa_type=Text)
    country: str | None = Field(default=None, max_length=2)
    created_at: datetime = created_field()


class Job(SQLModel, table=True):
    """Scheduled work (follow-ups, escalations, weekly stories, relay expiry), claimed by
    one worker at a time like outbox rows. Migration 0004 also keeps one due job per
    (kind, member, ref) with a unique partial index."""

    __table_args__ = (Index("ix_job_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24, index=True)
    ref_id: int | None = None
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    due_at: datetime = Field(index=True)
    status: str = Field(default="due", max_length=12, index=True)  # due | done | cancelled
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = None
    created_at: datetime = created_field()
