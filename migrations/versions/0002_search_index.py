"""Search index: searchdoc rows plus FTS5 (SQLite) or tsvector + pg_trgm (PostgreSQL).

SQLite: `searchdoc_fts` is an external-content FTS5 table over searchdoc.tokens, kept in
step by triggers, so any insert, update or delete of searchdoc updates it. Its tokenizer
is unicode61 with diacritics kept (Vietnamese tones tell words apart) and combining marks
counted as letters (`categories 'L* N* Co M*'`): the default splits Khmer, Lao, Burmese
and Thai words at their vowel signs even after segmentation. `searchdoc_vocab` gives each
term's document count. Short queries scan searchdoc.tokens with LIKE.

PostgreSQL: `tsv` is a generated column, to_tsvector('simple', tokens), with a GIN index;
pg_trgm's GIN index on tokens serves the short-query LIKE fallback.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE searchdoc_fts USING fts5(tokens, content='searchdoc',
       content_rowid='id',
       tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M*'")""",
    "CREATE VIRTUAL TABLE searchdoc_vocab USING fts5vocab(searchdoc_fts, row)",
    """CREATE TRIGGER searchdoc_ai AFTER INSERT ON searchdoc BEGIN
       INSERT INTO searchdoc_fts(rowid, tokens) VALUES (new.id, new.tokens); END""",
    """CREATE TRIGGER searchdoc_ad AFTER DELETE ON searchdoc BEGIN
       INSERT INTO searchdoc_fts(searchdoc_fts, rowid, tokens)
       VALUES ('delete', old.id, old.tokens); END""",
    """CREATE TRIGGER searchdoc_au AFTER UPDATE ON searchdoc BEGIN
       INSERT INTO searchdoc_fts(searchdoc_fts, rowid, tokens)
       VALUES ('delete', old.id, old.tokens);
       INSERT INTO searchdoc_fts(rowid, tokens) VALUES (new.id, new.tokens); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS searchdoc_au", "DROP TRIGGER IF EXISTS searchdoc_ad",
               "DROP TRIGGER IF EXISTS searchdoc_ai", "DROP TABLE IF EXISTS searchdoc_vocab",
               "DROP TABLE IF EXISTS searchdoc_fts"]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE searchdoc ADD COLUMN tsv tsvector
       GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, tokens)) STORED""",
    "CREATE INDEX ix_searchdoc_tsv ON searchdoc USING gin (tsv)",
    "CREATE INDEX ix_searchdoc_tokens_trgm ON searchdoc USING gin (tokens gin_trgm_ops)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_searchdoc_tokens_trgm",
                 "DROP INDEX IF EXISTS ix_searchdoc_tsv",
                 "ALTER TABLE searchdoc DROP COLUMN IF EXISTS tsv"]


def upgrade() -> None:
    op.create_table('searchdoc',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('tokens', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('searchdoc', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_searchdoc_lang'), ['lang'], unique=False)
        batch_op.create_index(batch_op.f('ix_searchdoc_practice_id'), ['practice_id'],
                              unique=False)
    for statement in _dialect_sql(SQLITE_UP, POSTGRES_UP):
        op.execute(statement)


def downgrade() -> None:
    for statement in _dialect_sql(SQLITE_DOWN, POSTGRES_DOWN):
        op.execute(statement)
    with op.batch_alter_table('searchdoc', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_searchdoc_practice_id'))
        batch_op.drop_index(batch_op.f('ix_searchdoc_lang'))
    op.drop_table('searchdoc')


def _dialect_sql(sqlite: list[str], postgresql: list[str]) -> list[str]:
    name = op.get_bind().dialect.name
    return {"sqlite": sqlite, "postgresql": postgresql}.get(name, [])
