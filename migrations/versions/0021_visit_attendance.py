"""Exchange visits: who came (`visitinvite.attended`, recorded by a moderator after the
visit; NULL when not recorded) and until when a seat offered from the waiting list is
held (`visitinvite.offer_expires_at`; content/models/visits.py).

Revision ID: 0021
Revises: 0020
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visitinvite") as batch_op:
        batch_op.add_column(sa.Column("offer_expires_at",
                                      sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("attended", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visitinvite") as batch_op:
        batch_op.drop_column("attended")
        batch_op.drop_column("offer_expires_at")
