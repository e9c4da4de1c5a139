"""Document counts of search terms: each database's own, and in step with the index
(PostgreSQL keeps them in searchdoc_term by triggers, SQLite reads fts5vocab)."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import create_engine, delete, text
from sqlmodel import Session

from content.importer import import_drafts
from content.models import SearchDoc
from content.validate import load_pack
from peerlearn.settings import BUNDLED_PACKS
from services.search import reindex, terms
from services.search.terms import doc_counts, forget

CORE = BUNDLED_PACKS / "core"


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


def _holding(session: Session, word: str) -> int:
    """Documents holding the word, counted by the index itself (no vocabulary)."""
    if session.get_bind().dialect.name == "sqlite":
        return session.execute(text("SELECT count(*) FROM searchdoc_fts WHERE searchdoc_fts "
                                    "MATCH :w"), {"w": '"' + word + '"'}).scalar_one()
    return session.execute(text("SELECT count(*) FROM searchdoc WHERE tsv @@ "
                                "plainto_tsquery('simple', :w)"), {"w": word}).scalar_one()


@pytest.mark.parametrize("words", [
    ["rice", "seed", "water"],  # common words, each its own count
    ["self", "help", "farmers"],  # the query's words as segmented ("self-help")
    ["zoetropically", "rice"],  # a word no document holds is left out
    ["ស្រូវ", "ข้าว", "lúa"],  # Khmer, Thai, Vietnamese
])
def test_counts_are_the_documents_holding_each_word(db, words):
    forget()
    with Session(db) as session:
        expected = {w: n for w in words if (n := _holding(session, w))}
        assert doc_counts(session, words) == expected
        assert list(doc_counts(session, words)) == list(expected)  # query order, cached


def test_counts_follow_writes_to_the_index(db, tmp_path):
    pack = shutil.copytree(CORE, tmp_path / "core")
    en = pack / "sri-cambodia" / "en.md"
    en.write_text(en.read_text(encoding="utf-8") + "\nzoetropically\n", encoding="utf-8")
    try:
        _import_and_reindex(db, pack)
        with Session(db) as session:  # reindex forgets the cached counts
            assert doc_counts(session, ["zoetropically"]) == {"zoetropically": 1}
            before = doc_counts(session, ["rice"])["rice"]
            gone = session.execute(delete(SearchDoc).where(
                SearchDoc.kind == "body", SearchDoc.text.contains("zoetropically"))).rowcount
            assert gone == 1
            forget()
            assert doc_counts(session, ["zoetropically", "rice"]) == {"rice": before - 1}
            session.rollback()
    finally:
        _import_and_reindex(db, CORE)
    forget()
    with Session(db) as session:
        assert doc_counts(session, ["zoetropically"]) == {}


def _import_and_reindex(db, pack) -> None:
    drafts, _ = load_pack(pack)
    with Session(db) as session:
        result = import_drafts(session, drafts)
        reindex(session=session, practice_ids=result.changed_ids)
        session.commit()


def test_the_rarest_pair_only_when_the_rarest_word_is_over_the_budget():
    budget = terms.BUDGET
    assert terms.rarest_pair({"rice": budget + 5, "seed": budget + 1, "bank": budget + 9}) \
        == ["seed", "rice"]
    assert terms.rarest_pair({"rice": budget + 5, "seed": budget}) == []
    assert terms.rarest_pair({"rice": budget + 5}) == []
