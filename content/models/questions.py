"""Questions members ask, and what the store answered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, text
from sqlmodel import Field, SQLModel

from content.models.base import created_field, json_field


class Question(SQLModel, table=True):
    """A member's question, in their language, and the stored answer it got (if any).

    status: answered (from the store, awaiting or with a rating) | open (no confident
    stored answer, or the member said it did not help: a person should answer).
    """

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    lang: str = Field(max_length=3)
    text: str = Field(sa_type=Text)
    status: str = Field(default="open", max_length=16, index=True)
    source: str = Field(default="ask", max_length=16)  # ask | tried (what went wrong)
    practice_id: int | None = Field(default=None, foreign_key="practice.id")
    needs_translation: bool = False
    text_en: str | None = Field(default=None, sa_type=Text)  # a moderator's translation
    escalated_at: datetime | None = None
    practice_slug: str | None = Field(default=None, max_length=80)
    answer_kind: str | None = Field(default=None, max_length=16)  # faq | snippet
    answer_text: str | None = Field(default=None, sa_type=Text)
    score: float | None = None
    helpful: bool | None = None
    rated_at: datetime | None = None
    closed_at: datetime | None = None  # closed by a moderator (status closed)
    # The topics routing used (given, the practice's, or inferred), shown to moderators.
    topics: list[str] = json_field()
    created_at: datetime = created_field()


class QuestionRoute(SQLModel, table=True):
    """A question sent to one answerer, who replies with its short code (e.g. A57)."""

    __table_args__ = (Index("ux_questionroute_code_sent", "code", unique=True,
                            sqlite_where=text("status = 'sent'"),
                            postgresql_where=text("status = 'sent'")),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    code: str = Field(max_length=8, index=True)
    status: str = Field(default="sent", max_length=16)  # sent | answered | expired
    created_at: datetime = created_field()
    answered_at: datetime | None = None


class Answer(SQLModel, table=True):
    """A person's answer to a question: held for moderation, relayed, rated, promoted.

    status: held | approved | rejected | relayed. `text_for_asker` is the text in the
    asker's language (a moderator's translation when the languages differ).
    """

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    # A moderator's answer from the console (member_id None).
    account_id: int | None = Field(default=None, foreign_key="console_account.id")
    lang: str = Field(max_length=3)
    text: str = Field(sa_type=Text)
    text_for_asker: str | None = Field(default=None, sa_type=Text)
    status: str = Field(default="held", max_length=16, index=True)
    helpful: bool | None = None
    faq_candidate: bool = False
    promoted_faq_id: int | None = None
    attribution: str | None = Field(default=None, max_length=16)  # named | anonymous
    attribution_asked_at: datetime | None = None  # a moderator asked the answerer
    reject_reason: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = created_field()
    relayed_at: datetime | None = None
