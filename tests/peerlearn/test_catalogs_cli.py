"""`peerlearn catalogs export` and `prune`, on a copy of bot/locale: reviewed texts lose
`#, fuzzy`, every other byte stays, and the files then say what the database said."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from bot.catalog import LOCALE_DIR, Catalog, Override
from bot.catalog_files import update
from content.db import session_scope
from content.models import utcnow
from peerlearn.cli import app
from services import catalog_texts
from services.access import Principal

runner = CliRunner()
TRANSLATOR = Principal(1, "tr@cedac.example.org", "Translator", "translator",
                       languages=("km", "lo"))
MENU = "ເມນູ - ກະລຸນາຕອບເປັນເລກ:"
ASK = "ຄຳຖາມຂອງທ່ານໄປຫາ {n} ຄົນ ທີ່ຮູ້ \"ເລື່ອງນີ້\"."


@pytest.fixture
def locale(tmp_path) -> Path:
    """A copy of the bundled catalogs to write into."""
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    return tmp_path / "locale"


def _save(db, lang, key, text, reviewed=True):
    with session_scope(db) as session:
        catalog_texts.save(session=session, actor=TRANSLATOR, lang=lang, key=key, text=text,
                           reviewed=reviewed, now=utcnow())


def _export(database_url, locale, *args):
    result = runner.invoke(app, ["catalogs", "export", "--locale", str(locale), *args],
                           env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    return result.output


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.po")}


def test_export_writes_the_reviewed_text_without_fuzzy_and_nothing_else(
        services, database_url, locale):
    _save(services.db, "lo", "menu.title", MENU)
    _save(services.db, "lo", "ask.sent", ASK, reviewed=False)
    before = _files(LOCALE_DIR)
    output = _export(database_url, locale)
    assert "lo.po: menu.title (text, reviewed)" in output
    assert "answering/lo.po: ask.sent (text)" in output
    assert "2 texts in the database; 2 entries changed in 2 files" in output
    after = _files(locale)
    assert {name for name in after if after[name] != before[name]} == \
        {"lo.po", "answering/lo.po"}
    old, new = before["lo.po"].decode(), after["lo.po"].decode()
    entry = f'msgid "menu.title"\nmsgstr "{MENU}"\n'
    assert entry in new and "#, fuzzy\n" + entry not in new
    assert new.replace(entry, "") == old.replace(
        '#, fuzzy\nmsgid "menu.title"\nmsgstr "ເມນູ - ຕອບເປັນເລກ:"\n', "")
    assert '#, fuzzy\nmsgid "ask.sent"\nmsgstr "ຄຳຖາມຂອງທ່ານໄປຫາ {n} ຄົນ ທີ່ຮູ້ \\"ເລື່ອງນີ້\\"."' \
        in after["answering/lo.po"].decode()
    assert "the files already say the same" in _export(database_url, locale)  # idempotent


def test_after_export_the_files_alone_equal_the_catalog_with_the_overrides(
        services, database_url, locale):
    _save(services.db, "lo", "menu.title", MENU)
    _save(services.db, "lo", "ask.sent", ASK, reviewed=False)
    _save(services.db, "km", "peer.consent.yes", "បាទ/ចាស")
    _save(services.db, "en", "help", "peerlearn shares stories. Send a menu number, or STOP.")
    with Session(services.db) as session:
        rows = catalog_texts.listed(session=session)
    layered = Catalog.load(locale)
    layered.use(rows)
    _export(database_url, locale)
    assert Catalog.load(locale) == layered
    assert Catalog.load(locale).review_status() == layered.review_status()


def test_export_of_one_language_and_a_dry_run(services, database_url, locale):
    _save(services.db, "lo", "menu.title", MENU)
    _save(services.db, "km", "menu.title", "ម៉ឺនុយ")
    before = _files(locale)
    output = _export(database_url, locale, "--lang", "km", "--dry-run")
    assert "km.po: menu.title (text, reviewed)" in output and "lo.po" not in output
    assert "would change" in output and _files(locale) == before
    _export(database_url, locale, "--lang", "km")
    after = _files(locale)
    assert after["km.po"] != before["km.po"] and after["lo.po"] == before["lo.po"]


def test_an_untouched_file_is_written_back_byte_for_byte(locale):
    catalog = Catalog.load(locale)
    for path in sorted(locale.rglob("*.po")):
        lang, folder = path.stem, path.parent.relative_to(locale).as_posix().strip(".")
        same = [Override(lang, key, catalog.file_text(lang, key),
                         not catalog.file_draft(lang, key))
                for key in catalog.keys() if catalog.origins[key] == folder]
        assert update(path, same) == [], path
    assert _files(locale) == _files(LOCALE_DIR)


def test_a_draft_gets_the_fuzzy_flag_and_a_missing_key_is_appended(tmp_path):
    path = tmp_path / "xx.po"
    path.write_text('msgid ""\nmsgstr ""\n"Language: xx\\n"\n\n#, python-format\n'
                    'msgid "a"\nmsgstr "A"\n', encoding="utf-8")
    changes = update(path, [Override("xx", "a", "A", False), Override("xx", "b", "B\nb", True)])
    assert [str(c.what) for c in changes] == ["draft", "added"]
    assert path.read_text(encoding="utf-8") == (
        'msgid ""\nmsgstr ""\n"Language: xx\\n"\n\n#, python-format, fuzzy\nmsgid "a"\n'
        'msgstr "A"\n\nmsgid "b"\nmsgstr "B\\nb"\n')


def test_prune_deletes_the_rows_the_files_now_say(services, database_url, locale):
    _save(services.db, "lo", "menu.title", MENU)
    _save(services.db, "km", "menu.title", "ម៉ឺនុយ")
    _export(database_url, locale, "--lang", "lo")
    result = runner.invoke(app, ["catalogs", "prune", "--locale", str(locale)],
                           env={"DATABASE_URL": database_url})
    assert result.exit_code == 0 and "1 texts deleted" in result.output
    with Session(services.db) as session:
        assert [(r.lang, r.key) for r in catalog_texts.listed(session=session)] == \
            [("km", "menu.title")]


def test_an_unknown_language_is_refused(database_url, locale):
    result = runner.invoke(app, ["catalogs", "export", "--lang", "xx", "--locale", str(locale)],
                           env={"DATABASE_URL": database_url})
    assert result.exit_code == 2 and "unknown language 'xx'" in result.output
