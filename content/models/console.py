"""The moderator console's own tables: accounts, their sessions and personal API tokens,
failed logins (for throttling), practice versions and reviewed interface texts.

Secrets are never stored: a password is an Argon2 hash, a session, API token or set-up
link is kept as the SHA-256 of a random token the browser or client holds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from content.models.base import created_field, json_field, utcnow

ROLES = ("admin", "moderator", "translator", "viewer")


class ConsoleAccount(SQLModel, table=True):
    """A person who logs in to the console: a partner organisation's staff member."""

    __tablename__ = "console_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)  # stored lowercased
    name: str = Field(max_length=120)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id",
                                        index=True)  # None only for admins
    role: str = Field(max_length=16)  # admin | moderator | translator | viewer
    languages: list[str] = json_field()  # the languages they work in
    password_hash: str | None = Field(default=None, max_length=255)
    password_changed_at: datetime | None = None
    setup_token_hash: str | None = Field(default=None, max_length=64, index=True)
    setup_expires_at: datetime | None = None
    disabled_at: datetime | None = None
    last_login_at: datetime | None = None
    created_at: datetime = created_field()


class ConsoleSession(SQLModel, table=True):
    """A logged-in browser: expires when idle or old, revoked on logout, password change
    or when an admin disables the account."""

    __tablename__ = "console_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="console_account.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = created_field()
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime  # absolute: at most this long after login
    revoked_at: datetime | None = None


class ApiToken(SQLModel, table=True):
    """A personal token for the JSON API, created in the console and shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="console_account.id", index=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)  # the first characters, to tell tokens apart
    created_at: datetime = created_field()
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class LoginFailure(SQLModel, table=True):
    """A failed login, counted per account (the e-mail typed, whether it exists or not)
    and per address; only hashes of both are kept."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key", "kind", "key_hash", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=8)  # account | address
    key_hash: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, index=True)


class PracticeVersion(SQLModel, table=True):
    """A practice as pack files ({lang: Markdown with front matter}, FORMAT.md).

    number None is the pending edit (at most one per practice); every publish adds the
    next number, so earlier versions can be compared and restored.
    """

    __tablename__ = "practice_version"
    __table_args__ = (UniqueConstraint("practice_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    number: int | None = None
    files: dict = json_field(dict)
    note: str | None = Field(default=None, max_length=300)
    created_by: str = Field(max_length=120)
    created_at: datetime = created_field()
    published_at: datetime | None = None


class CatalogText(SQLModel, table=True):
    """An interface text edited in the console; the bot uses it instead of the file's.

    `peerlearn catalogs export` writes these back into bot/locale/*.po.
    """

    __tablename__ = "catalog_text"
    __table_args__ = (UniqueConstraint("lang", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    lang: str = Field(max_length=3)
    key: str = Field(max_length=120)
    text: str = Field(sa_type=Text)
    reviewed: bool = False
    reviewed_by: str | None = Field(default=None, max_length=120)
    reviewed_at: datetime | None = None
    updated_by: str = Field(max_length=120)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
