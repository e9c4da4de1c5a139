"""Members, relay reports and the audit log in a real browser, with Khmer, Lao and
Burmese members: every page loads without a JavaScript error, a dialog (the XSS
payloads in the relay stay text) or a CSP violation, and the forms work without
JavaScript. Screenshots go to tmp_path, or to $CONSOLE_SCREENSHOTS (docs/ for the
README's pictures)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from content.models import Member
from tests.support.browser import chromium_page, log_in, needs_chromium
from tests.support.console import PEOPLE
from tests.support.server import serving
from tests.web.console.members_world import DARA, SOKHA, person, relay

pytestmark = needs_chromium
SOMPHONE = ("+8562055512345", "3", "ສົມພອນ ວົງສາ", "ສະຫະກອນຕໍ່າແຜ່ນບ້ານນາ")
AUNG = ("+959123456789", "4", "အောင်အောင်", "ရွှေဘိုဆန်စက်")


@pytest.fixture
def base_url(app) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = os.environ.get("CONSOLE_SCREENSHOTS")
    return Path(folder) if folder else tmp_path


@pytest.fixture
def community(services, world):
    """Four members in CEDAC's scope (a Lao and a Burmese one assigned to CEDAC), a
    relay between two of them with a report, and messages outside it."""
    sokha, dara = person(services, SOKHA), person(services, DARA, sector="agriculture")
    somphone = person(services, SOMPHONE, organisation_id=world.orgs["cedac"])
    aung = person(services, AUNG, organisation_id=world.orgs["cedac"])
    with Session(services.db) as session:
        expert = session.get(Member, dara.id)
        expert.role, expert.topics_offered = "expert", ["farming", "seeds"]
        session.add(expert)
        session.commit()
    intro_id = relay(services, sokha, dara)
    sokha.chat.say("P12 សួស្តី ដារា! តើអ្នកដាំម្ទេសនៅកំពតយ៉ាងដូចម្តេច?")
    dara.chat.say("P12 ជំរាបសួរ សុខា។ យើងប្រើជីធម្មជាតិ និងទឹកតិចតួច។")
    sokha.chat.say("P12 <script>alert(1)</script> សូមផ្ញើលេខទូរស័ព្ទរបស់អ្នកមក")
    sokha.chat.say("P12 <img src=x onerror=alert(1)>")
    sokha.chat.say("ASK តើត្រូវសម្ងួតស្រូវប៉ុន្មានថ្ងៃ?")
    dara.chat.say("P12 REPORT គាត់សុំលេខទូរស័ព្ទខ្ញុំរហូត ហើយសរសេរមិនសមរម្យ")
    somphone.chat.say("ສະບາຍດີ ຂ້ອຍຢາກຮູ້ວິທີປູກເຂົ້າ")
    aung.chat.say("မင်္ဂလာပါ ဆန်စက်အကြောင်း မေးချင်ပါတယ်")
    return sokha, dara, somphone, aung, intro_id


def test_a_moderator_works_through_members_and_a_relay_report(base_url, community, shots):
    sokha, dara, somphone, aung, intro_id = community
    with chromium_page(base_url) as page:
        log_in(page, PEOPLE["moderator"][0])
        page.click("nav.side >> text=Members")
        page.wait_for_url("**/admin/members")
        for name in (sokha.name, dara.name, somphone.name, aung.name):
            assert page.get_by_text(name).count() >= 1, name
        assert page.locator("td span.number").first.text_content().startswith("+")
        assert sokha.phone not in page.content()
        page.screenshot(path=str(shots / "console-members.png"), full_page=True)
        page.fill("input[name=q]", "ສົມພອນ")
        page.click("form.filters button[type=submit]")
        assert page.locator("table.members tbody tr").count() == 1

        page.goto(f"/admin/members/{sokha.id}")
        assert page.locator("h1 [lang=km]").text_content() == sokha.name
        page.screenshot(path=str(shots / "console-member.png"), full_page=True)
        page.click("text=Conversation history")
        page.wait_for_url("**/history")
        assert page.locator(".msg.in").count() >= 4
        page.screenshot(path=str(shots / "console-member-history.png"), full_page=True)

        page.click("nav.side >> text=Relay reports")
        page.wait_for_url("**/queues/reports")
        page.screenshot(path=str(shots / "console-relay-reports.png"), full_page=True)
        page.click("text=Read the relay and act")
        page.wait_for_url(f"**/queues/reports/{intro_id}")
        assert page.locator(".conversation .msg").count() == 5
        assert page.get_by_text("<script>alert(1)</script>", exact=False).count() == 1
        page.screenshot(path=str(shots / "console-relay-report.png"), full_page=True)
        block = page.locator("form", has=page.locator(f"input[value='{sokha.id}']"))
        block.locator("textarea[name=reason]").fill("Kept asking for phone numbers")
        block.locator("button[type=submit]").click()
        page.wait_for_url(f"**/queues/reports/{intro_id}?ok=blocked")
        assert "The member is blocked" in page.text_content("[role=status]")
        page.click("button:has-text('Close the relay')")
        page.wait_for_url("**/queues/reports?ok=relay_closed")

        page.goto(f"/admin/members/{somphone.id}")
        page.check("input[name=topics][value=farming]")
        page.check("input[name=topics][value=seeds]")
        page.click("button:has-text('Make a resource person')")
        page.wait_for_url(f"**/admin/members/{somphone.id}?ok=expert_made")
        page.screenshot(path=str(shots / "console-member-expert.png"), full_page=True)

        page.click("nav.side >> text=Audit log")
        page.wait_for_url("**/admin/audit")
        for action in ("member.block", "relay.read", "member.history", "member.expert"):
            assert page.locator(f"td code:text-is('{action}')").count() >= 1, action
        page.screenshot(path=str(shots / "console-audit.png"), full_page=True)


def test_an_admin_sees_whole_numbers_and_the_erase_page(base_url, community, shots):
    sokha, *_ = community
    with chromium_page(base_url) as page:
        log_in(page, PEOPLE["admin"][0])
        page.goto("/admin/members")
        assert page.get_by_text(sokha.phone).count() == 1
        page.goto(f"/admin/members/{sokha.id}")
        page.click("text=Erase this member")
        page.wait_for_url("**/erase")
        page.screenshot(path=str(shots / "console-member-erase.png"), full_page=True)
        page.fill("input[name=confirm]", str(sokha.id))
        page.click("button:has-text('Erase for good')")
        page.wait_for_url(f"**/admin/members/{sokha.id}?ok=erased")
        assert sokha.name not in page.content()
