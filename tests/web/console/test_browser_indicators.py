"""Browser scenario: a CEDAC moderator sets a goal (members onboarded in Cambodia), a
member in Cambodia onboards over SMS, and, measured again, the goal's progress moves, as
does the dashboard's figure. The pages carry inline SVG charts under the console's CSP
(chromium_page fails the test on any CSP report). Screenshots go to tmp_path, or to docs/ with
PEERLEARN_DOCS_SCREENSHOTS=1."""

from __future__ import annotations

from datetime import timedelta

from content.models import utcnow
from peerlearn.app import create_app
from tests.bot.test_dialogs import onboard
from tests.support.browser import chromium_page, log_in, needs_chromium
from tests.support.chat import Chat
from tests.support.console import PEOPLE
from tests.support.server import serving
from tests.web.console.test_browser_practices import shots

pytestmark = needs_chromium


def progress_text(page) -> str:
    return " ".join(page.text_content("table.goals tbody").split())


def test_a_moderator_sets_a_goal_and_watches_it_move_when_a_member_onboards(
        services, world, tmp_path):
    today = utcnow().date()
    with serving(create_app(services.settings, services)) as url, chromium_page(url) as page:
        log_in(page, PEOPLE["moderator"][0])
        page.click("nav >> text=Indicators and goals")
        page.select_option("select[name=indicator]", "onboarded")
        page.select_option("form.stack select[name=country]", "KH")
        page.fill("form.stack input[name=start]", (today - timedelta(days=30)).isoformat())
        page.fill("form.stack input[name=end]", (today + timedelta(days=30)).isoformat())
        page.fill("input[name=target]", "2")
        page.click("button:has-text('Set the goal')")
        page.wait_for_selector("text=The goal is set.")
        assert "Members onboarded" in progress_text(page) and "0 / 2" in progress_text(page)

        onboard(Chat(services, "sms", "+85512000777"))  # a member in Cambodia, over SMS

        page.reload()  # progress is stored: measured when set, then by the scheduler
        assert "0 / 2" in progress_text(page) and "measured" in progress_text(page)
        page.click("button:has-text('Measure again now')")
        page.wait_for_selector("text=The goals are measured again.")
        assert "1 / 2" in progress_text(page) and "(50 %)" in progress_text(page)
        assert page.get_attribute("table.goals progress", "value") == "50"
        page.screenshot(path=str(shots(tmp_path) / "console-indicators-goals.png"),
                        full_page=True)
        page.click("main >> text=Members onboarded")
        page.wait_for_selector("figure.chart svg")
        cells = page.locator("table.figure tbody tr").last.locator("td").all_text_contents()
        assert cells[1:] == ["KH", "1"]
        assert page.locator("figure.chart svg rect.rect").count() >= 1  # the week's bar
        page.screenshot(path=str(shots(tmp_path) / "console-indicators-onboarded.png"),
                        full_page=True)
