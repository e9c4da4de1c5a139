"""Goals partner organisations set for their indicators (content/models/programme.py),
and an index for the indicators' active members: who wrote in a period, read from the
index alone (SQLite otherwise skip-scans ix_inbound_status: 376 -> 234 ms over 500,000
inbound messages, bench/indicators.py).

Revision ID: 0019
Revises: 0018
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("indicator", TEXT(length=32), nullable=False),
        sa.Column("country", TEXT(length=2), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["console_account.id"]),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_goal_organisation_id", "goal", ["organisation_id"])
    op.create_index("ix_inbound_received", "inboundmessage",
                    ["received_at", "member_id", "channel"])


def downgrade() -> None:
    op.drop_index("ix_inbound_received", table_name="inboundmessage")
    op.drop_index("ix_goal_organisation_id", table_name="goal")
    op.drop_table("goal")
