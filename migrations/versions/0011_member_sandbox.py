"""Sandbox members: `member.sandbox` holds the sandbox id of a member the chat simulator
made (services/sandbox.py), so that routing, matching and notices keep simulated members
and real ones apart. Members the simulator made before this revision go to the sandbox
'legacy'.

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of `member` on SQLite would drop its member_offer
    # triggers (content/models/offers.py).
    op.add_column("member", sa.Column(
        "sandbox", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    # Routing and matching read the sandbox's ids (or every sandbox member's) from it.
    op.create_index("ix_member_sandbox", "member", ["sandbox"], unique=False)
    op.execute("UPDATE member SET sandbox = 'legacy' WHERE id IN "
               "(SELECT member_id FROM identity WHERE provider = 'simulator')")


def downgrade() -> None:
    op.drop_index("ix_member_sandbox", table_name="member")
    op.drop_column("member", "sandbox")  # ALTER TABLE DROP COLUMN, triggers kept
