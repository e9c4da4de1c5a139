"""Columns the peer-loop flows need: practices documented by members (contributor,
photos, visitors welcome, published time), a question's English translation, closing and reporting a relay, and FAQ pairs
promoted from a member's answer with the name shown.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("practice") as batch:
        batch.add_column(sa.Column("contributor_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("media", sa.JSON(), nullable=False,
                                   server_default=sa.text("'[]'")))
        batch.add_column(sa.Column("visitors_welcome", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.create_foreign_key("fk_practice_contributor", "member", ["contributor_id"],
                                 ["id"])
    with op.batch_alter_table("question") as batch:
        batch.add_column(sa.Column("text_en", sa.Text(), nullable=True))
    with op.batch_alter_table("introduction") as batch:
        batch.add_column(sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("closed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("report_text", sa.Text(), nullable=True))
    with op.batch_alter_table("faq") as batch:
        batch.add_column(sa.Column("answer_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("attribution", sa.String(length=200), nullable=True))
        batch.create_foreign_key("fk_faq_answer", "answer", ["answer_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("faq") as batch:
        batch.drop_constraint("fk_faq_answer", type_="foreignkey")
        batch.drop_column("attribution")
        batch.drop_column("answer_id")
    with op.batch_alter_table("introduction") as batch:
        batch.drop_column("report_text")
        batch.drop_column("closed_by")
        batch.drop_column("closed_at")
    with op.batch_alter_table("question") as batch:
        batch.drop_column("text_en")
    with op.batch_alter_table("practice") as batch:
        batch.drop_constraint("fk_practice_contributor", type_="foreignkey")
        batch.drop_column("published_at")
        batch.drop_column("visitors_welcome")
        batch.drop_column("media")
        batch.drop_column("contributor_id")
