"""`peerlearn content validate|import|export` against the scratch database."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from content.models import Practice, PracticeTranslation
from content.validate import load_pack
from peerlearn.cli import app
from peerlearn.settings import BUNDLED_PACKS
from tests.content.helpers import EN_TEMPLATE, KM_TEMPLATE, swap, write_practice

runner = CliRunner()
CORE = BUNDLED_PACKS / "core"


@pytest.fixture
def env(database_url, empty_store) -> dict[str, str]:
    return {"DATABASE_URL": database_url}


@pytest.fixture
def mixed(tmp_path):
    """One valid practice and one whose status and country are wrong."""
    pack = tmp_path / "mixed"
    write_practice(pack, "good-one", {"en.md": EN_TEMPLATE, "km.md": KM_TEMPLATE})
    broken = swap(swap(EN_TEMPLATE, "status: published", "status: finished"),
                  "country: KH", "country: XX")
    return write_practice(pack, "bad-one", {"en.md": broken})


def _slugs(engine) -> list[str]:
    with Session(engine) as session:
        return sorted(p.slug for p in session.exec(select(Practice)))


def test_validate_bundled_pack_exits_zero():
    count = len(load_pack(CORE)[0])
    result = runner.invoke(app, ["content", "validate", str(CORE)])
    assert result.exit_code == 0, result.output
    assert f"{count} practices valid, 0 errors" in result.output
    default = runner.invoke(app, ["content", "validate"])  # no path: the bundled packs
    assert default.exit_code == 0, default.output
    assert f"{count} practices valid, 0 errors" in default.output


def test_validate_broken_pack_exits_one_and_names_file_and_line(mixed):
    result = runner.invoke(app, ["content", "validate", str(mixed)])
    assert result.exit_code == 1
    assert "mixed/bad-one/en.md:3: error: country: 'XX' is not an ISO 3166" in result.stderr
    assert ("mixed/bad-one/en.md:7: error: status: must be one of draft, review, published, "
            "archived") in result.stderr
    problems = [line for line in result.stderr.splitlines() if line.strip()]
    assert problems and all(re.match(r"^\S+\.md:\d+: (error|warning): ", p) for p in problems)
    assert "1 practice valid, 2 errors" in result.stdout


def test_validate_reports_warnings_but_exits_zero(tmp_path):
    long = swap(EN_TEMPLATE, "  - Farmers keep their best seed.", "  - " + "word " * 60)
    pack = write_practice(tmp_path / "warn", "seed-circle", {"en.md": long})
    result = runner.invoke(app, ["content", "validate", str(pack)])
    assert result.exit_code == 0, result.output
    assert "warn/seed-circle/en.md:21: warning: snippets:" in result.stderr
    assert "1 practice valid, 0 errors" in result.stdout


@pytest.mark.parametrize("folder, says", [
    (CORE / "sri-cambodia", "this is a practice folder; give the pack that holds it"),
    (None, "no practice folders here: a pack is a folder of practice folders"),
])
def test_a_folder_that_is_not_a_pack_is_an_error(tmp_path, folder, says):
    folder = folder or tmp_path / "empty"
    folder.mkdir(exist_ok=True)
    result = runner.invoke(app, ["content", "validate", str(folder)])
    assert result.exit_code == 1, result.output
    assert f"{folder}:0: error: {says}" in result.stderr
    assert "0 practices valid, 1 error\n" in result.stdout


def test_import_with_a_broken_practice_exits_one_but_imports_the_valid_one(env, mixed,
                                                                           empty_store):
    result = runner.invoke(app, ["content", "import", str(mixed)], env=env)
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[0] == "mixed: 1 created, 0 updated, 0 unchanged"
    assert "2 errors: those practices were not imported" in result.stderr
    assert "mixed/bad-one/en.md:7:" in result.stderr
    assert _slugs(empty_store) == ["good-one"]
    with Session(empty_store) as session:
        langs = sorted(t.lang for t in session.exec(select(PracticeTranslation)))
    assert langs == ["en", "km"]
    again = runner.invoke(app, ["content", "import", str(mixed)], env=env)
    assert "mixed: 0 created, 0 updated, 1 unchanged" in again.stdout
    assert _slugs(empty_store) == ["good-one"]


def test_import_bundled_then_export_writes_a_loadable_pack(env, empty_store, tmp_path):
    originals, _ = load_pack(CORE)
    imported = runner.invoke(app, ["content", "import"], env=env)
    assert imported.exit_code == 0, imported.output
    assert f"core: {len(originals)} created, 0 updated, 0 unchanged" in imported.stdout
    assert _slugs(empty_store) == sorted(d.slug for d in originals)

    dest = tmp_path / "core"  # the folder name is the pack name, part of the hash
    result = runner.invoke(app, ["content", "export", str(dest)], env=env)
    assert result.exit_code == 0, result.output
    assert f"{len(originals)} practices written to {dest}" in result.stdout
    for draft in originals:
        written = sorted(p.name for p in (dest / draft.slug).iterdir())
        assert written == sorted(f"{lang}.md" for lang in draft.translations)
    assert (dest / "sri-cambodia" / "en.md").read_text(encoding="utf-8").startswith(
        "---\ntitle: System of Rice Intensification")
    exported, problems = load_pack(dest)
    assert [str(p) for p in problems] == []
    assert {d.slug: d.content_hash() for d in exported} == {
        d.slug: d.content_hash() for d in originals}


def test_export_only_the_named_pack(env, mixed, tmp_path):
    runner.invoke(app, ["content", "import", str(mixed)], env=env)
    dest = tmp_path / "only-core"
    result = runner.invoke(app, ["content", "export", str(dest), "--pack", "core"], env=env)
    assert result.exit_code == 0, result.output
    assert f"0 practices written to {dest}" in result.stdout
    result = runner.invoke(app, ["content", "export", str(dest), "--pack", "mixed"], env=env)
    assert f"1 practices written to {dest}" in result.stdout
    assert sorted(p.name for p in (dest / "good-one").iterdir()) == ["en.md", "km.md"]
