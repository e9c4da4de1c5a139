"""Every SMS worth its price: options never travel alone, a cut-off answer continues
with "1" before it is rated, and titles are cut only where the message needs it."""

from __future__ import annotations

import pytest
import regex
from sqlmodel import Session, select

from bot.catalog import Catalog
from bot.commands import DEEP_LINK_PREFIX
from bot.flows.stories import snippet_replies
from bot.render import Renderer
from bot.replies import Reply
from bot.titles import cuts
from content.channels import kind
from content.languages import LANGUAGE_CODES
from content.models import Practice
from services import stories
from services.sms import count
from tests.bot.test_dialogs import CHANNELS, onboard
from tests.support.chat import Chat, Expect, run_table

SMS = kind("sms")

CATALOG = Catalog.load()


def _option_only(text: str, lang: str) -> bool:
    """Whether an SMS holds nothing but a story's numbered options."""
    options = {f"{value} {CATALOG.text(lang, key, 'sms')}" for value, key in
               (("1", "story.more"), ("2", "story.next"), ("0", "menu.back"))}
    return all(line in options for line in text.splitlines() if line.strip())


def _all_pieces(db, lang: str):
    with Session(db) as session:
        for practice in session.exec(select(Practice).where(Practice.status == "published")):
            for position in range(8):
                piece = stories.piece(session=session, practice_id=practice.id, lang=lang,
                                      position=position)
                if piece is None or piece.lang != lang:
                    break
                yield piece


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_no_story_sms_carries_its_options_alone(db, lang):
    """Every snippet of the pack, with and without the 'tried by' line: each SMS has
    text; when a page is held back, the first ends with the numbered continue option."""
    renderer = Renderer(CATALOG, SMS, lang, budget=2)
    tried = Reply("tried.count", {"n": 12, "m": 3})
    more = renderer.continue_line()
    checked = 0
    for piece in _all_pieces(db, lang):
        for replies in (snippet_replies(piece), snippet_replies(piece, tried)):
            rendering = renderer.render(replies)
            texts = [m.text for m in rendering.messages] + rendering.pending
            assert not any(_option_only(t, lang) for t in texts), texts
            assert all(count(t).segments <= 2 for t in texts), texts
            if rendering.pending:
                assert rendering.messages[-1].text.endswith("\n" + more), texts
                assert renderer.one_continues(rendering.messages[-1].text)
            checked += 1
    assert checked >= 24


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_vietnamese_story_page_never_sends_options_alone(services, channel):
    """Craft Link in Vietnamese: "1" goes on through pages and snippets to the end."""
    chat = Chat(services, channel, "+84912345678" if channel == "sms" else "100003")
    onboard(chat, language="5")
    if channel == "sms":
        chat.member()  # Vietnamese with accents (the default answer to "without accents?")
    replies = chat.say(f"START {DEEP_LINK_PREFIX}craft-link-fair-trade-vietnam")
    for _ in range(20):
        for reply in replies:
            assert not _option_only(reply.text, "vi"), reply.text
        if channel == "telegram":
            assert len(replies) == 1 and replies[0].buttons
        if "1" not in {line.split(" ")[0] for r in replies for line in r.text.splitlines()} \
                and not any(b["data"] == "1" for r in replies for row in r.buttons for b in row):
            break
        replies = chat.say("1")
    else:
        pytest.fail("the story did not end")
    run_table(chat, [("2", Expect(choices=("2", "0")))])  # another story


KHMER_Q = "តើ SRI ត្រូវការទឹកច្រើនជាងមុនទេ?"  # the FAQ's own question: a long answer


@pytest.mark.parametrize("channel", CHANNELS)
def test_one_continues_a_paged_answer_and_the_rating_comes_last(services, channel):
    chat = Chat(services, channel)
    onboard(chat, language="2")
    more = Renderer(CATALOG, SMS, "km").continue_line()
    rated = Expect(keys=("ask.rate",), choices=("1", "2"))
    if channel == "sms":  # the answer takes two SMS, not three; no title on SMS
        (first,) = chat.say(f"ASK {KHMER_Q}")
        assert first.text.endswith("\n" + more) and first.segments == 2, first.text
        assert chat.text_of("ask.rate") not in first.text
        run_table(chat, [("1", rated), ("1", Expect(keys=("ask.thanks",)))])
    else:
        run_table(chat, [(f"ASK {KHMER_Q}", rated), ("1", Expect(keys=("ask.thanks",)))])


