"""A digest of the whole database, for tests that check a refused request changed nothing."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlmodel import Session, SQLModel


def snapshot(db) -> dict[str, str]:
    """A digest of every table's rows, to tell whether anything changed."""
    digests = {}
    with Session(db) as session:
        for table in SQLModel.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in session.execute(select(table)))
            digests[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests
