"""Browser scenario 2: a reviewer edits a Khmer snippet, sees the segment count change
before saving (the htmx meter, counted by services/sms), publishes, and a member who asks
for that story gets the new text. Screenshots of the editor, the versions compare page and
the SHARE drafts queue go to tmp_path, or to docs/ with PEERLEARN_DOCS_SCREENSHOTS=1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.test_dialogs import onboard
from tests.support.browser import chromium_page, log_in, needs_chromium
from tests.support.chat import Chat
from tests.support.console import PEOPLE
from tests.support.server import serving
from tests.web.console.practice_helpers import (
    khmer_reader,
    live_snippets,
    practice_id,
    restore_bundled,
)
from tests.web.moderation.test_practices import interview

pytestmark = needs_chromium
DOCS = Path(__file__).resolve().parents[3] / "docs"
SHORT_KM = "SRI៖ សំណាបក្មេង មួយដើមមួយគុម្ព ដីសើម។"


@pytest.fixture
def base_url(app, services) -> Iterator[str]:
    """The module's app on a free local port; the bundled practices put back after."""
    with serving(app) as url:
        yield url
    restore_bundled(services.db)


def shots(tmp_path: Path) -> Path:
    """Where screenshots go."""
    return DOCS if os.environ.get("PEERLEARN_DOCS_SCREENSHOTS") == "1" else tmp_path


def test_a_reviewer_edits_a_khmer_snippet_publishes_and_a_member_gets_it(
        base_url, services, world, tmp_path):
    pid = practice_id(services.db)
    old = live_snippets(services.db, pid, "km")[0]
    contributor = Chat(services, "sms", "+85512777701")
    onboard(contributor, language="2")
    interview(contributor, ("ឧបករណ៍សម្ងួតត្រីពីឫស្សី", "ត្រីខូចពេលភ្លៀង។", "SKIP"))
    with chromium_page(base_url) as page:
        log_in(page, PEOPLE["translator"][0])
        page.goto(f"/admin/practices/{pid}/edit?lang=km")
        meter = page.locator("#meter-km-0")
        before = meter.inner_text()
        assert "2 segments" in before
        page.fill("textarea[name=snippet_km_0]", SHORT_KM)
        page.wait_for_function(
            "el => el.innerText.includes('1 segment ')", arg=meter.element_handle())
        assert "UCS-2" in meter.inner_text() and meter.inner_text() != before
        page.screenshot(path=str(shots(tmp_path) / "console-practice-editor.png"),
                        full_page=False)
        assert live_snippets(services.db, pid, "km")[0] == old  # nothing saved yet
        page.click("text=Save (unpublished)")
        page.wait_for_url("**ok=practice_saved**")
        assert live_snippets(services.db, pid, "km")[0] == old
        page.click("button:has-text('Publish')")
        page.wait_for_url("**/versions?ok=practice_published")
        assert "Published" in page.text_content("[role=status]")
        page.goto(f"/admin/practices/{pid}/versions?a=1&b=2")
        assert SHORT_KM in page.text_content("table.diff ins")
        page.screenshot(path=str(shots(tmp_path) / "console-practice-versions.png"),
                        full_page=True)
        page.goto("/admin/queues/drafts")
        assert "ឧបករណ៍សម្ងួតត្រីពីឫស្សី" in page.text_content("main")
        page.screenshot(path=str(shots(tmp_path) / "console-drafts.png"), full_page=True)
    assert live_snippets(services.db, pid, "km")[0] == SHORT_KM
    told = khmer_reader(services).say("STORY")
    assert told[0].text.startswith(SHORT_KM)
