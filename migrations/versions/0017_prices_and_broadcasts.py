"""SMS prices per destination and provider, the price on each outbox row, and
broadcasts.

`smsprice` holds the price of a segment per (provider, country), with its source and
date (kept from services/sms/prices.csv and the deployment's file). An outbox row copies
its destination's price into `unit_price` when queued, so its cost stays what it was
when prices change: the estimate is `unit_price` × `segments`, the actual cost
`unit_price` × `billed_segments` from the status callbacks. `broadcast` is one message to
an audience; its outbox rows carry `broadcast_id` for the progress page and cancelling.

Revision ID: 0017
Revises: 0016
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "smsprice",
        sa.Column("provider", TEXT(length=16), nullable=False),
        sa.Column("country", TEXT(length=2), nullable=False),
        sa.Column("price", sa.Float(), nullable=True),
        sa.Column("currency", TEXT(length=3), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", TEXT(length=10), nullable=False),
        sa.PrimaryKeyConstraint("provider", "country"))
    op.create_table(
        "broadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("title", TEXT(length=200), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=True),
        sa.Column("sandbox", sa.Boolean(), nullable=False),
        sa.Column("status", TEXT(length=16), nullable=False),
        sa.Column("send_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("queued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("cancelled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["console_account.id"]),
        sa.ForeignKeyConstraint(["practice_id"], ["practice.id"]),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_broadcast_organisation_id", "broadcast", ["organisation_id"])
    op.create_index("ix_broadcast_status", "broadcast", ["status"])
    # SQLite adds a column with a foreign key only by copying the table (batch mode);
    # PostgreSQL adds both columns in place.
    with op.batch_alter_table("outboundmessage") as batch:
        batch.add_column(sa.Column("unit_price", sa.Float(), nullable=True))
        batch.add_column(sa.Column("broadcast_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_outboundmessage_broadcast_id", "broadcast",
                                 ["broadcast_id"], ["id"])
        batch.create_index("ix_outboundmessage_broadcast_id", ["broadcast_id"])


def downgrade() -> None:
    with op.batch_alter_table("outboundmessage") as batch:
        batch.drop_index("ix_outboundmessage_broadcast_id")
        batch.drop_constraint("fk_outboundmessage_broadcast_id", type_="foreignkey")
        batch.drop_column("broadcast_id")
        batch.drop_column("unit_price")
    op.drop_index("ix_broadcast_status", table_name="broadcast")
    op.drop_index("ix_broadcast_organisation_id", table_name="broadcast")
    op.drop_table("broadcast")
    op.drop_table("smsprice")
