"""A relay code is unique among open relays: two introductions accepted at the same
moment cannot both get P12 (the second transaction fails and its message is retried,
drawing another code).

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.create_index("ux_introduction_relay_active", "introduction", ["relay_code"],
                    unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)


def downgrade() -> None:
    op.drop_index("ux_introduction_relay_active", table_name="introduction")
