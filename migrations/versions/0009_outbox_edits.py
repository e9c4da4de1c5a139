"""An outbox row may edit an earlier message's buttons instead of sending a new message
(a Telegram topic button ticked on tap): `outboundmessage.edits` holds the provider's id
of that message.

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column: ADD COLUMN on both databases, no table rebuild on SQLite.
    op.add_column("outboundmessage", sa.Column(
        "edits", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outboundmessage") as batch:
        batch.drop_column("edits")
