"""Browser scenario 4: an admin creates a moderator for one organisation, who then cannot
see another organisation's drafts or members — not in the lists, not by typing the
address of one (404, as for something that does not exist).

CEDAC works in Cambodia, PARC in the Philippines (tests/support/console.py). Each has a
member who documented a practice through SHARE (the interview's own service makes the
draft, which belongs to the member's organisation).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from sqlmodel import Session

from content.models import Member, utcnow
from services import documentation
from tests.bot.test_share import drop_member_practices
from tests.support.browser import chromium_page, log_in, needs_chromium
from tests.support.console import PEOPLE
from tests.support.server import serving
from tests.web.console.members_world import MARIA, SOKHA, person

pytestmark = needs_chromium
PASSWORD = "dry season in Svay Rieng"


@pytest.fixture(autouse=True)
def _no_drafts_after(services):
    yield
    drop_member_practices(services.db)


@pytest.fixture
def base_url(app) -> Iterator[str]:
    with serving(app) as url:
        yield url


def shared(services, who, organisation_id: int, title: str) -> tuple[int, int]:
    """A member of the organisation who documented a practice; (member id, draft id)."""
    member = person(services, who, organisation_id=organisation_id)
    with Session(services.db) as session:
        row = session.get(Member, member.id)
        draft = documentation.start_draft(session=session, member=row, now=utcnow())
        documentation.save_answer(session=session, practice=draft, member=row,
                                  question="name", text=title, now=utcnow())
        session.commit()
        return member.id, draft.id


def new_moderator(page) -> str:
    """The admin adds a CEDAC moderator through the accounts page; the set-up link."""
    page.goto("/admin/accounts")
    page.click("text=Add an account")
    page.fill("input[name=email]", "bopha@cedac.example.org")
    page.fill("input[name=name]", "Bopha")
    page.select_option("select[name=role]", "moderator")
    page.select_option("select[name=organisation]", "cedac")
    page.check("input[name=languages][value=km]")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#setup-link")
    return page.input_value("#setup-link")


def test_a_new_moderator_sees_their_organisation_only(base_url, services, world, tmp_path):
    sokha, ours = shared(services, SOKHA, world.orgs["cedac"], "ជីកំប៉ុស្តិ៍ពីស្លឹកឈើ")
    maria, theirs = shared(services, MARIA, world.orgs["parc"], "Abaca weaving circles")
    with chromium_page(base_url) as page:
        log_in(page, PEOPLE["admin"][0])
        link = new_moderator(page)
        page.goto("/admin/queues/drafts")  # the admin sees both organisations' drafts
        assert "Abaca weaving circles" in page.text_content("main")
        assert "ជីកំប៉ុស្តិ៍ពីស្លឹកឈើ" in page.text_content("main")

    with chromium_page(base_url) as page:
        page.goto(urlsplit(link).path)
        page.fill("input[name=password]", PASSWORD)
        page.fill("input[name=confirm]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin")
        assert "moderator · cedac" in page.text_content("header.top")

        page.goto("/admin/queues/drafts")
        drafts = page.text_content("main")
        assert "ជីកំប៉ុស្តិ៍ពីស្លឹកឈើ" in drafts and "Abaca" not in drafts
        page.screenshot(path=str(tmp_path / "drafts.png"), full_page=True)
        page.goto("/admin/members")
        members = page.text_content("main")
        assert SOKHA[2] in members and MARIA[2] not in members
        page.fill("input[name=q]", "Maria")
        page.press("input[name=q]", "Enter")
        page.wait_for_load_state()
        assert MARIA[2] not in page.text_content("main")

        for path in (f"/admin/members/{maria}", f"/admin/practices/{theirs}",
                     f"/admin/practices/{theirs}/edit"):
            response = page.goto(path)
            assert response.status == 404, path
            assert "Not found" in page.text_content("h1")
            assert "Abaca" not in page.text_content("main")
        for path in (f"/admin/members/{sokha}", f"/admin/practices/{ours}"):
            assert page.goto(path).status == 200, path
