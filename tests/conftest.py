"""Test fixtures: a migrated scratch database (SQLite, or PostgreSQL when DATABASE_URL
names one), the bundled content loaded once, and wired services per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

from content.db import make_engine, normalize_url, session_scope
from content.importer import import_drafts
from content.models import SmsDay
from content.validate import load_pack
from peerlearn.migrate import upgrade
from peerlearn.settings import BUNDLED_PACKS, Settings
from peerlearn.wiring import Services, build
from services.search import reindex
from tests.support.environment import isolate

pytest_plugins = ["tests.support.fixtures", "tests.support.fuzz_summary"]
CONTENT_TABLES = ("searchdoc", "faq", "snippet", "practicetranslation", "practice")


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A fresh, migrated database for this test run."""
    server = _postgres_url()
    if server is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    name = f"peerlearn_test_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    url = make_url(normalize_url(server)).set(database=name).render_as_string(False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def db(database_url) -> Iterator[Engine]:
    """One engine for the run, with the bundled pack imported."""
    engine = make_engine(database_url)
    load_bundled(engine)
    yield engine
    engine.dispose()


def load_bundled(engine: Engine) -> None:
    """Imports every bundled pack and indexes what changed for search."""
    for pack in sorted(p for p in BUNDLED_PACKS.iterdir() if p.is_dir()):
        drafts, _ = load_pack(pack)
        with session_scope(engine) as session:
            result = import_drafts(session, drafts)
            reindex(session=session, practice_ids=result.changed_ids)


def clear(engine: Engine, *, keep_content: bool = True) -> None:
    """Empties the tables (all but the content store, unless told)."""
    with session_scope(engine) as session:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if keep_content and table.name in CONTENT_TABLES:
                continue
            session.exec(table.delete())
        # The outbox's triggers wrote their removals to the SMS roll-up as it emptied.
        session.exec(SmsDay.__table__.delete())


@pytest.fixture
def settings(database_url) -> Settings:
    """Settings for a test: the scratch database, no background dispatcher or
    processors (a test runs them: tests/support/live.py)."""
    return Settings(database_url=database_url, run_dispatcher=False, run_processor=False,
                    public_base_url="https://peerlearn.example.org")


@pytest.fixture
def services(settings, db) -> Iterator[Services]:
    """Wired services over an empty inbox, outbox and member list."""
    clear(db)
    yield build(settings, db=db)
    clear(db)


@pytest.fixture
def empty_store(db) -> Iterator[Engine]:
    """The database with no content at all; the bundled pack is back afterwards."""
    clear(db, keep_content=False)
    yield db
    clear(db, keep_content=False)
    load_bundled(db)


def pytest_configure(config) -> None:
    """Before anything runs: no provider variable from the caller's environment and no
    `.env` reaches a test (tests/support/environment.py)."""
    isolate()


def pytest_addoption(parser) -> None:
    parser.addoption("--transcripts", action="store_true",
                     help="print README.md's transcripts as the bot answers them now "
                          "(tests/bot/test_readme_transcripts.py)")
