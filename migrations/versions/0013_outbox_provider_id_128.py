"""A Messenger message id ("m_" and some 86 characters) does not fit the outbox's
`provider_id` of 64 characters, which a delivery receipt must find again: 128, as the
inbound `provider_key`.

Revision ID: 0013
Revises: 0012
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _width(old: int, new: int) -> None:
    # Batch mode: ALTER on PostgreSQL, a copy of the table on SQLite (which cannot alter
    # a column's type in place, and keeps the declared width for the schema check).
    with op.batch_alter_table("outboundmessage") as batch:
        batch.alter_column("provider_id",
                           existing_type=sqlmodel.sql.sqltypes.AutoString(length=old),
                           type_=sqlmodel.sql.sqltypes.AutoString(length=new),
                           existing_nullable=True)


def upgrade() -> None:
    _width(64, 128)


def downgrade() -> None:
    _width(128, 64)
