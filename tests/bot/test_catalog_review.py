"""Checking an interface text before it is saved: the precise message for each problem,
the SMS cost, Zawgyi stored as Unicode, who may edit which language."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot import catalog_review
from bot.catalog import Catalog
from bot.catalog_review import Refused, check, may_edit, meter
from content.db import session_scope
from content.models import utcnow
from services import catalog_texts
from services.access import Principal
from services.language import is_zawgyi, to_zawgyi

CATALOG = Catalog.load()
ASK_SENT = "ຄຳຖາມຂອງທ່ານຖືກສົ່ງໄປຫາ {n} ຄົນ."


def person(role: str, *languages: str) -> Principal:
    return Principal(7, f"{role}@example.org", role.title(), role, languages=languages)


@pytest.mark.parametrize(("text", "message"), [
    ("", "The text is empty."),
    ("   \n", "The text is empty."),
    ("ຄຳຖາມຂອງທ່ານຖືກສົ່ງແລ້ວ.",
     "Missing placeholder {n}: English has it, and the bot fills it in."),
    ("ສົ່ງໄປຫາ {n} {people}.", "Unknown placeholder {people}. English has {n}: copy the "
     "names exactly, only the words around them are translated."),
    ("ສົ່ງໄປຫາ {N} ຄົນ.", "Missing placeholder {n}: English has it, and the bot fills it in."),
    ("ສົ່ງໄປຫາ {n ຄົນ.", 'A single "{" or "}" breaks the text: write {{ or }} to show a '
     "brace, or complete the placeholder."),
    ("ສົ່ງໄປຫາ {} ຄົນ.", "Placeholders have names, as in English: {} and {0} are never "
     "filled in."),
    ("ສົ່ງໄປຫາ {n!r} ຄົນ.", "Write placeholders as plain {name}, without ! or : after the "
     "name."),
])
def test_a_text_is_refused_with_a_precise_message(text, message):
    assert message in check(CATALOG, "lo", "ask.sent", text)


def test_the_same_placeholders_in_another_order_pass():
    assert check(CATALOG, "lo", "ask.sent", ASK_SENT) == []
    assert check(CATALOG, "km", "ask.answer", "({title}) {answer}") == []
    assert check(CATALOG, "lo", "welcome", "ສະບາຍດີ {{peerlearn}}") == []  # escaped braces


def test_an_sms_text_must_fit_the_budget_without_its_placeholders():
    long_lao = "ສະບາຍດີ " * 20  # 160 UCS-2 units: three segments
    [problem] = check(CATALOG, "lo", "ask.sent", long_lao + "{n}")
    assert problem.startswith("An SMS text must fit 2 segments; this one takes 3 (UCS-2, ")
    assert "before its placeholders are filled in" in problem
    assert check(CATALOG, "lo", "ask.sent", long_lao + "{n}", budget=3) == []
    shown = meter("ask.sent", long_lao + "{n}")
    assert (shown.encoding, shown.segments, shown.over, shown.placeholders) == \
        ("UCS-2", 3, True, True)


def test_a_telegram_variant_has_no_sms_limit_but_only_telegram_markup():
    long_markup = "<b>{title}</b> ({n}/{total})\n\n{text}" + " ຂໍ້ຄວາມ" * 40
    assert meter("story.snippet.telegram", long_markup) is None
    assert check(CATALOG, "lo", "story.snippet.telegram", long_markup) == []
    [problem] = check(CATALOG, "lo", "story.snippet.telegram",
                      "<u>{title}</u> ({n}/{total}) {text}")
    assert problem.startswith("A Telegram text may use only <b>…</b> and <i>…</i>")
    assert check(CATALOG, "lo", "story.snippet.telegram", "<b>{title} ({n}/{total}) {text}")


def test_gsm_text_counts_160_a_segment():
    shown = meter("help", "a" * 161)
    assert (shown.encoding, shown.segments, shown.units) == ("GSM-7", 2, 161)


def test_who_may_edit_which_language():
    translator = person("translator", "km", "lo")
    assert may_edit(translator, "lo") and may_edit(translator, "km")
    assert not may_edit(translator, "vi") and not may_edit(translator, "en")
    assert not may_edit(person("moderator", "km", "lo"), "lo")  # moderators read
    assert not may_edit(person("viewer", "km", "lo"), "lo")
    admin = person("admin")
    assert may_edit(admin, "vi") and may_edit(admin, "en")  # English: admins only


def test_burmese_typed_in_zawgyi_is_stored_in_unicode(services):
    unicode_text = "ကျွန်တော်တို့အဖွဲ့က ဆန်ကို အတူတူ ရောင်းချင်တယ်။"
    assert is_zawgyi(to_zawgyi(unicode_text))
    with session_scope(services.db) as session:
        row, zawgyi = catalog_review.save(
            session, CATALOG, actor=person("translator", "my"), lang="my", key="welcome",
            text=to_zawgyi(unicode_text), reviewed=True, now=utcnow())
    assert zawgyi and row.text == unicode_text
    with Session(services.db) as session:
        [stored] = catalog_texts.listed(session=session, lang="my")
    assert stored.text == unicode_text and not is_zawgyi(stored.text)


def test_english_is_never_a_draft_and_nothing_refused_is_saved(services):
    with Session(services.db) as session:
        with pytest.raises(Refused) as refused:
            catalog_review.save(session, CATALOG, actor=person("admin"), lang="en",
                                key="help", text="Help text.", reviewed=False, now=utcnow())
        assert refused.value.problems == [
            "English is the source: it is saved as reviewed, never as a draft."]
        with pytest.raises(Refused):
            catalog_review.save(session, CATALOG, actor=person("admin"), lang="lo",
                                key="ask.sent", text="ບໍ່ມີ", reviewed=True, now=utcnow())
        assert catalog_texts.listed(session=session) == []
