"""Where each member is in a dialog, keyed by member so any channel can continue it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from content.models.base import json_field, utcnow


class ConversationState(SQLModel, table=True):
    """The member's current flow and step, with the data the step needs."""

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    flow: str = Field(max_length=32)
    step: str = Field(max_length=32)
    data: dict = json_field(dict)
    expires_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)
