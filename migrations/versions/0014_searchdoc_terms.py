"""PostgreSQL: each search word's document count in a table, kept by triggers.

Search sends a question's rarest words only (services/search/terms.py), so it needs each
word's document count. SQLite reads it from fts5vocab. PostgreSQL counted it per word
with a capped count over the GIN index, which visits up to 12,000 heap rows for a common
word: at 10,000 practices those counts were most of a search's time (warm and cold).
`searchdoc_term` holds the count of every lexeme of `searchdoc.tsv`, one primary key
look-up per word; statement-level triggers with transition tables keep it in step with
any insert, delete, update or truncate of searchdoc (one aggregate per statement, not per row),
so a reindex needs no extra step. SQLite: nothing (fts5vocab is the same thing).

Revision ID: 0014
Revises: 0013
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Rows are added and subtracted in lexeme order, so two writers lock them in one order.
ADD = """INSERT INTO searchdoc_term (term, docs)
    SELECT lexeme, count(*) FROM {rows}, unnest(tsvector_to_array({rows}.tsv)) AS lexeme
    GROUP BY lexeme ORDER BY lexeme
    ON CONFLICT (term) DO UPDATE SET docs = searchdoc_term.docs + EXCLUDED.docs"""
SUBTRACT = """UPDATE searchdoc_term t SET docs = t.docs - gone.docs
    FROM (SELECT lexeme, count(*) AS docs FROM {rows},
          unnest(tsvector_to_array({rows}.tsv)) AS lexeme GROUP BY lexeme) gone
    WHERE t.term = gone.lexeme"""
FUNCTIONS = {
    "searchdoc_term_added": ADD.format(rows="new_rows"),
    "searchdoc_term_removed": SUBTRACT.format(rows="old_rows")
    + ";\n    DELETE FROM searchdoc_term WHERE docs <= 0",
    "searchdoc_term_changed": SUBTRACT.format(rows="old_rows") + ";\n    "
    + ADD.format(rows="new_rows") + ";\n    DELETE FROM searchdoc_term WHERE docs <= 0",
    "searchdoc_term_emptied": "TRUNCATE searchdoc_term",
}
TRIGGERS = [
    ("searchdoc_term_ai", "INSERT", "NEW TABLE AS new_rows", "searchdoc_term_added"),
    ("searchdoc_term_ad", "DELETE", "OLD TABLE AS old_rows", "searchdoc_term_removed"),
    ("searchdoc_term_au", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     "searchdoc_term_changed"),
    ("searchdoc_term_at", "TRUNCATE", "", "searchdoc_term_emptied"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE TABLE searchdoc_term (term text PRIMARY KEY, docs integer NOT NULL)")
    for name, body in FUNCTIONS.items():
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                   f"BEGIN\n    {body};\n    RETURN NULL;\nEND $$")
    for trigger, event, tables, function in TRIGGERS:
        transition = f"REFERENCING {tables} " if tables else ""
        op.execute(f"CREATE TRIGGER {trigger} AFTER {event} ON searchdoc {transition}"
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()")
    op.execute("INSERT INTO searchdoc_term (term, docs) "
               "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM searchdoc')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for trigger, *_ in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON searchdoc")
    for name in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP TABLE IF EXISTS searchdoc_term")
