"""Telegram replies longer than a message: each part within 4096 UTF-16 code units once
escaped, valid HTML on its own, cut between graphemes, and the parts joined are the text.
The parts also go through the real sender to the fake Bot API, which refuses what the
real one refuses (tests/support/telegram_markup.py)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from itertools import accumulate

import pytest
import regex

from bot.catalog import Catalog
from bot.render import Renderer
from bot.replies import Choice, Reply
from content.channels import kind
from content.models import OutboundMessage
from services.sms import utf16_units
from tests.support.telegram_markup import MAX_TEXT, plain_text
from webhooks.channels.telegram import make_bot
from webhooks.channels.telegram_send import TelegramSender

TELEGRAM = kind("telegram")
WHATSAPP = kind("whatsapp")

CATALOG = Catalog.load()
KHMER = "ប្រព័ន្ធដាំស្រូវដែលពង្រឹងឲ្យមានភាពខ្លាំង ជួយកសិករក្នុងភូមិ។ "  # coeng, vowel signs
LONG = [
    ("Khmer with combining marks", "Rice", KHMER * 120),
    ("emoji with skin tones and ZWJ", "Team", "👩🏽‍💻👨‍👩‍👧‍👦👍🏿 🇰🇭" * 400),
    ("astral letters, no space", "Math", "𝒜𝓑𝒞" * 1500),
    ("text of & < > that grows fivefold", "A&B", "<&>\"" * 1500),
    ("a bold title longer than a message", "Tom & Jerry <3 " * 400, "short text"),
    ("lines of escaped text", "Q&A", "Is 1 < 2 & 3 > 2?\n" * 600),
    ("one letter under thousands of marks", "Zalgo", "a" + "\u0301" * 5000),
]


def story(title: str, text: str) -> Reply:
    return Reply("story.snippet", {"title": title, "n": 1, "total": 1, "text": text},
                 choices=(Choice("1", "story.more"), Choice("2", "story.next")))


def boundaries(text: str) -> set[int]:
    """Where a text may be cut: between grapheme clusters (between the code points of a
    cluster too long for any message)."""
    ends = {0}
    for match in regex.finditer(r"\X", text):
        ends |= set(range(match.start(), match.end() + 1)) if len(match.group()) > 2000 \
            else {match.end()}
    return ends


@pytest.mark.parametrize("name, title, text", LONG, ids=[row[0] for row in LONG])
def test_a_long_telegram_reply_is_cut_between_graphemes_into_valid_parts(name, title, text):
    whole = Renderer(CATALOG, replace(TELEGRAM, max_text=10**6), "en").render(
        [story(title, text)]).messages
    parts = Renderer(CATALOG, TELEGRAM, "en").render([story(title, text)]).messages
    assert len(whole) == 1 and len(parts) > 1
    assert all(utf16_units(p.text) <= MAX_TEXT for p in parts)
    shown = [plain_text(p.text, "HTML") for p in parts]  # raises on broken HTML
    expected = plain_text(whole[0].text, "HTML")
    assert "".join(shown) == expected
    assert set(accumulate(len(s) for s in shown)) <= boundaries(expected)
    assert [bool(p.buttons) for p in parts] == [False] * (len(parts) - 1) + [True]


def test_a_short_reply_is_sent_as_it_was():
    reply = story("Rice & <b>beans</b>", "Dry them on racks.")
    (part,) = Renderer(CATALOG, TELEGRAM, "en").render([reply]).messages
    assert part.text == ("<b>Rice &amp; &lt;b&gt;beans&lt;/b&gt;</b> (1/1)\n\n"
                         "Dry them on racks.")


def test_a_channel_without_markup_is_cut_in_plain_text_with_its_options_last():
    text = KHMER * 60
    parts = Renderer(CATALOG, WHATSAPP, "en").render([story("Rice", text)]).messages
    assert len(parts) > 1 and all(utf16_units(p.text) <= WHATSAPP.max_text for p in parts)
    joined = "".join(p.text for p in parts)
    assert joined.startswith(text) and joined.endswith("\n1 More\n2 Another")


def test_every_part_is_accepted_by_the_bot_api_and_an_uncut_text_is_not(fake_telegram):
    long = [p for _, title, text in LONG
            for p in Renderer(CATALOG, TELEGRAM, "en").render([story(title, text)]).messages]
    uncut = Renderer(CATALOG, replace(TELEGRAM, max_text=10**6), "en").render(
        [story("A&B", "<&>" * 1500)]).messages

    async def send(parts) -> list[str]:
        sender = TelegramSender(make_bot(fake_telegram.token, fake_telegram.base_url))
        outcomes = []
        for part in parts:
            row = OutboundMessage(provider="telegram", channel="telegram",
                                  address="5512345678", text=part.text, buttons=part.buttons)
            try:
                outcomes.append((await sender.send(row)).status)
            except Exception as exc:  # Rejected: what the Bot API answered
                outcomes.append(str(exc))
        await sender.close()
        return outcomes

    assert asyncio.run(send(long)) == ["sent"] * len(long)
    assert asyncio.run(send(uncut)) == ["Message is too long"]  # as PTB words it
    cut_in_an_entity = [replace(uncut[0], text=uncut[0].text[:MAX_TEXT])]
    assert asyncio.run(send(cut_in_an_entity))[0].startswith("Can't parse entities")
