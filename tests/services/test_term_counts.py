"""The cached document counts of search terms belong to one database."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlmodel import Session

from services.search.terms import doc_counts


def _database(count: int):
    """A database whose vocabulary says `count` documents hold "rice"."""
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE searchdoc_vocab (term TEXT, doc INTEGER)"))
        connection.execute(text("INSERT INTO searchdoc_vocab VALUES ('rice', :n)"), {"n": count})
    return engine


def test_two_databases_in_one_process_keep_their_own_counts():
    first, second = _database(3), _database(40)
    with Session(first) as session:
        assert doc_counts(session, ["rice", "absent"]) == {"rice": 3}
    with Session(second) as session:
        assert doc_counts(session, ["rice"]) == {"rice": 40}
    with Session(first) as session:  # from the cache now, still its own
        assert doc_counts(session, ["rice"]) == {"rice": 3}
