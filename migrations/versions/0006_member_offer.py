"""member_offer: one row per topic a member offers × language they read, with the member
columns that routing and matching filter and rank by, kept in step with `member` by
triggers (content/models/offers.py says why), and filled from the existing members.

The SQL below is this revision's own copy: content.models.offers.rebuild may change with
later revisions, a migration must not.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COPIED = ("role", "language", "country", "sector", "topics_wanted", "consent_matching",
          "timezone", "quiet_start", "quiet_end")
COLUMNS = ", ".join(("topic", "lang", "member_id", *COPIED, "onboarded"))
WATCHED = ", ".join(("topics_offered", "languages", "onboarded_at", *COPIED))


def _insert(m: str, pairs: str, before: str = "") -> str:
    """INSERT of member `m`'s rows (m: NEW in a trigger) from its distinct (topic, lang)
    pairs; `before` joins the pairs to a table."""
    copied = ", ".join(f"{m}.{name}" for name in COPIED)
    return (f"INSERT INTO member_offer ({COLUMNS}) SELECT p.topic, p.lang, {m}.id, {copied}, "
            f"{m}.onboarded_at IS NOT NULL FROM {before}({pairs}) AS p")


def _sqlite_pairs(m: str, columns: str = "t.value AS topic, l.value AS lang",
                  before: str = "") -> str:
    return f"""SELECT DISTINCT {columns}
    FROM {before}json_each(CASE json_type({m}.topics_offered) WHEN 'array' THEN {m}.topics_offered
                   ELSE '[]' END) AS t,
         json_each(CASE json_type({m}.languages)
                   WHEN 'array' THEN json_insert({m}.languages, '$[#]', {m}.language)
                   ELSE json_array({m}.language) END) AS l
    WHERE t.type = 'text' AND t.value <> '' AND l.type = 'text' AND l.value <> ''"""


def _postgres_pairs(m: str) -> str:
    return f"""SELECT DISTINCT t.v #>> '{{}}' AS topic, l.lang
    FROM json_array_elements(CASE json_typeof({m}.topics_offered) WHEN 'array'
                             THEN {m}.topics_offered ELSE '[]'::json END) AS t(v),
         (SELECT {m}.language UNION
          SELECT e.x #>> '{{}}' FROM json_array_elements(
              CASE json_typeof({m}.languages) WHEN 'array' THEN {m}.languages
              ELSE '[]'::json END) AS e(x)
          WHERE json_typeof(e.x) = 'string') AS l(lang)
    WHERE json_typeof(t.v) = 'string' AND t.v #>> '{{}}' <> '' AND l.lang <> ''"""


SQLITE_UP = [
    f"""CREATE TRIGGER member_offer_insert AFTER INSERT ON member BEGIN
    {_insert("NEW", _sqlite_pairs("NEW"))}; END""",
    f"""CREATE TRIGGER member_offer_update AFTER UPDATE OF {WATCHED} ON member BEGIN
    DELETE FROM member_offer WHERE member_id = OLD.id;
    {_insert("NEW", _sqlite_pairs("NEW"))}; END""",
    # SQLite joins no subquery laterally: the whole rows are made distinct (JSON is text)
    f"INSERT INTO member_offer ({COLUMNS}) " + _sqlite_pairs(
        "m", "t.value, l.value, m.id, " + ", ".join(f"m.{c}" for c in COPIED)
        + ", m.onboarded_at IS NOT NULL", "member AS m, "),
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS member_offer_update",
               "DROP TRIGGER IF EXISTS member_offer_insert"]
POSTGRES_UP = [
    f"""CREATE FUNCTION member_offer_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM member_offer WHERE member_id = OLD.id;
        END IF;
        {_insert("NEW", _postgres_pairs("NEW"))};
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER member_offer_insert AFTER INSERT ON member
    FOR EACH ROW EXECUTE FUNCTION member_offer_sync()""",
    f"""CREATE TRIGGER member_offer_update AFTER UPDATE OF {WATCHED} ON member
    FOR EACH ROW EXECUTE FUNCTION member_offer_sync()""",
    _insert("m", _postgres_pairs("m"), "member AS m CROSS JOIN LATERAL "),
]
POSTGRES_DOWN = ["DROP TRIGGER IF EXISTS member_offer_update ON member",
                 "DROP TRIGGER IF EXISTS member_offer_insert ON member",
                 "DROP FUNCTION IF EXISTS member_offer_sync()"]


def upgrade() -> None:
    op.create_table(
        "member_offer",
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.Column("sector", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("topics_wanted", sa.JSON(), nullable=False),
        sa.Column("consent_matching", sa.Boolean(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("quiet_start", sa.Integer(), nullable=False),
        sa.Column("quiet_end", sa.Integer(), nullable=False),
        sa.Column("onboarded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("topic", "lang", "member_id",
                                postgresql_include=[*COPIED, "onboarded"]),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_member_offer_member_id", "member_offer", ["member_id"])
    for statement in SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in (SQLITE_DOWN if op.get_bind().dialect.name == "sqlite"
                      else POSTGRES_DOWN):
        op.execute(statement)
    op.drop_index("ix_member_offer_member_id", table_name="member_offer")
    op.drop_table("member_offer")
