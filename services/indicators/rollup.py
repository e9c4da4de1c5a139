"""Squashes the SMS roll-up: the outbox's triggers append a row per change to `smsday`
(migration 0020: appending keeps concurrent writers off each other's row locks), and
this folds them into one row per day, country and organisation, so the SMS figure
reads one row per group. The scheduler runs it at every scan; the figure's sums are the
same before and after.

PostgreSQL: one statement deletes the rows and inserts their sums, so a row committed
meanwhile is either in both or in neither. SQLite: one writer at a time, so the insert
of the sums and the delete of what they summed share a write transaction."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

KEYS = "day, country, organisation_id"
GROUP = "day, coalesce(country, ''), coalesce(organisation_id, 0)"
SUMS = "sum(messages), sum(segments), sum(actual), sum(estimate)"
NONZERO = ("HAVING sum(messages) <> 0 OR sum(segments) <> 0 OR abs(sum(actual)) > 1e-9 "
           "OR abs(sum(estimate)) > 1e-9")
INTO = f"INSERT INTO smsday ({KEYS}, messages, segments, actual, estimate) "


def _split(upto: str = "") -> str:
    """SQL: the row belongs to a group of several rows (up to id :last on SQLite)."""
    return (f"({GROUP}) IN (SELECT {GROUP} FROM smsday {upto} GROUP BY 1, 2, 3 "
            "HAVING count(*) > 1)")


def squash(session: Session) -> int:
    """Folds the groups of several rows into one row each; returns the rows removed."""
    before = session.execute(text("SELECT count(*) FROM smsday")).scalar_one()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"WITH gone AS (DELETE FROM smsday WHERE {_split()} "
                             f"RETURNING *) {INTO}SELECT {KEYS}, {SUMS} FROM gone "
                             f"GROUP BY {KEYS} {NONZERO}"))
    else:
        last = session.execute(text("SELECT max(id) FROM smsday")).scalar_one()
        if last is None:
            return 0
        chosen = f"id <= :last AND {_split('WHERE id <= :last')}"
        session.execute(text(f"{INTO}SELECT {KEYS}, {SUMS} FROM smsday WHERE {chosen} "
                             f"GROUP BY {KEYS} {NONZERO}"), {"last": last})
        session.execute(text(f"DELETE FROM smsday WHERE {chosen}"), {"last": last})
    return before - session.execute(text("SELECT count(*) FROM smsday")).scalar_one()
