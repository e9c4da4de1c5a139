"""Browser scenario 3: CEDAC's translator reviews a draft Lao interface text, and a Lao
member gets the new text on the next reply (through the simulator's JSON API, as a
phone would through Twilio). Screenshots of the pages go to the test's folder."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.browser import chromium_page, log_in, needs_chromium
from tests.support.console import PEOPLE
from tests.support.server import serving

pytestmark = needs_chromium
LAO_PHONE = "+8562055512345"
NEW_MENU = "ເມນູຂອງ peerlearn - ກະລຸນາຕອບເປັນເລກ:"


@pytest.fixture
def base_url(app, services) -> Iterator[str]:
    """The module's app on a free local port; its catalog as the files have it."""
    services.catalog.use([])
    with serving(app) as url:
        yield url
    services.catalog.use([])


@pytest.fixture
def phone(base_url) -> Iterator[httpx.Client]:
    """The simulator's client, keeping its sandbox cookie as a browser does."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


def say(phone: httpx.Client, text: str) -> list[str]:
    """A Lao member's SMS through the simulator's API; the replies' texts."""
    response = phone.post("/simulator/api/messages", json={
        "channel": "sms", "address": LAO_PHONE, "text": text})
    response.raise_for_status()
    return [reply["text"] for reply in response.json()["replies"]]


def test_a_translator_reviews_a_lao_draft_and_the_bot_uses_it(base_url, phone, world,
                                                              tmp_path):
    for said in ("hi", "3", "1", "1", "1", "1", "1", "1"):  # onboarding in Lao, Lao script
        assert say(phone, said), said
    old_menu = say(phone, "MENU")[0]
    assert old_menu.startswith("ເມນູ - ຕອບເປັນເລກ:")
    with chromium_page(base_url) as page:
        log_in(page, PEOPLE["translator"][0])
        page.click("nav.side >> text=Interface texts")
        page.wait_for_url("**/admin/texts")
        page.screenshot(path=str(tmp_path / "texts.png"), full_page=True)
        page.click("a[href='/admin/texts/lo?show=drafts']")
        page.wait_for_url("**/admin/texts/lo?show=drafts")
        page.fill("input[name=q]", "menu.title")
        page.click("form.filters button[type=submit]")
        row = page.locator("li[id='t-menu.title']")
        assert row.locator("p[lang=en]").text_content() == "Menu - reply with a number:"
        box = row.locator("textarea[lang=lo]")
        box.fill(NEW_MENU + " {count}")  # checked while typing: a placeholder English lacks
        row.locator(".check [role=alert]").wait_for()
        assert "Unknown placeholder {count}" in row.locator(".check").text_content()
        box.fill(NEW_MENU)
        row.locator(".check [role=alert]").wait_for(state="detached")
        assert "1 segment" in row.locator(".meter").text_content()
        page.screenshot(path=str(tmp_path / "lao-editing.png"), full_page=True)
        row.get_by_role("button", name="Save and mark reviewed").click()
        saved = page.locator("li[id='t-menu.title'] [role=status]")
        saved.wait_for()
        assert "marked reviewed" in saved.text_content()
        assert "by Translator" in page.locator("li[id='t-menu.title'] header").text_content()
        assert page.text_content("#text-counts").endswith(" drafts.")
        total, drafts = [int(w) for w in page.text_content("#text-counts").split()[::2]]
        assert drafts == total - 1  # the page's counts follow without a reload
        page.screenshot(path=str(tmp_path / "lao-saved.png"))
        for lang in ("km", "my", "lo"):  # the scripts must render (fonts-noto-core)
            page.goto(f"/admin/texts/{lang}?show=all&folder=peer")
            page.screenshot(path=str(tmp_path / f"{lang}.png"))
    assert say(phone, "MENU")[0].startswith(NEW_MENU)


def test_without_javascript_the_form_posts_and_comes_back_at_the_row(base_url, world):
    with chromium_page(base_url) as page:
        page.route("**/vendor/htmx/**", lambda route: route.abort())  # no htmx at all
        log_in(page, PEOPLE["translator"][0])
        page.goto("/admin/texts/lo?show=all&q=language.set")
        row = page.locator("li[id='t-language.set']")
        row.locator("textarea").fill("ພາສາ: ລາວ")
        row.get_by_role("button", name="Save as draft").click()
        page.wait_for_url("**/admin/texts/lo?show=all&q=language.set&ok=text_draft#t-language.set")
        assert "Saved as a draft" in page.text_content("[role=status]")
        assert page.locator("li[id='t-language.set'] textarea").input_value() == "ພາສາ: ລາວ"
