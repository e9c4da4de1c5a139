"""The migrations build the schema the models declare: a column or index added to a model
without a migration (or the reverse) fails here, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import content.models  # noqa: F401  (registers every table)

# Made in SQL by the migrations and not declared on the models: the search index's FTS5
# tables and tsvector (0002), one due job per key (0004), the member search's FTS5 table
# and pg_trgm indexes (0008).
OUTSIDE_THE_MODELS = {"ux_job_due_once", "ix_searchdoc_tsv", "ix_searchdoc_tokens_trgm",
                      "tsv", "ix_member_name_trgm", "ix_member_enterprise_trgm"}


def _ours(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "table" and reflected and compare_to is None and str(name).startswith(
            ("searchdoc_", "member_fts")):
        return False
    return name not in OUTSIDE_THE_MODELS


def test_the_migrated_schema_is_the_models(db):
    with db.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _ours,
                                                             "compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
