"""The simulator in a real browser: the project's "done when" walk-through, and the
simulator behind the console's login where a real provider is configured.

The app runs under uvicorn in a background thread (with the outbox dispatcher on);
Playwright's sync API drives Debian's chromium from the test thread. A JavaScript
error, a dialog or a breach of the Content-Security-Policy fails a test
(tests/support/browser.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from peerlearn.app import create_app
from tests.support.browser import chromium_page, needs_chromium
from tests.support.console import PASSWORD, PEOPLE, make_world
from tests.support.server import serving

KHMER = re.compile(r"[\u1780-\u17ff]")

pytestmark = needs_chromium


@pytest.fixture
def base_url(settings, services) -> Iterator[str]:
    """The app served on a free local port, dispatcher running; stopped afterwards."""
    live = settings.model_copy(update={"run_dispatcher": True})
    services.settings = live
    with serving(create_app(live, services)) as url:
        yield url


@pytest.fixture
def page(base_url) -> Iterator:
    with chromium_page(base_url, width=900, height=1000) as page:
        yield page


READ_OUT = """() => [...document.querySelectorAll('#chat .msg.out')].map(el => ({
  text: (el.querySelector('.text') || el.firstChild).textContent,
  bold: [...el.querySelectorAll('.text b')].map(b => b.textContent),
  meta: el.querySelector('.meta') ? el.querySelector('.meta').textContent : null,
  buttons: [...el.querySelectorAll('.buttons button')].map(b => b.textContent),
}))"""


def out_bubbles(page) -> list[dict]:
    return page.evaluate(READ_OUT)


def await_replies(page, before: int, said: str) -> list[dict]:
    """Waits until the bot's replies to one message are shown; returns them."""
    try:
        page.wait_for_function("n => document.querySelectorAll('#chat .msg.out').length > n",
                               arg=before)
    except Exception as exc:  # a timeout: say what the page showed instead
        raise AssertionError(f"no reply to {said!r}; error line: "
                             f"{page.locator('#error').text_content()!r}") from exc
    assert page.locator("#error").text_content() == "", f"after {said!r}"
    return out_bubbles(page)[before:]


def type_message(page, text: str) -> list[dict]:
    """Types a message into the compose box, sends it, returns the replies shown."""
    before = len(out_bubbles(page))
    page.fill("#text", text)
    page.press("#text", "Enter")
    replies = await_replies(page, before, text)
    assert page.input_value("#text") == ""
    return replies


def click_button(page, label: str) -> list[dict]:
    """Clicks a rendered reply button by its exact text; returns the replies shown."""
    before = len(out_bubbles(page))
    exact = re.compile(f"^{re.escape(label)}$")
    page.locator("#chat .msg.out .buttons button", has_text=exact).last.click()
    replies = await_replies(page, before, label)
    assert page.locator("#chat .msg.in").last.text_content() != ""
    return replies


def tick(page, label: str) -> None:
    """Taps a topic: the same message's button shows a tick, and no new message comes."""
    before = len(out_bubbles(page))
    buttons = page.locator("#chat .msg.out .buttons button")
    buttons.filter(has_text=re.compile(f"^{re.escape(label)}$")).last.click()
    buttons.filter(has_text=re.compile(f"^✓ {re.escape(label)}$")).last.wait_for()
    assert len(out_bubbles(page)) == before


def joined(replies: list[dict]) -> str:
    return "\n".join(r["text"] for r in replies)


def open_simulator(page) -> None:
    with page.expect_response(lambda r: "/simulator/api/messages?" in r.url) as loaded:
        page.goto("/")
    assert loaded.value.ok
    assert page.url.endswith("/simulator")
    assert page.title() == "peerlearn simulator"


