"""Alembic environment: migrates the database named by the config or DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from sqlmodel import SQLModel

import content.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from content.db import make_engine
from peerlearn.settings import DEFAULT_DATABASE_URL

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    return (
        config.get_main_option("sqlalchemy.url")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_DATABASE_URL
    )


def run_offline() -> None:
    """Writes SQL instead of running it (`alembic upgrade head --sql`)."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Runs the migrations on a live connection."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _include(obj, name, type_, reflected, compare_to) -> bool:
    """Leaves the search index's FTS5 tables (made in SQL by 0002) out of autogenerate."""
    return not (type_ == "table" and reflected and compare_to is None
                and str(name).startswith("searchdoc_"))


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True, include_object=_include)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
