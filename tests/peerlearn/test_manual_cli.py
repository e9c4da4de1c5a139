"""`peerlearn manual`: the command writes the manual a moderator would download, learning
the bot's username from Telegram (the fake) as `serve` does, or taking --bot."""

from __future__ import annotations

from sqlmodel import Session, select
from typer.testing import CliRunner

from content.models import Practice, Snippet
from peerlearn.cli import app
from tests.support.manuals import in_order, page_texts, qr_codes

runner = CliRunner()


def khmer_forestry(db) -> list[str]:
    with Session(db) as session:
        return list(session.exec(select(Snippet.text).join(
            Practice, Practice.id == Snippet.practice_id).where(
            Practice.slug == "community-forestry-cambodia", Snippet.lang == "km")
            .order_by(Snippet.position)))


def test_a_khmer_pdf_names_the_bot_telegram_gives(services, database_url, fake_telegram,
                                                  tmp_path):
    out = tmp_path / "manual-km.pdf"
    env = {"DATABASE_URL": database_url, **{k.upper(): str(v) for k, v in
                                            fake_telegram.settings().items()}}
    result = runner.invoke(app, ["manual", "--lang", "km", "--out", str(out),
                                 "--topics", "forestry"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 practices in Khmer" in result.output
    pdf = out.read_bytes()
    assert [c for codes in qr_codes(pdf) for c in codes] == [
        f"https://t.me/{fake_telegram.username}?start=practice-community-forestry-cambodia"]
    assert in_order(" ".join(page_texts(pdf)), khmer_forestry(services.db))


def test_an_html_page_stands_alone_and_without_a_bot_says_so(services, database_url,
                                                             tmp_path):
    out = tmp_path / "manual.html"
    result = runner.invoke(app, ["manual", "--lang", "km", "--out", str(out), "--topics",
                                 "forestry"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "no QR codes" in result.output
    page = out.read_text(encoding="utf-8")
    assert "<style>" in page and "/static/manual.css" not in page
    assert "START practice-community-forestry-cambodia" in page
    assert all(f'<p lang="km">{s}</p>' in page for s in khmer_forestry(services.db))


def test_what_it_cannot_make_is_refused(database_url, tmp_path):
    for args in (["--lang", "xx"], ["--lang", "km", "--topics", "nope"],
                 ["--lang", "km", "--org", "nobody"]):
        result = runner.invoke(app, ["manual", "--out", str(tmp_path / "m.pdf"), *args],
                               env={"DATABASE_URL": database_url})
        assert result.exit_code == 2, (args, result.output)
    assert not (tmp_path / "m.pdf").exists()