def test_sms_then_telegram_walkthrough(page, tmp_path):
    open_simulator(page)
    assert page.input_value("#channel") == "sms"
    page.fill("#address", "+85512345678")

    # SMS: welcome, then the language list with segment counts.
    replies = type_message(page, "hi")
    assert "Welcome to peerlearn" in joined(replies)
    assert "Khmer ខ្មែរ" in joined(replies)
    assert all(re.search(r"^SMS · \d segments? · (GSM-7|UCS-2) · ", r["meta"])
               for r in replies), replies
    assert all("segment" in r["meta"] for r in replies)
    assert all(r["buttons"] == [] for r in replies)

    # Khmer, agree, skip the name and the enterprise, a sector, a topic, then a story.
    for said in ("2", "1", "1", "1", "1", "1"):
        replies = type_message(page, said)
        assert KHMER.search(joined(replies)), (said, replies)
    story = type_message(page, "1")
    assert story and all(KHMER.search(r["text"]) for r in story), story
    for reply in story:
        assert re.search(r"SMS · [12] segments? · UCS-2 · ", reply["meta"]), reply
    more = type_message(page, "MORE")
    assert more and KHMER.search(joined(more)), more
    assert joined(more) != joined(story)
    assert all(re.search(r"· [12] segments? · UCS-2 · ", r["meta"]) for r in more), more

    # The running dispatcher delivers every reply, and the page shows it without a
    # reload; reloaded, the transcript is the same.
    shown = out_bubbles(page)
    page.wait_for_function(
        "n => { const m = [...document.querySelectorAll('#chat .msg.out .meta')];"
        " return m.length == n && m.every(e => e.textContent.endsWith('· delivered')); }",
        arg=len(shown))
    assert len(page.locator("#chat .msg.in").all_text_contents()) == 9  # none doubled
    with page.expect_response(lambda r: "/simulator/api/messages?" in r.url):
        page.click("#load")
    page.wait_for_function("n => document.querySelectorAll('#chat .msg.out').length == n",
                           arg=len(shown))
    reloaded = out_bubbles(page)
    assert all(r["meta"].endswith("· delivered") for r in reloaded), reloaded
    assert [r["text"] for r in reloaded] == [r["text"] for r in shown]
    assert page.locator("#chat .msg.in").all_text_contents() == [
        "hi", "2", "1", "1", "1", "1", "1", "1", "MORE"]
    sms_shot = tmp_path / "simulator-sms.png"
    page.screenshot(path=str(sms_shot), full_page=True)

    # Telegram: switching the channel loads that user's (empty) conversation.
    with page.expect_response(lambda r: "/simulator/api/messages?" in r.url):
        page.select_option("#channel", "telegram")
    assert page.text_content("#address-label") == "Telegram user id"
    assert page.input_value("#address") == "100001"
    assert page.locator("#chat .msg").count() == 0
    page.fill("#address", "100001")

    replies = type_message(page, "hi")
    labels = [b for r in replies for b in r["buttons"]]
    assert "English" in labels and "Khmer ខ្មែរ" in labels, labels
    assert all(r["meta"].startswith("telegram · ") and "segment" not in r["meta"]
               for r in replies), replies
    assert "Choose your language:" in joined(replies)  # buttons: no numbers to type

    replies = click_button(page, "English")
    assert page.locator("#chat .msg.in").last.text_content() == "1"
    assert "Language: English." in joined(replies)
    assert "I agree" in [b for r in replies for b in r["buttons"]]
    for label in ("I agree", "Cambodia", "Skip", "Skip", "Farming"):
        replies = click_button(page, label)
        assert not KHMER.search(joined(replies)), (label, replies)
    tick(page, "Farming & seeds")  # topics: ticked in place, then Done
    tick(page, "Working together")
    replies = click_button(page, "Done")
    assert "A story" in [b for r in replies for b in r["buttons"]], replies
    story = click_button(page, "A story")
    assert story and story[0]["text"].strip(), story
    assert not KHMER.search(joined(story))
    # Telegram HTML is shown formatted, as Telegram would: a bold title, no raw tags.
    assert "<b>" not in joined(story) and "&amp;" not in joined(story), story
    assert story[0]["bold"] and story[0]["text"].startswith(story[0]["bold"][0]), story
    assert all(r["meta"].startswith("telegram · ") for r in story)
    # Only Telegram's tags are kept. (On a page of its own: merely parsing an event
    # handler makes Chromium report the CSP that would block it, which fails `page`.)
    probe, seen = page.context.new_page(), []
    probe.on("dialog", lambda dialog: (seen.append(dialog.message), dialog.dismiss()))
    probe.goto("/simulator")
    unsafe = "<img src=x onerror=alert(1)><b>bold</b> &amp; <a href='x'>link</a>"
    shown_html = probe.evaluate("""html => { const span = document.createElement('span');
        telegramHtml(span, html); document.body.appendChild(span); return span.innerHTML; }""",
                                unsafe)
    assert shown_html == "<b>bold</b> &amp; link" and seen == []
    probe.close()

    shot = tmp_path / "simulator-telegram.png"
    page.screenshot(path=str(shot), full_page=True)
    for path in (sms_shot, shot):
        assert path.exists() and path.stat().st_size > 10_000, path


def test_behind_the_console_login_under_the_csp(settings, services, tmp_path):
    """With a Telegram token set, /simulator asks for the console's login first; then
    the simulator and a console page work under the Content-Security-Policy."""
    make_world(services.db)
    live = settings.model_copy(update={"telegram_bot_token": "123456:not-a-real-token"})
    services.settings = live  # the senders stay the simulator's: nothing leaves
    with serving(create_app(live, services)) as url, \
            chromium_page(url, width=900, height=1000) as page:
        page.goto("/simulator")
        page.wait_for_url("**/admin/login?next=/simulator")
        page.fill("input[name=email]", PEOPLE["moderator"][0])
        page.fill("input[name=password]", PASSWORD)
        with page.expect_response(lambda r: "/simulator/api/messages?" in r.url) as loaded:
            page.click("button[type=submit]")
        assert loaded.value.ok and page.url.endswith("/simulator")
        assert "Welcome to peerlearn" in joined(type_message(page, "hi"))
        page.screenshot(path=str(tmp_path / "simulator-after-login.png"), full_page=True)
        page.goto("/admin")
        page.wait_for_selector("nav.side")
        page.screenshot(path=str(tmp_path / "console-overview.png"), full_page=True)
    for name in ("simulator-after-login.png", "console-overview.png"):
        assert (tmp_path / name).stat().st_size > 10_000, name
