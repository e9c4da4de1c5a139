"""Keywords of a practice per language (the `keywords:` field of a pack file), which
search matches; and a search index rebuilt in its new form.

The index now holds each translation's keywords as a document of its own and, beside
every word written with Latin diacritics, the word without them (so "nang suat" finds
"năng suất"). Rows written by the older code have neither: this revision empties the
index, and `peerlearn migrate` (peerlearn/migrate.py) rebuilds it for every published
practice right after upgrading, as `peerlearn content import` would.

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("practicetranslation") as batch:
        batch.add_column(sa.Column("keywords", sa.JSON(), nullable=False,
                                   server_default=sa.text("'[]'")))
    op.execute("DELETE FROM searchdoc")


def downgrade() -> None:
    op.execute("DELETE FROM searchdoc")  # the older code rebuilds it on import
    with op.batch_alter_table("practicetranslation") as batch:
        batch.drop_column("keywords")
