"""Importing packs into the store (idempotent, pack is the truth) and exporting them back."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from content.exporter import export_pack, practice_drafts
from content.importer import ImportResult, import_drafts
from content.models import Faq, Practice, PracticeTranslation, PracticeVersion, Snippet
from content.validate import load_pack
from peerlearn.settings import BUNDLED_PACKS
from tests.content.helpers import EN_TEMPLATE, KM_TEMPLATE, swap, write_practice

CORE = BUNDLED_PACKS / "core"
SLUG = "sri-cambodia"
OLD_SNIPPET = "Farmers need less seed and fewer chemicals."
NEW_SNIPPET = "Farmers need less seed, less water and fewer chemicals."


def _import(engine, pack) -> tuple[ImportResult, list]:
    drafts, problems = load_pack(pack)
    with Session(engine) as session:
        result = import_drafts(session, drafts)
        session.commit()
    return result, problems


def _counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {t.__name__: session.exec(select(func.count()).select_from(t)).one()
                for t in (Practice, PracticeTranslation, Snippet, Faq)}


def _stored(engine, slug: str, table, lang: str | None = None) -> list:
    with Session(engine) as session:
        practice = session.exec(select(Practice).where(Practice.slug == slug)).one()
        query = select(table).where(table.practice_id == practice.id)
        if lang:
            query = query.where(table.lang == lang)
        return list(session.exec(query))


@pytest.fixture
def core_copy(tmp_path):
    """A copy of the bundled pack, still named `core` so only edits change the hashes."""
    return shutil.copytree(CORE, tmp_path / "core")


def test_empty_store_really_is_empty(empty_store):
    assert _counts(empty_store) == {"Practice": 0, "PracticeTranslation": 0, "Snippet": 0,
                                    "Faq": 0}


def test_import_bundled_pack_creates_every_row(empty_store):
    drafts, _ = load_pack(CORE)
    result, problems = _import(empty_store, CORE)
    assert [p for p in problems if not p.warning] == []
    assert result == ImportResult(created=len(drafts), updated=0, unchanged=0)
    translations = [tr for d in drafts for tr in d.translations.values()]
    assert _counts(empty_store) == {
        "Practice": len(drafts),
        "PracticeTranslation": len(translations),
        "Snippet": sum(len(tr.snippets) for tr in translations),
        "Faq": sum(len(tr.faq) for tr in translations),
    }
    sri = next(d for d in drafts if d.slug == SLUG)
    stored = sorted(_stored(empty_store, SLUG, Snippet, "km"), key=lambda s: s.position)
    assert [s.text for s in stored] == sri.translations["km"].snippets
    (en,) = _stored(empty_store, SLUG, PracticeTranslation, "en")
    assert (en.title, en.reviewed, en.body) == (sri.translations["en"].title, True,
                                                sri.translations["en"].body)
    with Session(empty_store) as session:
        row = session.exec(select(Practice).where(Practice.slug == SLUG)).one()
        assert (row.country, row.pack, row.topics) == ("KH", "core", sri.topics)
        assert row.content_hash == sri.content_hash()


def test_import_twice_changes_nothing(empty_store):
    first, _ = _import(empty_store, CORE)
    before = _counts(empty_store)
    second, _ = _import(empty_store, CORE)
    assert second == ImportResult(created=0, updated=0, unchanged=first.created)
    assert _counts(empty_store) == before


def test_changed_snippet_updates_exactly_that_practice(empty_store, core_copy):
    first, _ = _import(empty_store, CORE)
    en = core_copy / SLUG / "en.md"
    en.write_text(swap(en.read_text(encoding="utf-8"), OLD_SNIPPET, NEW_SNIPPET),
                  encoding="utf-8")
    before = _counts(empty_store)
    result, problems = _import(empty_store, core_copy)
    assert [p for p in problems if not p.warning] == []
    assert result == ImportResult(created=0, updated=1, unchanged=first.created - 1)
    assert _counts(empty_store) == before
    texts = [s.text for s in sorted(_stored(empty_store, SLUG, Snippet, "en"),
                                    key=lambda s: s.position)]
    assert NEW_SNIPPET in texts[1] and OLD_SNIPPET not in texts[1]
    # the other languages of that practice are written again, not duplicated
    assert len(_stored(empty_store, SLUG, PracticeTranslation)) == 9


def test_keywords_are_stored_changed_and_exported_per_language(empty_store, core_copy,
                                                              tmp_path):
    _import(empty_store, CORE)
    (km,) = _stored(empty_store, SLUG, PracticeTranslation, "km")
    assert "បង្កើនទិន្នផល" in km.keywords
    path = core_copy / SLUG / "km.md"
    path.write_text(swap(path.read_text(encoding="utf-8"), "  - ដាំស្រូវ\n",
                         "  - ដាំស្រូវ\n  - ស្រូវផលច្រើន\n"), encoding="utf-8")
    result, _ = _import(empty_store, core_copy)
    assert result.updated == 1
    (km,) = _stored(empty_store, SLUG, PracticeTranslation, "km")
    assert km.keywords[-2:] == ["ដាំស្រូវ", "ស្រូវផលច្រើន"]
    with Session(empty_store) as session:
        export_pack(session, tmp_path / "out", pack="core")
    exported, problems = load_pack(tmp_path / "out")
    assert [str(p) for p in problems] == []
    again = {d.slug: d for d in exported}[SLUG].translations
    assert again["km"].keywords == km.keywords and again["en"].keywords[0] == "grow more rice"


def test_removed_translation_file_removes_that_language(empty_store, core_copy):
    _import(empty_store, CORE)
    before = _counts(empty_store)
    gone_snippets = len(_stored(empty_store, SLUG, Snippet, "th"))
    gone_faq = len(_stored(empty_store, SLUG, Faq, "th"))
    assert gone_snippets > 0
    (core_copy / SLUG / "th.md").unlink()
    result, _ = _import(empty_store, core_copy)
    assert result.updated == 1
    assert _stored(empty_store, SLUG, PracticeTranslation, "th") == []
    assert _stored(empty_store, SLUG, Snippet, "th") == []
    assert _stored(empty_store, SLUG, Faq, "th") == []
    assert _counts(empty_store) == {
        "Practice": before["Practice"],
        "PracticeTranslation": before["PracticeTranslation"] - 1,
        "Snippet": before["Snippet"] - gone_snippets,
        "Faq": before["Faq"] - gone_faq,
    }
    assert _stored(empty_store, "aski-microfinance", PracticeTranslation, "th")  # untouched


def test_practice_missing_from_the_pack_is_left_alone(empty_store, tmp_path):
    _import(empty_store, CORE)
    pack = write_practice(tmp_path / "core", "seed-circle", {"en.md": EN_TEMPLATE})
    result, _ = _import(empty_store, pack)
    assert result == ImportResult(created=1)
    assert _stored(empty_store, SLUG, PracticeTranslation)  # not deleted


def test_export_then_load_gives_the_same_drafts(empty_store, tmp_path):
    originals, _ = load_pack(CORE)
    _import(empty_store, CORE)
    with Session(empty_store) as session:
        assert practice_drafts(session) == originals
        written = export_pack(session, tmp_path / "core", pack="core")
    assert written == len(originals)
    assert sorted(p.name for p in (tmp_path / "core" / SLUG).iterdir()) == sorted(
        p.name for p in (CORE / SLUG).iterdir())
    exported, problems = load_pack(tmp_path / "core")
    assert [str(p) for p in problems] == []
    by_slug = {d.slug: d for d in exported}
    assert sorted(by_slug) == sorted(d.slug for d in originals)
    for original in originals:
        again = by_slug[original.slug]
        assert again.content_hash() == original.content_hash(), original.slug
        assert again == original, original.slug
    # re-importing the export is a no-op
    result, _ = _import(empty_store, tmp_path / "core")
    assert result == ImportResult(unchanged=len(originals))


def test_export_of_another_pack_writes_nothing(empty_store, tmp_path):
    _import(empty_store, CORE)
    with Session(empty_store) as session:
        assert export_pack(session, tmp_path / "out", pack="no-such-pack") == 0
    assert not (tmp_path / "out").exists()


def test_broken_practice_is_left_out_and_the_valid_one_imported(empty_store, tmp_path):
    pack = tmp_path / "mixed"
    write_practice(pack, "good-one", {"en.md": EN_TEMPLATE, "km.md": KM_TEMPLATE})
    write_practice(pack, "bad-one", {"en.md": swap(EN_TEMPLATE, "status: published",
                                                   "status: finished")})
    drafts, problems = load_pack(pack)
    assert [d.slug for d in drafts] == ["good-one"]
    assert [(p.path, p.line, p.field) for p in problems] == [
        ("mixed/bad-one/en.md", 7, "status")]
    result, _ = _import(empty_store, pack)
    assert result == ImportResult(created=1)
    with Session(empty_store) as session:
        stored = session.exec(select(Practice)).all()
        assert [(p.slug, p.pack) for p in stored] == [("good-one", "mixed")]
    assert sorted(t.lang for t in _stored(empty_store, "good-one", PracticeTranslation)) == [
        "en", "km"]
    assert len(_stored(empty_store, "good-one", Snippet, "en")) == 2


def test_a_practice_edited_in_the_console_is_kept_unless_replaced(empty_store, core_copy):
    _import(empty_store, CORE)
    with Session(empty_store) as session:
        practice = session.exec(select(Practice).where(Practice.slug == SLUG)).one()
        session.add(PracticeVersion(practice_id=practice.id, number=1, files={},
                                    created_by="console"))
        session.commit()
    en = core_copy / SLUG / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace(OLD_SNIPPET, NEW_SNIPPET),
                  encoding="utf-8")
    result, _ = _import(empty_store, core_copy)
    assert (result.kept, result.updated) == (1, 0)
    assert any(OLD_SNIPPET in s.text for s in _stored(empty_store, SLUG, Snippet, "en"))
    drafts, _ = load_pack(core_copy)
    with Session(empty_store) as session:
        replaced = import_drafts(session, drafts, replace_edited=True)
        session.commit()
    assert (replaced.kept, replaced.updated) == (0, 1)
    assert any(NEW_SNIPPET in s.text for s in _stored(empty_store, SLUG, Snippet, "en"))
