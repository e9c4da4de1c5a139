"""Browser scenario: a moderator opens the practices list, follows the printed-manual link,
picks Khmer and downloads the PDF; every QR code in it decodes to its practice's Telegram
deep link (the bot's username as getMe gave it at start-up), and following each one (a
`/start` with its payload, as Telegram sends it) opens that practice in Khmer. The form
page's screenshot goes to tmp_path, or to docs/ with PEERLEARN_DOCS_SCREENSHOTS=1."""

from __future__ import annotations

import html
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from content.models import Practice, Snippet
from peerlearn.app import create_app
from peerlearn.wiring import build
from tests.bot.test_dialogs import onboard
from tests.support.browser import chromium_page, log_in, needs_chromium
from tests.support.chat import Chat
from tests.support.console import PEOPLE
from tests.support.live import live_settings
from tests.support.manuals import in_order, page_texts, qr_codes
from tests.support.server import serving
from tests.web.console.test_browser_practices import shots

pytestmark = needs_chromium


@pytest.fixture
def with_telegram(services, fake_telegram):
    """The module's services again, with Telegram (the fake) configured; nothing runs
    turns in the background, so the test's own chat is processed as it speaks."""
    return build(live_settings(services.settings, fake_telegram, run_processor=False),
                 db=services.db)


@pytest.fixture
def base_url(with_telegram) -> Iterator[str]:
    with serving(create_app(with_telegram.settings, with_telegram)) as url:
        yield url


def first_khmer_snippets(db) -> dict[str, str]:
    """Each published practice's first Khmer snippet, by slug."""
    with Session(db) as session:
        rows = session.exec(select(Practice.slug, Snippet.text).join(
            Snippet, Snippet.practice_id == Practice.id).where(
            Practice.status == "published", Snippet.lang == "km", Snippet.position == 0))
        return {slug: text for slug, text in rows.all()}


def test_a_moderator_downloads_a_khmer_manual_whose_qr_codes_open_the_practices(
        base_url, with_telegram, world, fake_telegram, tmp_path):
    with chromium_page(base_url) as page:
        log_in(page, PEOPLE["moderator"][0])
        page.goto("/admin/practices")
        page.click("text=Printed manual of the published practices")
        page.wait_for_url("**/admin/manuals")
        page.select_option("select[name=lang]", "km")
        page.screenshot(path=str(shots(tmp_path) / "console-manual.png"), full_page=True)
        with page.expect_download() as download:
            page.click("button:has-text('Make the manual')")
        assert download.value.suggested_filename == "peerlearn-manual-km.pdf"
        made = (tmp_path / "manual.pdf")
        download.value.save_as(made)
    pdf = made.read_bytes()
    firsts = first_khmer_snippets(with_telegram.db)
    links = [codes[0] for codes in qr_codes(pdf) if codes]
    assert links == [f"https://t.me/{fake_telegram.username}?start=practice-{slug}"
                     for slug in sorted(firsts)]
    assert in_order(" ".join(page_texts(pdf)), [firsts[slug] for slug in sorted(firsts)])

    reader = Chat(with_telegram, "telegram")
    onboard(reader, language="2")  # Khmer
    for link in links:
        payload = parse_qs(urlsplit(link).query)["start"][0]
        told = html.unescape(" ".join(m.text for m in reader.say(f"/start {payload}")))
        assert firsts[payload.removeprefix("practice-")] in told, payload
