"""The audit log: every moderator or operator action, who and when."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from content.models.base import json_field, utcnow


class AuditLog(SQLModel, table=True):
    """One action on the store or a member, by a person or a command."""

    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=120)
    action: str = Field(max_length=64)
    target_type: str | None = Field(default=None, max_length=32)
    target_id: str | None = Field(default=None, max_length=80)
    details: dict = json_field(dict)
    # The console account that acted, and its organisation (None: a command or the bot).
    account_id: int | None = Field(default=None, index=True)
    organisation_id: int | None = Field(default=None, index=True)
    at: datetime = Field(default_factory=utcnow, nullable=False, index=True)
