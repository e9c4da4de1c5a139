"""The first name and the enterprise's name: asked in onboarding (each skippable), shown
to peers on cards and requests, changed from SETTINGS (6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from bot.flows.profile import ENTERPRISE_MAX, NAME_MAX, clean
from content.models import ConversationState, utcnow
from tests.bot.test_dialogs import CHANNELS, MENU, onboard
from tests.bot.test_peer import ASKER, OTHER, PEERS, texts, update
from tests.support.chat import Chat, Expect, run_table

SKIP = ("1",)
NAME = Expect(keys=("profile.name_ask",), choices=SKIP)
ENTERPRISE = Expect(keys=("profile.enterprise_ask",), choices=SKIP)
SECTOR = Expect(keys=("sector.ask",))
AGAIN_NAME = Expect(keys=("profile.invalid", "profile.name_ask"), choices=SKIP)
AGAIN_ENTERPRISE = Expect(keys=("profile.invalid", "profile.enterprise_ask"), choices=SKIP)
KHMER_CLUSTERS = "ស្រូវ"  # a consonant, a subscript and a vowel sign: 5 code points


CLEANED = [
    ("spaces tidied", "  Sok \n\t Chea  ", 120, "Sok Chea"),
    ("typed as typed", "maría DE la Cruz", 120, "maría DE la Cruz"),
    ("digits with letters", "4H Club 2", 120, "4H Club 2"),
    ("apostrophe", "Ma'an O'Neil", 120, "Ma'an O'Neil"),
    ("khmer", "សុខា ចាន់", 120, "សុខា ចាន់"),
    ("burmese", "အောင် ကျော်", 120, "အောင် ကျော်"),
    ("cut to the limit", "x" * 300, 200, "x" * 200),
    ("cut before a space is trimmed", "ab cd", 3, "ab"),
    ("vowel signs stay with their letter", "ក" * 3 + KHMER_CLUSTERS, 5, "ក" * 3),
    ("emoji only", "🙏🌾", 120, None),
    ("digits only", "12345", 120, None),
    ("local digits only", "១២៣", 120, None),
    ("punctuation only", "...!?", 120, None),
    ("empty", "", 120, None),
    ("blank", " \n\t ", 120, None),
]


@pytest.mark.parametrize("label,typed,limit,kept", CLEANED, ids=[c[0] for c in CLEANED])
def test_what_a_member_types_is_kept_tidied_or_refused(label, typed, limit, kept):
    assert clean(typed, limit) == kept


def test_the_limits_are_the_columns():
    assert (NAME_MAX, ENTERPRISE_MAX) == (120, 200)


def _to_name_question(chat: Chat) -> None:
    """Language (English), consent and, on Telegram, the country."""
    for said in ["hi", "1", "1"] + (["1"] if chat.channel == "telegram" else []):
        chat.say(said)


ONBOARDING_ANSWERS = [
    ("🙏", AGAIN_NAME),
    ("12345", AGAIN_NAME),
    ("2", AGAIN_NAME),
    ("STORY", NAME),  # a command word alone asks again, as everywhere in onboarding
    ("HELP", Expect(keys=("help", "profile.name_ask"), choices=SKIP)),
    ("0", NAME),
    ("Dara", Expect(keys=("profile.enterprise_ask",), contains=("Thank you, Dara.",))),
    ("", AGAIN_ENTERPRISE),
    ("Kasama Story Farm", SECTOR),  # starts with a command word: still their words
]


@pytest.mark.parametrize("channel", CHANNELS)
def test_onboarding_refuses_what_is_no_name_and_keeps_command_words_in_one(services,
                                                                          channel):
    chat = Chat(services, channel)
    _to_name_question(chat)
    run_table(chat, ONBOARDING_ANSWERS)
    member = chat.member()
    assert (member.name, member.enterprise) == ("Dara", "Kasama Story Farm")


@pytest.mark.parametrize("channel", CHANNELS)
def test_skip_typed_out_skips_and_a_long_name_is_cut(services, channel):
    chat = Chat(services, channel)
    _to_name_question(chat)
    run_table(chat, [("Skip", ENTERPRISE), ("Co-op " * 50, SECTOR)])
    member = chat.member()
    assert member.name is None
    assert len(member.enterprise) <= ENTERPRISE_MAX and member.enterprise.startswith("Co-op")


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_khmer_member_names_themselves_in_khmer(services, channel):
    chat = Chat(services, channel, ASKER[channel])
    for said in ["hi", "2"] + (["1"] if channel == "sms" else []) + ["1"] \
            + (["1"] if channel == "telegram" else []):
        chat.say(said)
    run_table(chat, [("សុខា ចាន់", Expect(keys=("profile.enterprise_ask",),
                                          contains=("សុខា",))),
                     ("សហគមន៍ស្រូវតាកែវ", SECTOR)])
    member = chat.member()
    assert (member.name, member.enterprise) == ("សុខា ចាន់", "សហគមន៍ស្រូវតាកែវ")


@pytest.mark.parametrize("channel", CHANNELS)
def test_onboarding_that_expired_asks_the_enterprise_after_a_name(services, channel):
    chat = Chat(services, channel)
    _to_name_question(chat)
    chat.say("Dara")
    with Session(services.db) as session:
        state = session.get(ConversationState, chat.member().id)
        state.expires_at = utcnow() - timedelta(minutes=1)
        session.add(state)
        session.commit()
    run_table(chat, [("hello", Expect(keys=("welcome", "profile.enterprise_ask"))),
                     ("1", SECTOR)])


def _name_now(name: str) -> Expect:
    return Expect(contains=(f"Your first name: {name}.",), choices=("1", "2"))


@pytest.mark.parametrize("channel", CHANNELS)
def test_settings_show_change_keep_and_remove_them(services, channel):
    chat = Chat(services, channel)
    onboard(chat, name="Sok Chea", enterprise="Takeo Rice Co-op")
    run_table(chat, [
        ("SETTINGS", Expect(keys=("settings.title",), choices=("6",))),
        ("6", _name_now("Sok Chea")),
        ("🌾", Expect(keys=("profile.invalid",), contains=("Your first name: Sok Chea.",))),
        ("  Chea   Sok ", Expect(contains=("Your enterprise: Takeo Rice Co-op.",),
                                 choices=("1", "2"))),
        ("1", Expect(keys=("menu.title",), contains=(
            "Peers we introduce you to see: Chea (Cambodia, Takeo Rice Co-op, Farming)",))),
        ("6", Expect(keys=("settings.title",))),
        ("6", _name_now("Chea Sok")),
        ("2", Expect(contains=("Your enterprise: Takeo Rice Co-op.",))),
        ("Remove it", Expect(contains=("see: A peer (Cambodia, Farming)",),
                             keys=("menu.title",))),
    ])
    member = chat.member()
    assert (member.name, member.enterprise) == (None, None)
    run_table(chat, [
        ("SETTINGS", Expect(keys=("settings.title",))),
        ("6", Expect(keys=("profile.name_none",), choices=SKIP)),
        ("1", Expect(keys=("profile.enterprise_none",), choices=SKIP)),
        ("Peace Weavers", Expect(contains=("see: A peer (Cambodia, Peace Weavers, Farming)",))),
        ("SETTINGS", Expect(keys=("settings.title",))),
        ("6", Expect(keys=("profile.name_none",))),
        ("0", MENU),  # the way back works in the middle too
    ])
    assert chat.member().enterprise == "Peace Weavers"


@pytest.mark.parametrize("channel", CHANNELS)
def test_peers_see_the_name_and_enterprise_given_in_onboarding(services, channel):
    asker = Chat(services, channel, ASKER[channel])
    onboard(asker, name="Sok Chea", enterprise="Takeo Rice Co-op")
    other = OTHER[channel]
    siti, jose = (Chat(services, other, address) for address in PEERS[other])
    onboard(siti, name="Siti Aminah", enterprise="Koperasi Maju")
    onboard(jose)  # skipped both
    for chat, country, topics in ((siti, "MY", ["farming"]), (jose, "PH", ["seeds"])):
        update(services, chat, country=country, topics_offered=topics, languages=["en"],
               consent_matching=True, role="expert" if chat is siti else "member")
    update(services, asker, consent_matching=True)
    run_table(asker, [
        ("PEER 1", Expect(contains=("Siti (Malaysia, Koperasi Maju, Farming)",))),
        ("2", Expect(contains=("A peer (Philippines, Farming)",), choices=("1", "2", "0"))),
        ("1", Expect(contains=("We asked your peer.",))),
    ])
    request = texts(jose.received())
    assert "Sok (Cambodia, Takeo Rice Co-op, Farming) would like to learn" in request


def test_a_name_with_markup_is_kept_as_typed_and_escaped_on_telegram(services):
    chat = Chat(services, "telegram")
    _to_name_question(chat)
    (thanks, *_) = chat.say("<b>Sok</b> & co")
    assert "Thank you, &lt;b&gt;Sok&lt;/b&gt;." in thanks.text
    assert chat.member().name == "<b>Sok</b> & co"