def test_more_also_continues_and_another_word_leaves_the_pages(services):
    chat = Chat(services, "sms")
    onboard(chat, language="2")
    chat.say(f"ASK {KHMER_Q}")
    run_table(chat, [("MORE", Expect(keys=("ask.rate",))), ("2", Expect(keys=("ask.sorry",)))])


KHMER_22 = "ធនាគារគ្រាប់ពូជសហគមន៍ MASIPAG"


@pytest.mark.parametrize("key", ["share.published", "tried.outcome", "visit.thanks"])
def test_a_title_that_fits_is_never_cut(key):
    choices = ()
    rendering = Renderer(CATALOG, SMS, "km").render(
        [Reply(key, {"title": KHMER_22, "n": 3}, choices, fit="title")])
    assert KHMER_22 in rendering.messages[0].text


def test_a_title_too_long_is_cut_at_a_word_and_fits():
    long = "ហិរញ្ញប្បទានខ្សែសង្វាក់តម្លៃ សម្រាប់កសិករខ្នាតតូច និងសហគ្រាសកសិកម្ម " * 3
    rendering = Renderer(CATALOG, SMS, "km").render(
        [Reply("share.published", {"title": long.strip()}, fit="title")])
    (message,) = rendering.messages
    assert message.segments <= 2 and rendering.pending == []
    shown = next(form for form in cuts(long) if form.replace("…", "...") in message.text)
    assert shown.endswith("…") and long.startswith(shown[:-1])


def test_cuts_keep_khmer_clusters_and_drop_small_words():
    assert cuts("System of Rice Intensification with CEDAC in Cambodia")[:3] == [
        "System of Rice Intensification with CEDAC in Cambodia",
        "System of Rice Intensification with CEDAC…", "System of Rice Intensification…"]
    assert cuts("ASKI: scaling up microfinance")[1] == "ASKI"
    word = "ហិរញ្ញប្បទានខ្សែសង្វាក់តម្លៃ"
    clusters = regex.findall(r"\X", word)
    for form in cuts(word)[1:]:  # whole clusters only: no vowel sign or coeng cut off
        kept = regex.findall(r"\X", form.removesuffix("…"))
        assert kept == clusters[:len(kept)], form


@pytest.mark.parametrize("channel", CHANNELS)
def test_tried_lists_the_khmer_title_whole_when_there_is_room(services, channel):
    chat = Chat(services, channel)
    onboard(chat, language="2")
    chat.say(f"START {DEEP_LINK_PREFIX}masipag-seed-network-ph")
    with Session(services.db) as session:
        practice = session.exec(select(Practice).where(
            Practice.slug == "masipag-seed-network-ph")).one()
        title = stories.titles(session=session, practice_ids=[practice.id],
                               langs=["km", "en"])[practice.id]
    if channel == "sms":
        run_table(chat, [("TRIED", Expect(contains=(f"1 {title}",)))])
    else:
        run_table(chat, [("TRIED", Expect(choices=("1",)))])
    (asked,) = chat.say("1")
    shown = [form for form in cuts(title) if form.replace("…", "...") in asked.text]
    assert shown, asked.text  # the title, or as much of it as fits beside five outcomes
    if channel == "telegram":
        assert shown[0] == title


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_help_lists_what_a_member_can_do_within_two_segments(lang):
    sms = Renderer(CATALOG, SMS, lang).render([Reply("help")]).messages
    assert len(sms) == 1 and sms[0].segments <= 2, sms[0].text
    telegram = CATALOG.text(lang, "help", "telegram")
    for word in ("STORY", "ASK", "PEER", "SHARE", "TRIED", "SETTINGS", "MENU", "STOP", "START"):
        assert word in sms[0].text and f"/{word.lower()}" in telegram, (lang, word)


@pytest.mark.parametrize("channel", CHANNELS)
def test_help_names_the_commands_and_they_work(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    word = "SHARE" if channel == "sms" else "/share"
    run_table(chat, [("HELP", Expect(keys=("help", "menu.title"), contains=(word,))),
                     (word, Expect(keys=("share.intro",)))])
