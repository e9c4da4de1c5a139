"""Interface text: every key in every language, same placeholders, SMS menus that fit."""

from __future__ import annotations

import re
import unicodedata

import pytest

from bot.catalog import Catalog, placeholders
from bot.choices import COUNTRIES, SECTORS, TOPIC_GROUPS, numbered
from bot.flows import profile
from bot.flows.common import menu_reply
from bot.flows.onboarding import CONSENT, COUNTRY_CHOICES
from bot.flows.settings import SCRIPT, language_reply, topics_reply
from bot.render import Renderer
from bot.replies import Reply
from content.channels import kind
from content.languages import LANGUAGE_CODES

SMS = kind("sms")
TELEGRAM = kind("telegram")

CATALOG = Catalog.load()
EN = CATALOG.texts["en"]
QUESTIONS = {
    "menu": menu_reply(),
    "language": language_reply(),
    "consent": Reply("consent.ask", choices=CONSENT),
    "country": Reply("country.ask", choices=COUNTRY_CHOICES),
    "name": profile.name_question(),
    "enterprise": profile.enterprise_question(),
    "sector": Reply("sector.ask", choices=numbered(SECTORS, "sector")),
    "topics": topics_reply(),
    "help": Reply("help"),
}


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_every_key_in_every_language_with_the_same_placeholders(lang):
    texts = CATALOG.texts[lang]
    assert set(texts) == set(EN), set(EN) ^ set(texts)
    for key, text in texts.items():
        assert placeholders(text) == placeholders(EN[key]), (lang, key)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("name", QUESTIONS)
def test_every_question_fits_two_sms_segments_unpaged(lang, name):
    rendering = Renderer(CATALOG, SMS, lang, budget=2).render([QUESTIONS[name]])
    assert rendering.pending == [], f"{name} in {lang} needs MORE"
    assert len(rendering.messages) == 1 and rendering.messages[0].segments <= 2


# An English text telling the member to reply with, send or type a number ("Reply 1-9",
# "e.g. 1 3", "send 0"). Telegram shows options as buttons without numbers, so such a
# text needs a Telegram variant; translations are checked through the English key, as
# no pattern reads "reply with a number" in nine languages.
NUMBER_INSTRUCTION = re.compile(r"\b(reply|send|type)\b[^.?!:]*?(\b\d|\bnumbers?\b)|e\.g\. \d",
                                re.IGNORECASE)
# Texts only SMS ever shows: the script question is asked on SMS only (Telegram shows
# every script; tests/bot/test_phones.py checks it is never asked there).
SMS_ONLY = frozenset({"script.fallback"})
NUMBER_KEYS = sorted(key for key, text in EN.items()
                     if not key.endswith((".sms", ".telegram")) and key not in SMS_ONLY
                     and NUMBER_INSTRUCTION.search(text))


def test_the_texts_asking_for_a_number_are_found():
    assert {"language.ask", "topics.ask", "menu.title", "settings.title",
            "settings.offer_ask", "out_of_range", "help", "tried.which",
            "visit.which"} <= set(NUMBER_KEYS)
    assert "members.expert_made" not in NUMBER_KEYS  # "a code like A57" is no number


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_telegram_never_asks_for_a_number(lang):
    for key in NUMBER_KEYS:
        template, own = CATALOG.template(lang, key, TELEGRAM.channel)
        assert own, f"{lang} {key}: no Telegram variant, so Telegram would show {template!r}"
        assert not any(unicodedata.category(ch) == "Nd" for ch in template), (lang, key)
        assert not placeholders(template) & {"low", "high"}, (lang, key)
        if lang == "en":
            assert not NUMBER_INSTRUCTION.search(template), (key, template)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_onboarding_answers_with_the_next_question_fit_two_sms_segments(lang):
    letter = {"km": "ក", "lo": "ກ", "my": "က", "th": "ก", "vi": "ệ"}.get(lang, "x")
    for replies in ([profile.INVALID, profile.name_question()],
                    [profile.thanks(letter * 120), profile.enterprise_question()],
                    [Reply("out_of_range", {"low": 1, "high": 2}),
                     Reply("script.ask", choices=SCRIPT), Reply("script.fallback", lang="en")]):
        rendering = Renderer(CATALOG, SMS, lang, budget=2).render(replies)
        assert rendering.pending == [] and len(rendering.messages) == 1, (lang, replies)
        assert rendering.messages[0].segments <= 2


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_telegram_markup_is_valid_html(lang):
    for key in CATALOG.texts[lang]:
        if key == "page.more":  # "MORE>" ends SMS pages; Telegram is never paged
            continue
        template, _ = CATALOG.template(lang, key, TELEGRAM.channel)
        shown = template.format(**{name: "x" for name in placeholders(template)})
        bare = re.sub(r"</?b>", "", shown)
        assert "<" not in bare and ">" not in bare, (lang, key)


def test_drafts_are_marked_unreviewed_and_english_is_reviewed():
    status = CATALOG.review_status()
    assert status["en"] == (len(EN), 0)
    for lang in LANGUAGE_CODES:
        total, unreviewed = status[lang]
        assert total == len(EN) and 0 <= unreviewed <= total


def test_a_missing_key_falls_back_to_english():
    catalog = Catalog(texts={"en": {"k": "English {x}"}, "km": {}})
    assert catalog.text("km", "k", x=1) == "English 1"
    with pytest.raises(KeyError):
        catalog.text("km", "absent")


def test_topic_groups_and_countries_have_labels():
    for name, _topics in TOPIC_GROUPS:
        assert f"topic.{name}" in EN
    for code in COUNTRIES:
        assert f"country.{code}" in EN
