"""Indexes the peer-loop services rely on.

A reply code is unique among routes still waiting for an answer (two processes routing
at once cannot hand out the same one); at most one due job per (kind, member, ref);
jobs are claimed by (status, due_at); the weekly cap counts a member's recent
introductions.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SENT = sa.text("status = 'sent'")
DUE = sa.text("status = 'due'")


def upgrade() -> None:
    op.create_index("ux_questionroute_code_sent", "questionroute", ["code"], unique=True,
                    sqlite_where=SENT, postgresql_where=SENT)
    op.create_index("ix_job_status_due", "job", ["status", "due_at"])
    op.create_index("ux_job_due_once", "job",
                    ["kind", sa.text("coalesce(member_id, 0)"), sa.text("coalesce(ref_id, 0)")],
                    unique=True, sqlite_where=DUE, postgresql_where=DUE)
    op.create_index("ix_introduction_b_created", "introduction", ["member_b", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_introduction_b_created", table_name="introduction")
    op.drop_index("ux_job_due_once", table_name="job")
    op.drop_index("ix_job_status_due", table_name="job")
    op.drop_index("ux_questionroute_code_sent", table_name="questionroute")
