"""SETTINGS: language, topics wanted and offered, the weekly story, peer introductions
and the name and enterprise peers see (tests/bot/test_profile.py), from the menu (6) or
the SETTINGS command."""

from __future__ import annotations

import pytest

from bot.catalog import Catalog
from bot.choices import TOPIC_GROUPS
from bot.flows import profile
from bot.flows.settings import menu_reply, offered_reply
from bot.render import Renderer
from bot.replies import Reply
from content.channels import kind
from content.languages import LANGUAGE_CODES
from content.models import Member
from tests.bot.test_dialogs import CHANNELS, LANG_CHOICES, MENU, onboard
from tests.support.chat import Chat, Expect, run_table

SMS = kind("sms")

CATALOG = Catalog.load()
SETTINGS = ("1", "2", "3", "4", "5", "6", "0")


def shown(replies) -> str:
    """Texts and button labels together, as the member sees them."""
    return "\n".join([r.text for r in replies]
                     + [b["text"] for r in replies for row in r.buttons for b in row])


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_settings_menu_shows_and_switches(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    first = chat.say("6")
    chat.check(first, Expect(keys=("settings.title",), choices=SETTINGS), "6")
    assert "Weekly story: off" in shown(first) and "Peer introductions: off" in shown(first)
    run_table(chat, [("4", Expect(keys=("subscriptions.on", "menu.title")))])
    member = chat.member()
    assert member.story_subscribed and member.consent_stories
    run_table(chat, [("6", Expect(keys=("settings.title",))),
                     ("5", Expect(keys=("settings.peers_on_done", "menu.title")))])
    assert chat.member().consent_matching
    again = chat.say("SETTINGS")
    assert "Weekly story: on" in shown(again) and "Peer introductions: on" in shown(again)
    run_table(chat, [("4", Expect(keys=("subscriptions.off",))),
                     ("6", Expect(keys=("settings.title",))),
                     ("5", Expect(keys=("settings.peers_off_done",)))])
    member = chat.member()
    assert not member.story_subscribed and not member.consent_matching


@pytest.mark.parametrize("channel", CHANNELS)
def test_language_and_topics_from_the_settings_menu(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [
        ("SETTINGS", Expect(keys=("settings.title",), choices=SETTINGS)),
        ("1", Expect(keys=("language.ask",), choices=LANG_CHOICES)),
        ("6", Expect(keys=("language.set", "menu.title"))),  # Indonesian
        ("6", Expect(keys=("settings.title",))),
        ("2", Expect(keys=("topics.ask",), choices=("1", "8"))),
        ("4", Expect(keys=("topics.saved", "menu.title"))),
    ])
    member = chat.member()
    assert member.language == "id" and member.topics_wanted == list(TOPIC_GROUPS[3][1])


@pytest.mark.parametrize("channel", CHANNELS)
def test_topics_i_can_help_with(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [
        ("6", Expect(keys=("settings.title",))),
        ("3", Expect(keys=("settings.offer_ask",), choices=("1", "8"))),
        ("1 9", Expect(out_of_range=(1, 8), keys=("settings.offer_ask",))),
        ("1 4", Expect(keys=("settings.offer_saved", "menu.title"))),
    ])
    assert chat.member().topics_offered == [*TOPIC_GROUPS[0][1], *TOPIC_GROUPS[3][1]]
    assert chat.member().topics_wanted == list(TOPIC_GROUPS[0][1])  # untouched
    run_table(chat, [("SETTINGS", Expect(keys=("settings.title",))), ("3", Expect()),
                     ("8", Expect(keys=("settings.offer_saved",)))])
    everything = [t for _, topics in TOPIC_GROUPS for t in topics]
    assert chat.member().topics_offered == everything  # "Everything" offers every topic


@pytest.mark.parametrize("channel", CHANNELS)
def test_wrong_answers_show_the_settings_again_and_0_leaves(services, channel):
    chat = Chat(services, channel)
    onboard(chat)
    run_table(chat, [
        ("6", Expect(keys=("settings.title",))),
        ("7", Expect(keys=("settings.title",), out_of_range=(1, 6), choices=SETTINGS)),
        ("xyz", Expect(keys=("not_understood", "settings.title"))),
        ("0", MENU),
        ("TOPICS", Expect(keys=("topics.ask",))),  # the old commands still go straight there
        ("2", Expect(keys=("topics.saved",))),
        ("LANG", Expect(keys=("language.ask",))),
        ("1", Expect(keys=("language.set",))),
    ])


@pytest.mark.parametrize("channel", CHANNELS)
def test_settings_in_khmer(services, channel):
    chat = Chat(services, channel, "+85512345678" if channel == "sms" else "100002")
    onboard(chat, language="2")
    run_table(chat, [
        ("ការកំណត់", Expect(keys=("settings.title",), choices=SETTINGS)),
        ("៤", Expect(keys=("subscriptions.on",))),
        ("៦", Expect(keys=("settings.title",))),
    ])
    assert chat.member().story_subscribed


# A letter of each language's script, for the longest names members of that language type.
LETTER = {"km": "ក", "lo": "ກ", "my": "က", "th": "ก", "vi": "ệ"}


def _member(lang: str, **values) -> Member:
    """A member of that language whose name and enterprise are as long as they may be,
    in the language's script."""
    letter = LETTER.get(lang, "x")
    return Member(language=lang, name=letter * 120, enterprise=letter * 200, country="KH",
                  sector="food-processing", **values)


QUESTIONS = {
    "menu off": lambda lang: [menu_reply(Member())],
    "menu on": lambda lang: [menu_reply(Member(story_subscribed=True, consent_matching=True))],
    "offered": lambda lang: [offered_reply()],
    "peers on": lambda lang: [Reply("settings.peers_on_done")],
    "peers off": lambda lang: [Reply("settings.peers_off_done")],
    "saved": lambda lang: [Reply("settings.offer_saved")],
    "name": lambda lang: [profile.INVALID, profile.name_reply(_member(lang))],
    "no name": lambda lang: [profile.INVALID, profile.name_reply(Member())],
    "enterprise": lambda lang: [profile.INVALID, profile.enterprise_reply(_member(lang))],
    "no enterprise": lambda lang: [profile.INVALID, profile.enterprise_reply(Member())],
    "seen by peers": lambda lang: [profile.seen_by_peers(_member(lang))],
}


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("name", QUESTIONS)
def test_every_settings_text_fits_two_sms_segments(lang, name):
    rendering = Renderer(CATALOG, SMS, lang, budget=2).render(QUESTIONS[name](lang))
    assert rendering.pending == [], f"{name} in {lang} needs MORE"
    assert len(rendering.messages) == 1 and rendering.messages[0].segments <= 2
