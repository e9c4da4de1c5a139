"""member_offer: who offers which topic to readers of which language, kept by the database.

Routing a question and proposing a peer both start from "members offering topic T who
read language L". Member keeps topics and languages as JSON lists, which no index can
serve, so every such question scanned all members. This table holds one row per topic
offered × language read (the member's own language and each one in `languages`), with
copies of the member columns those two services filter and rank by, so that the primary
key (topic, lang, member_id) finds the candidates and nothing else is read.

It is maintained by triggers on `member` (made by migration 0006), not by the ORM:
- every writer keeps it right: ORM flushes, Core bulk inserts (benchmarks, tests),
  Core updates and deletes, SQL typed by an operator, another process;
- the copy changes in the same statement and transaction as the member row;
- the search index (migration 0002) already works this way on SQLite.
Session events (before_flush) would miss all but the ORM's writes and would have to be
registered on every Session in every process. The cost is SQL written twice (SQLite:
json_each; PostgreSQL: a plpgsql function over json_array_elements) and a trigger per
member write (bulk-inserting 100,000 members took 1.9 s longer on SQLite, 3.4 s longer
on PostgreSQL: about 20 and 35 µs a member).

Deleting a member deletes their rows (ON DELETE CASCADE). `rebuild` recomputes the whole
table from `member`; run it after writing to `member` with the triggers absent. Note for
migrations: on SQLite, `batch_alter_table("member")` copies the table and drops the
original, which drops its triggers (and, through the cascade, empties this table):
re-create the triggers as 0006 does and call `rebuild` (tests/services/test_offers.py
fails while the triggers are missing).

Not stored: quiet hours in UTC. A member's quiet hours are local hours and their zone's
offset changes with daylight saving time, so a UTC copy would be wrong twice a year for
some zones; the queries compute each zone's local hour at the time asked instead.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, PrimaryKeyConstraint, text
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel

# Columns copied from member, in the order the SQL below inserts them.
COPIED = ("role", "language", "country", "sector", "topics_wanted", "consent_matching",
          "timezone", "quiet_start", "quiet_end")
COLUMNS = ("topic", "lang", "member_id", *COPIED, "onboarded")


class MemberOffer(SQLModel, table=True):
    """A member offers `topic` to readers of `lang` (written by triggers only)."""

    # Both databases read a candidate's row from the key alone: SQLite stores the table
    # in key order (WITHOUT ROWID), PostgreSQL carries every column in the key's index
    # (INCLUDE), so a look-up is an index-only scan once VACUUM has seen the pages.
    __tablename__ = "member_offer"
    __table_args__ = (PrimaryKeyConstraint("topic", "lang", "member_id",
                                           postgresql_include=list(COPIED) + ["onboarded"]),
                      Index("ix_member_offer_member_id", "member_id"),
                      {"sqlite_with_rowid": False})

    topic: str
    lang: str
    member_id: int = Field(sa_column=Column(
        Integer, ForeignKey("member.id", ondelete="CASCADE"), nullable=False))
    role: str = Field(max_length=16)
    language: str = Field(max_length=3)  # the member's own language
    country: str | None = Field(default=None, max_length=2)
    sector: str | None = Field(default=None, max_length=40)
    topics_wanted: list[str] = Field(default_factory=list,
                                     sa_column=Column(JSON, nullable=False))
    consent_matching: bool = False
    timezone: str | None = Field(default=None, max_length=64)
    quiet_start: int = 21
    quiet_end: int = 7
    onboarded: bool = False  # member.onboarded_at is set


def rebuild(connection: Connection) -> int:
    """Recomputes member_offer from member; returns the number of rows."""
    connection.execute(text("DELETE FROM member_offer"))
    sql = _SQLITE if connection.dialect.name == "sqlite" else _POSTGRES
    connection.execute(text(f"INSERT INTO member_offer ({', '.join(COLUMNS)}) {sql}"))
    return connection.execute(text("SELECT count(*) FROM member_offer")).scalar_one()


_COPIED = ", ".join(f"m.{name}" for name in COPIED)

# One row per (topic, language) pair of every member; SQLite cannot join a subquery
# laterally, so the pairs are made distinct with the whole row (JSON is text there).
_SQLITE = f"""
SELECT DISTINCT t.value, l.value, m.id, {_COPIED}, m.onboarded_at IS NOT NULL
FROM member AS m,
     json_each(CASE json_type(m.topics_offered) WHEN 'array' THEN m.topics_offered
               ELSE '[]' END) AS t,
     json_each(CASE json_type(m.languages)
               WHEN 'array' THEN json_insert(m.languages, '$[#]', m.language)
               ELSE json_array(m.language) END) AS l
WHERE t.type = 'text' AND t.value <> '' AND l.type = 'text' AND l.value <> ''
"""

# PostgreSQL's json type has no equality: the pairs are made distinct on their own.
_POSTGRES = f"""
SELECT p.topic, p.lang, m.id, {_COPIED}, m.onboarded_at IS NOT NULL
FROM member AS m CROSS JOIN LATERAL (
    SELECT DISTINCT t.v #>> '{{}}' AS topic, l.lang
    FROM json_array_elements(CASE json_typeof(m.topics_offered) WHEN 'array'
                             THEN m.topics_offered ELSE '[]'::json END) AS t(v),
         (SELECT m.language UNION
          SELECT e.x #>> '{{}}' FROM json_array_elements(
              CASE json_typeof(m.languages) WHEN 'array' THEN m.languages
              ELSE '[]'::json END) AS e(x)
          WHERE json_typeof(e.x) = 'string') AS l(lang)
    WHERE json_typeof(t.v) = 'string' AND t.v #>> '{{}}' <> '' AND l.lang <> '') AS p
"""
