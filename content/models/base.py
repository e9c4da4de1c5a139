"""Column helpers shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field


def utcnow() -> datetime:
    """Now, timezone-aware in UTC (SQLModel's datetime columns insist on aware values)."""
    return datetime.now(UTC)


def json_field(default_factory: Any = list) -> Any:
    """A JSON column with a Python default (a list unless told otherwise)."""
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


def created_field() -> Any:
    """A creation timestamp set on insert."""
    return Field(default_factory=utcnow, nullable=False)
