"""Browser scenario: a moderator composes a Khmer and Lao broadcast, sees what each
channel and language gets and what it costs, sends it, and watches the progress page
reach 100 % as the dispatcher hands the rows to the fake Twilio and Telegram servers.
Screenshots go to tmp_path, or to docs/ with PEERLEARN_DOCS_SCREENSHOTS=1."""

from __future__ import annotations

from peerlearn.app import create_app
from peerlearn.wiring import build
from services.sms import prices
from services.sms.prices import Price
from tests.services.test_broadcasts import member
from tests.support.browser import chromium_page, log_in, needs_chromium
from tests.support.console import PEOPLE
from tests.support.live import live_settings
from tests.support.server import serving
from tests.web.console.test_browser_practices import shots

pytestmark = needs_chromium
KM = "ថ្ងៃសៅរ៍នេះ មានទស្សនកិច្ចស្រែ SRI។ ផ្ញើ VISIT ដើម្បីចូលរួម។"
LO = "ວັນເສົາມື້ນີ້ ມີການຢ້ຽມຢາມນາ SRI. ສົ່ງ VISIT ເພື່ອເຂົ້າຮ່ວມ."


def test_a_moderator_sends_a_khmer_and_lao_broadcast_and_watches_it_arrive(
        settings, db, services, world, fake_telegram, fake_twilio, tmp_path):
    running = build(live_settings(settings, fake_telegram, fake_twilio,
                                  run_dispatcher=True), db=db)
    prices.sync(db, [Price("twilio", "KH", 0.05, source="Twilio Pricing API",
                           as_of="2026-12-01"),
                     Price("twilio", "LA", 0.04, source="Twilio Pricing API",
                           as_of="2026-12-01")])
    member(db, "+85512000001", language="km", country="KH")
    member(db, "+8562055500002", language="lo", country="LA",
           organisation_id=world.orgs["cedac"])
    member(db, "7001", channel="telegram", language="km", country="KH")
    with serving(create_app(running.settings, running)) as url, chromium_page(url) as page:
        log_in(page, PEOPLE["moderator"][0])
        page.click("nav >> text=Broadcasts")
        page.click("text=New broadcast")
        page.fill("input[name=title]", "SRI field day")
        page.fill("textarea[name=text_km]", KM)
        page.fill("textarea[name=text_lo]", LO)
        page.screenshot(path=str(shots(tmp_path) / "console-broadcast-compose.png"),
                        full_page=True)
        page.click("button:has-text('Preview')")
        preview = " ".join(page.text_content("main").split())
        assert "3 recipients" in preview and KM in preview and LO in preview
        assert "No " not in preview  # every language has its text: no fallback
        # One UCS-2 segment each: Khmer at 0.05, Lao at 0.04; Telegram costs nothing.
        assert "estimated SMS cost 0.0900" in preview
        page.screenshot(path=str(shots(tmp_path) / "console-broadcast-preview.png"),
                        full_page=True)
        with page.expect_navigation():  # the preview page has no progress to read
            page.click("button:has-text('Send it now')")
        page.wait_for_function("() => document.querySelector('#progress h2')"
                               "?.innerText.includes('100 %')")
        page.screenshot(path=str(shots(tmp_path) / "console-broadcast-progress.png"),
                        full_page=True)
        page.click("nav >> text=SMS prices")
        listed = " ".join(page.text_content("main").split())
        assert "KH USD 0.0500 Twilio Pricing API 2026-12-01" in listed
        assert "LA USD 0.0400" in listed
        page.screenshot(path=str(shots(tmp_path) / "console-sms-prices.png"), full_page=True)
    assert sorted(call["To"] for call in fake_twilio.sent()) == ["+85512000001",
                                                                 "+8562055500002"]
    assert {call["Body"] for call in fake_twilio.sent()} == {KM, LO}
    assert [message["chat_id"] for message in fake_telegram.sent()] == ["7001"]
