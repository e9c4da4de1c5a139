"""The search index: one row per searchable piece of a published practice.

`text` is the original, `tokens` its segmented form (content.segment.indexed: the words,
then those with Latin diacritics once more without them). The full-text side
is not a mapped column: on SQLite an FTS5 table kept in step by triggers, on PostgreSQL a
generated `tsvector` column; both are created by migration 0002. Rows are written only by
services.search.reindex: every writer of content must call it for what it changed.
"""

from __future__ import annotations

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

KINDS = ("title", "snippet", "faq", "body", "keywords")


class SearchDoc(SQLModel, table=True):
    """A title, snippet, FAQ pair, body text or the keywords of a practice in one
    language."""

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    lang: str = Field(max_length=3, index=True)
    kind: str = Field(max_length=8)  # title | snippet | faq | body | keywords
    ref_id: int | None = None  # the translation, snippet or faq row it came from
    text: str = Field(sa_type=Text)
    tokens: str = Field(sa_type=Text)
