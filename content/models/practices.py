"""Practices from the content store, their translations, snippets and FAQ."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from content.models.base import created_field, json_field, utcnow


class Practice(SQLModel, table=True):
    """A documented good practice; language-independent facts live here."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=80)
    pack: str = Field(default="core", max_length=80)
    status: str = Field(default="draft", max_length=16)  # draft|review|published|archived
    country: str | None = Field(default=None, max_length=2)
    organisation: str | None = Field(default=None, max_length=200)  # who runs it
    # The partner organisation that curates it; None: the shared store.
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id",
                                        index=True)
    topics: list[str] = json_field()
    sectors: list[str] = json_field()
    sources: list[dict] = json_field()
    content_hash: str | None = Field(default=None, max_length=64)
    # A practice documented by a member through SHARE: who, their photos (Telegram
    # file ids), whether the host welcomes visitors, and when they were told it is live.
    contributor_id: int | None = Field(default=None, foreign_key="member.id")
    media: list[dict] = json_field()
    visitors_welcome: bool | None = None
    published_at: datetime | None = None
    created_at: datetime = created_field()
    updated_at: datetime = Field(default_factory=utcnow)


class PracticeTranslation(SQLModel, table=True):
    """The documentation template in one language."""

    __table_args__ = (UniqueConstraint("practice_id", "lang"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    lang: str = Field(max_length=3)
    title: str = Field(max_length=300)
    body: str = Field(default="", sa_type=Text)
    cooperation: str | None = Field(default=None, sa_type=Text)
    approach: str | None = Field(default=None, sa_type=Text)
    shared_across_borders: str | None = Field(default=None, sa_type=Text)
    shared_in_country: str | None = Field(default=None, sa_type=Text)
    results: str | None = Field(default=None, sa_type=Text)
    reviewed: bool = False
    reviewed_by: str | None = Field(default=None, max_length=120)  # a person's name
    reviewed_at: datetime | None = None
    translated_from: str | None = Field(default=None, max_length=3)
    # What members call the practice in this language beyond its texts (search only)
    keywords: list[str] = json_field()


class Snippet(SQLModel, table=True):
    """An SMS-sized piece of a practice's story, in reading order."""

    __table_args__ = (UniqueConstraint("practice_id", "lang", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    lang: str = Field(max_length=3)
    position: int
    text: str = Field(sa_type=Text)


class Faq(SQLModel, table=True):
    """A question and answer about a practice, in one language."""

    __table_args__ = (UniqueConstraint("practice_id", "lang", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    lang: str = Field(max_length=3)
    position: int
    question: str = Field(sa_type=Text)
    answer: str = Field(sa_type=Text)
    # A FAQ promoted from a member's answer: the answer, and the name shown (None: anonymous)
    answer_id: int | None = Field(default=None, foreign_key="answer.id")
    attribution: str | None = Field(default=None, max_length=200)


class Reading(SQLModel, table=True):
    """How far a member has read a practice; finishing it starts the follow-up clock."""

    __table_args__ = (UniqueConstraint("member_id", "practice_id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    lang: str = Field(max_length=3)
    position: int = 0
    started_at: datetime = created_field()
    completed_at: datetime | None = None
