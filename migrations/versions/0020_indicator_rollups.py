"""What the indicators read without counting again at every page view
(bench/indicators.py):

- `goal.value` and `goal.measured_at`: a goal's progress, measured when it is set, at
  every scheduler scan while its period runs, and when a moderator asks; the overview
  measured every goal live (nine goals: 290 ms on SQLite over 100,000 members).
- `smsday`: SMS per day, country and organisation, kept by triggers on the outbox, so
  the SMS figure reads a few thousand rows instead of grouping every SMS of the period
  with its member (452 ms over 333,000 SMS on SQLite).

The triggers append a row per change (+1 message and its segments and costs when an SMS
row is queued; −old +new when its status leaves or enters "never sent", or its billed
segments or price change; −old when it is deleted). Appending, not updating one row per
group, keeps concurrent writers from waiting on each other's lock on PostgreSQL; the
scheduler squashes the rows into one per group (services/indicators/rollup.py). The
member's country and organisation are read when the row is counted; simulator members
are left out, as every indicator leaves them out.

On PostgreSQL inserts and deletes are counted by statement (transition tables: one row
per group for a bulk insert such as the weekly story), updates by row, only when a
counted column changed (the dispatcher's status moves fire no body).

Revision ID: 0020
Revises: 0019
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_SENT = "('suppressed', 'skipped', 'withdrawn')"  # never handed to a provider
COLUMNS = "day, country, organisation_id, messages, segments, actual, estimate"
WATCHED = ("channel", "status", "member_id", "segments", "billed_segments", "unit_price",
           "cost_estimate", "created_at")


def _counted(row: str) -> str:
    return f"{row}.channel = 'sms' AND {row}.status NOT IN {NOT_SENT}"


def _day_sqlite(row: str) -> str:
    return f"date({row}.created_at)"


def _day_pg(row: str) -> str:
    return f"({row}.created_at AT TIME ZONE 'UTC')::date"


def _delta(row: str, sign: str, day=_day_sqlite) -> str:
    """SQL: one outbox row (a trigger's OLD or NEW) added to (or, "-", taken from) its
    day, country and organisation."""
    return (f"INSERT INTO smsday ({COLUMNS}) "
            f"SELECT {day(row)}, m.country, m.organisation_id, {sign}1, "
            f"{sign}coalesce({row}.billed_segments, {row}.segments, 0), "
            f"{sign}coalesce({row}.unit_price * {row}.billed_segments, 0), "
            f"{sign}coalesce({row}.cost_estimate, 0) "
            f"FROM member m WHERE m.id = {row}.member_id AND m.sandbox IS NULL "
            f"AND {_counted(row)};")


def _sums(rows: str, sign: str, day=_day_pg) -> str:
    """SQL: a set of outbox rows (a transition table, or the outbox itself) summed per
    day, country and organisation."""
    return (f"INSERT INTO smsday ({COLUMNS}) "
            f"SELECT {day('r')}, m.country, m.organisation_id, "
            f"{sign}count(*), {sign}sum(coalesce(r.billed_segments, r.segments, 0)), "
            f"{sign}coalesce(sum(r.unit_price * r.billed_segments), 0), "
            f"{sign}coalesce(sum(r.cost_estimate), 0) "
            f"FROM {rows} r JOIN member m ON m.id = r.member_id "
            f"WHERE {_counted('r')} AND m.sandbox IS NULL GROUP BY 1, 2, 3;")


def _changed(distinct: str) -> str:
    moved = f"((OLD.status IN {NOT_SENT}) {distinct} (NEW.status IN {NOT_SENT}))"
    return " OR ".join([moved, *(f"OLD.{c} {distinct} NEW.{c}" for c in WATCHED
                                 if c != "status")])


def _sqlite() -> None:
    op.execute("CREATE TRIGGER smsday_outbox_insert AFTER INSERT ON outboundmessage "
               f"WHEN {_counted('NEW')} BEGIN {_delta('NEW', '')} END")
    op.execute(f"CREATE TRIGGER smsday_outbox_update AFTER UPDATE OF {', '.join(WATCHED)} "
               f"ON outboundmessage WHEN ({_counted('OLD')} OR {_counted('NEW')}) "
               f"AND ({_changed('IS NOT')}) BEGIN {_delta('OLD', '-')} "
               f"{_delta('NEW', '')} END")
    op.execute("CREATE TRIGGER smsday_outbox_delete AFTER DELETE ON outboundmessage "
               f"WHEN {_counted('OLD')} BEGIN {_delta('OLD', '-')} END")


def _pg_function(name: str, body: str) -> None:
    op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
               f"BEGIN {body} RETURN NULL; END $$")


def _postgresql() -> None:
    _pg_function("smsday_added", _sums("added", ""))
    _pg_function("smsday_removed", _sums("removed", "-"))
    _pg_function("smsday_changed",
                 _delta("OLD", "-", _day_pg) + " " + _delta("NEW", "", _day_pg))
    op.execute("CREATE TRIGGER smsday_outbox_insert AFTER INSERT ON outboundmessage "
               "REFERENCING NEW TABLE AS added FOR EACH STATEMENT "
               "EXECUTE FUNCTION smsday_added()")
    op.execute("CREATE TRIGGER smsday_outbox_delete AFTER DELETE ON outboundmessage "
               "REFERENCING OLD TABLE AS removed FOR EACH STATEMENT "
               "EXECUTE FUNCTION smsday_removed()")
    op.execute(f"CREATE TRIGGER smsday_outbox_update AFTER UPDATE OF {', '.join(WATCHED)} "
               f"ON outboundmessage FOR EACH ROW WHEN (({_counted('OLD')} OR "
               f"{_counted('NEW')}) AND ({_changed('IS DISTINCT FROM')})) "
               "EXECUTE FUNCTION smsday_changed()")


def upgrade() -> None:
    op.create_table(
        "smsday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("actual", sa.Float(), nullable=False),
        sa.Column("estimate", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_smsday_day", "smsday", ["day"])
    with op.batch_alter_table("goal") as batch:
        batch.add_column(sa.Column("value", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("measured_at", sqlmodel.sql.sqltypes.UTCDateTime(),
                                   nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
        op.execute(_sums("outboundmessage", "").rstrip(";"))  # what was sent before
    else:
        _sqlite()
        op.execute(_sums("outboundmessage", "", _day_sqlite).rstrip(";"))


def downgrade() -> None:
    for trigger in ("smsday_outbox_insert", "smsday_outbox_update", "smsday_outbox_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}"
                   + (" ON outboundmessage" if op.get_bind().dialect.name == "postgresql"
                      else ""))
    if op.get_bind().dialect.name == "postgresql":
        for function in ("smsday_added", "smsday_removed", "smsday_changed"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    with op.batch_alter_table("goal") as batch:
        batch.drop_column("measured_at")
        batch.drop_column("value")
    op.drop_index("ix_smsday_day", table_name="smsday")
    op.drop_table("smsday")
