"""A partial index of the inbound messages still waiting, by address.

The processors' claim asks, for the row it takes, whether an earlier message of the same
address is still `received` (bot/inbox.py, FIRST_WAITING). With only `ix_inbound_status`
that question read every waiting row: during a burst of 3,000 new members each claim
read up to 3,000 rows, and the claims together grew with the square of the burst. This
index holds only the waiting rows (they leave it when processed), by address, so the
question is one index descent; `heads` groups the waiting rows from it without reading
the table.

Revision ID: 0016
Revises: 0015
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = sa.text("status = 'received'")


def upgrade() -> None:
    op.create_index("ix_inbound_waiting", "inboundmessage",
                    ["provider", "channel", "address", "id"],
                    sqlite_where=WAITING, postgresql_where=WAITING)


def downgrade() -> None:
    op.drop_index("ix_inbound_waiting", table_name="inboundmessage")
