"""PostgreSQL: a narrow copy of the search index for ranking, kept by triggers.

At 10,000 practices a question's rarest word is in thousands of documents, and ts_rank
reads each one's tsvector. In `searchdoc` that tsvector sits beside the document's text
and tokens, so a body's (about 4 kB compressed) is moved out to the TOAST table: one
ranked row cost a heap page, a TOAST index descent and two or three TOAST pages (EXPLAIN
(ANALYZE, BUFFERS): 12,000 buffers for 4,165 rows of "agriculture"). `searchdoc_rank`
holds only what ranking reads (id, practice, language, kind, tsvector), with the
tsvector kept compressed in the row (STORAGE MAIN, toast_tuple_target 8160): the same
query reads 4,600 buffers. The GIN index moves with it; `searchdoc.tsv` stays (the word
counts of 0014 come from it). Statement-level triggers with transition tables keep the
copy in step with any insert, delete, update or truncate of searchdoc, so a reindex needs
no extra step. SQLite: nothing (FTS5 ranks from its own index).

Revision ID: 0015
Revises: 0014
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COPY = ("INSERT INTO searchdoc_rank (id, practice_id, lang, kind, tsv) "
        "SELECT id, practice_id, lang, kind, tsv FROM {rows}")
DROP = "DELETE FROM searchdoc_rank WHERE id IN (SELECT id FROM old_rows)"
FUNCTIONS = {
    "searchdoc_rank_added": COPY.format(rows="new_rows"),
    "searchdoc_rank_removed": DROP,
    "searchdoc_rank_changed": DROP + ";\n    " + COPY.format(rows="new_rows"),
    "searchdoc_rank_emptied": "TRUNCATE searchdoc_rank",
}
TRIGGERS = [
    ("searchdoc_rank_ai", "INSERT", "NEW TABLE AS new_rows", "searchdoc_rank_added"),
    ("searchdoc_rank_ad", "DELETE", "OLD TABLE AS old_rows", "searchdoc_rank_removed"),
    ("searchdoc_rank_au", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     "searchdoc_rank_changed"),
    ("searchdoc_rank_at", "TRUNCATE", "", "searchdoc_rank_emptied"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE TABLE searchdoc_rank (id integer PRIMARY KEY, "
               "practice_id integer NOT NULL, lang varchar(3) NOT NULL, "
               "kind varchar(8) NOT NULL, tsv tsvector NOT NULL) "
               "WITH (toast_tuple_target = 8160)")
    op.execute("ALTER TABLE searchdoc_rank ALTER COLUMN tsv SET STORAGE MAIN")
    op.execute(COPY.format(rows="searchdoc") + " ORDER BY id")
    op.execute("CREATE INDEX ix_searchdoc_rank_tsv ON searchdoc_rank USING gin (tsv)")
    op.execute("DROP INDEX IF EXISTS ix_searchdoc_tsv")  # nothing searches searchdoc.tsv now
    for name, body in FUNCTIONS.items():
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                   f"BEGIN\n    {body};\n    RETURN NULL;\nEND $$")
    for trigger, event, tables, function in TRIGGERS:
        transition = f"REFERENCING {tables} " if tables else ""
        op.execute(f"CREATE TRIGGER {trigger} AFTER {event} ON searchdoc {transition}"
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for trigger, *_ in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON searchdoc")
    for name in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP TABLE IF EXISTS searchdoc_rank")
    op.execute("CREATE INDEX IF NOT EXISTS ix_searchdoc_tsv ON searchdoc USING gin (tsv)")
