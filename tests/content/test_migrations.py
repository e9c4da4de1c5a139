"""The migrations build the schema the models declare: a column or index added to a model
without a migration (or the reverse) fails here, on SQLite and on PostgreSQL. Upgrading
rebuilds a search index that a revision emptied."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, text
from sqlmodel import Session, SQLModel, select

import content.models  # noqa: F401  (registers every table)
from content.db import make_engine
from content.models import Member, MemberOffer, SearchDoc
from peerlearn.migrate import alembic_config, upgrade
from services.search import search, unindexed
from tests.conftest import load_bundled

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


def test_upgrading_rebuilds_the_search_index_a_revision_emptied(tmp_path):
    """0010 empties the index (its form changed); `upgrade` indexes every published
    practice again, so search works before any `content import`."""
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    load_bundled(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(SearchDoc)).one() == 0
    upgrade(engine)
    with Session(engine) as session:
        assert unindexed(session) == []
        found = search(session=session, query="nang suat lua", lang="vi", limit=3)
        assert "sri-cambodia" in [hit.practice for hit in found]  # the new form, unaccented
    engine.dispose()


def test_members_the_simulator_made_before_0011_go_to_a_sandbox(tmp_path):
    """0011 puts a member with a simulator identity in the sandbox 'legacy'; a real
    member stays real, and member_offer's triggers still work after it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0010")
        for member_id, provider in ((1, "simulator"), (2, "telegram")):
            connection.execute(text(
                "INSERT INTO member (id, language, language_chosen, script, zawgyi, role, "
                "topics_wanted, topics_offered, consent_stories, consent_matching, "
                "consent_contact, quiet_start, quiet_end, segment_budget, languages, "
                "story_subscribed, created_at) VALUES (:id, 'km', false, 'native', false, "
                "'member', '[]', '[]', false, false, false, 21, 7, 2, '[]', false, "
                "'2025-01-01')"), {"id": member_id})
            connection.execute(text(
                "INSERT INTO identity (member_id, provider, channel, address, opted_out, "
                "created_at) VALUES (:id, :provider, 'sms', '+85512345678', false, "
                "'2025-01-01')"), {"id": member_id, "provider": provider})
    upgrade(engine)
    with Session(engine) as session:
        assert [(m.id, m.sandbox) for m in session.exec(select(Member).order_by(Member.id))] \
            == [(1, "legacy"), (2, None)]
        session.get(Member, 2).topics_offered = ["farming"]
        session.commit()
        assert session.exec(select(MemberOffer.member_id)).all() == [2]
    engine.dispose()
