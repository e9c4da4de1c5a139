"""An admin, in a real browser, adds a partner organisation and a moderator, copies the
moderator's set-up link from the page; the moderator opens it in another browser, chooses
a password and logs in. No page may raise a JavaScript error or break the CSP.

Screenshots go to the test's tmp_path; with DOCS_SCREENSHOTS=1 the accounts page is
written to docs/console-accounts.png (the README's picture) as well.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from content.db import session_scope
from content.models import ConsoleAccount, utcnow
from tests.support.browser import chromium_page, log_in, needs_chromium
from tests.support.console import PEOPLE
from tests.support.server import serving

pytestmark = needs_chromium
DOCS = Path(__file__).resolve().parents[3] / "docs"
CHOSEN = "monsoon rice in Takeo"


@pytest.fixture
def base_url(app) -> Iterator[str]:
    with serving(app) as url:
        yield url


def with_names(db, world) -> None:
    """People's names instead of the test world's role names, one account disabled: the
    accounts page as a partner's admin would see it (for the README's picture)."""
    names = {"moderator": "Sokha Chea", "translator": "Vanna Lim", "viewer": "Dara Sok",
             "parc": "Ana Reyes", "admin": "Maly Kong"}
    with session_scope(db) as session:
        for person, name in names.items():
            session.get(ConsoleAccount, world.accounts[person]).name = name
        session.get(ConsoleAccount, world.accounts["viewer"]).disabled_at = utcnow()


def add_organisation(page) -> None:
    page.goto("/admin/organisations")
    page.click("text=Add an organisation")
    page.fill("input[name=name]", "Cambodian Farmers' Federation")
    page.fill("input[name=slug]", "fnn")
    page.fill("input[name=country]", "KH")
    page.check("input[name=languages][value=km]")
    page.check("input[name=languages][value=en]")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/admin/organisations?ok=organisation_added")
    assert "The organisation is added." in page.text_content("[role=status]")
    assert page.locator("table.organisations").get_by_text("Cambodian Farmers'").count() == 1


def add_moderator(page) -> str:
    """Adds the account; returns the set-up link as the page shows it."""
    page.goto("/admin/accounts")
    page.click("text=Add an account")
    page.fill("input[name=email]", "chanthy@fnn.example.org")
    page.fill("input[name=name]", "Chanthy")
    page.select_option("select[name=role]", "moderator")
    page.select_option("select[name=organisation]", "fnn")
    page.check("input[name=languages][value=km]")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#setup-link")
    assert "peerlearn sends no e-mail" in page.text_content("main")
    copy = page.locator("button[data-copy]")
    copy.wait_for(state="visible")  # shown by copy.js; without JavaScript the field is enough
    copy.click()
    page.wait_for_function("() => document.querySelector('button[data-copy]')"
                           ".textContent === 'Copied'")
    return page.input_value("#setup-link")


def test_an_admin_adds_a_moderator_who_sets_a_password_and_logs_in(base_url, world,
                                                                   services, tmp_path):
    with_names(services.db, world)
    with chromium_page(base_url) as page:
        log_in(page, PEOPLE["admin"][0])
        add_organisation(page)
        page.screenshot(path=str(tmp_path / "organisations.png"), full_page=True)
        link = add_moderator(page)
        page.screenshot(path=str(tmp_path / "setup-link.png"), full_page=True)
        page.goto("/admin/accounts")
        row = page.locator("table.accounts tr", has_text="chanthy@fnn.example.org")
        assert "no password yet" in row.text_content()
        page.screenshot(path=str(tmp_path / "accounts.png"), full_page=True)
        row.locator("a").click()
        page.wait_for_selector("text=a set-up link is waiting to be used")
        page.screenshot(path=str(tmp_path / "account.png"), full_page=True)
    assert link.startswith("https://peerlearn.example.org/admin/setup/su_")

    # The moderator, in another browser: the link's path on this test server.
    with chromium_page(base_url) as page:
        page.goto(urlsplit(link).path)
        assert page.text_content("h1") == "Welcome, Chanthy"
        page.fill("input[name=password]", CHOSEN)
        page.fill("input[name=confirm]", CHOSEN)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin")
        assert page.text_content("h1").startswith("Good to see you, Chanthy")
        assert "moderator · fnn" in page.text_content("header.top")
        assert page.locator("nav.side").get_by_text("Accounts").count() == 0
        page.click("text=Log out")
        page.wait_for_url("**/admin/login**")
        log_in(page, "chanthy@fnn.example.org", CHOSEN)
        page.goto(urlsplit(link).path)  # used once: it no longer works
        assert page.text_content("h1") == "This link does not work"
    if os.environ.get("DOCS_SCREENSHOTS"):
        shutil.copy(tmp_path / "accounts.png", DOCS / "console-accounts.png")
        shutil.copy(tmp_path / "organisations.png", DOCS / "console-organisations.png")
