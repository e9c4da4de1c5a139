"""Alembic from code: upgrade a database, and tell whether one is up to date."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from content.db import session_scope
from peerlearn.settings import PROJECT_ROOT
from services.search import reindex, unindexed


class DatabaseNotMigrated(RuntimeError):
    """The database schema is older than the code (or absent)."""


def alembic_config(engine: Engine) -> Config:
    """An Alembic config bound to the engine's database."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine) -> None:
    """Brings the schema to the newest revision, then indexes for search every published
    practice the index lacks (a revision that changes the index's form empties it)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with session_scope(engine) as session:
        missing = unindexed(session)
        if missing:
            reindex(session=session, practice_ids=missing)


def ensure_migrated(engine: Engine) -> None:
    """Raises DatabaseNotMigrated, naming the fix, unless the schema is at head."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != head:
        raise DatabaseNotMigrated(
            f"The database at {engine.url.render_as_string(hide_password=True)} is at "
            f"revision {current or 'none (empty)'}, the code needs {head}. "
            "Run `peerlearn migrate` (or `make run`, which migrates first)."
        )
