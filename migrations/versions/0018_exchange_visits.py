"""Exchange visits: the visit windows hosts offer, the members invited with their answers
and reflections (content/models/visits.py), and each organisation's calendar token (the
secret of its iCalendar feed).

Revision ID: 0018
Revises: 0017
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.add_column(sa.Column("calendar_token", TEXT(length=64), nullable=True))
        batch_op.create_index("ux_organisation_calendar_token", ["calendar_token"],
                              unique=True)
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("host_member_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("place", TEXT(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("bring", TEXT(length=300), nullable=True),
        sa.Column("costs_covered", sa.Boolean(), nullable=False),
        sa.Column("status", TEXT(length=12), nullable=False),
        sa.Column("created_by", TEXT(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["practice_id"], ["practice.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["host_member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_visit_practice_id", "visit", ["practice_id"])
    op.create_index("ix_visit_organisation_id", "visit", ["organisation_id"])
    op.create_index("ix_visit_starts_on", "visit", ["starts_on"])
    op.create_index("ix_visit_status", "visit", ["status"])
    op.create_table(
        "visitinvite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", TEXT(length=12), nullable=False),
        sa.Column("invited_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("waiting_since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("seen", sa.Text(), nullable=True),
        sa.Column("will_try", sa.Text(), nullable=True),
        sa.Column("reflected_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_visitinvite_visit_id", "visitinvite", ["visit_id"])
    op.create_index("ix_visitinvite_member_id", "visitinvite", ["member_id"])
    op.create_index("ux_visitinvite_visit_member", "visitinvite", ["visit_id", "member_id"],
                    unique=True)


def downgrade() -> None:
    op.drop_table("visitinvite")
    op.drop_table("visit")
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.drop_index("ux_organisation_calendar_token")
        batch_op.drop_column("calendar_token")
