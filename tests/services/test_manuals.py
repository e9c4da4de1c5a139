"""Printed manuals (services/manuals) of the bundled practices, read back from the PDF as a
reader would: the text PDFium extracts (the Khmer, Lao, Burmese and Thai sentences as
written, in order), the QR codes a phone decodes, the notes on English fallbacks and
draft translations, and "tried by N enterprises in M countries"."""

from __future__ import annotations

from datetime import UTC, datetime

import pypdfium2 as pdfium
import pytest
from sqlmodel import Session, select

from bot.catalog import Catalog
from bot.manual_words import manual_words
from content.db import session_scope
from content.models import Member, Organisation, Practice, Snippet
from services import replication
from services.access import Principal, practice_scope
from services.manuals import pdf, typeset
from services.manuals.gather import gather
from services.replication import Reach
from tests.support.manuals import in_order, page_texts, qr_codes

BOT = "peerlearn_test_bot"
NOW = datetime(2026, 12, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="module")
def khmer(db, catalog):
    """The whole Khmer manual of the bundled practices, made once: (manual, pdf)."""
    with session_scope(db) as session:
        manual = gather(session=session, lang="km", now=NOW, bot=BOT)
    return manual, pdf.render(manual, manual_words(catalog, "km"))


def snippets(db, slug: str, lang: str) -> list[str]:
    with Session(db) as session:
        return list(session.exec(select(Snippet.text).join(
            Practice, Practice.id == Snippet.practice_id).where(
            Practice.slug == slug, Snippet.lang == lang).order_by(Snippet.position)))


def published(db) -> list[str]:
    with Session(db) as session:
        return list(session.exec(select(Practice.slug).where(
            Practice.status == "published").order_by(Practice.slug)))


def test_the_khmer_manual_holds_every_published_practice_with_its_khmer_story_in_order(
        db, khmer):
    manual, made = khmer
    assert [e.slug for e in manual.entries] == published(db)
    text = " ".join(page_texts(made))
    for slug in ("sri-cambodia", "community-forestry-cambodia", "aski-microfinance"):
        told = snippets(db, slug, "km")
        assert len(told) >= 3
        assert in_order(text, told), slug
    sri = next(e for e in manual.entries if e.slug == "sri-cambodia")
    assert in_order(text, [sri.title, *snippets(db, "sri-cambodia", "km")])
    assert not in_order(text, list(reversed(snippets(db, "sri-cambodia", "km"))))


def test_parts_without_khmer_are_english_and_say_so_and_drafts_are_marked(khmer, catalog):
    manual, made = khmer
    sri = next(e for e in manual.entries if e.slug == "sri-cambodia")
    story, *rest = sri.sections
    assert (story.key, story.lang, story.fallback, story.reviewed) == ("story", "km", False,
                                                                       False)
    assert [s.key for s in rest] == ["cooperation", "approach", "shared_across_borders",
                                     "shared_in_country", "results"]
    assert all(s.lang == "en" and s.fallback for s in rest)
    assert sri.unreviewed
    text = " ".join(page_texts(made))
    after = manual.entries[manual.entries.index(sri) + 1]
    start = text.index(sri.title, text.index("start=practice-"))  # past the contents
    page = text[start:text.index(f"start=practice-{after.slug}")]
    english = catalog.text("km", "manual.in_english")
    assert page.count(english) == 5
    assert in_order(page, [catalog.text("km", "manual.draft"), catalog.text(
        "km", "manual.approach"), english, rest[1].paragraphs[0][:60]])


def test_each_qr_code_opens_its_practice_and_the_sms_words_are_printed(khmer):
    manual, made = khmer
    found = [codes for codes in qr_codes(made) if codes]
    links = [f"https://t.me/{BOT}?start=practice-{e.slug}" for e in manual.entries]
    assert [codes[0] for codes in found] == links
    assert all(len(codes) == 1 for codes in found)
    text = " ".join(page_texts(made))
    assert in_order(text, [f"START practice-{e.slug}" for e in manual.entries])


def test_the_reach_line_says_how_many_enterprises_tried_it_in_how_many_countries(
        services, catalog):
    with session_scope(services.db) as session:
        sri = session.exec(select(Practice).where(Practice.slug == "sri-cambodia")).one()
        for country in ("KH", "PH", "PH"):
            member = Member(country=country, language="km")
            session.add(member)
            session.flush()
            replication.report(session=session, member=member, practice_id=sri.id,
                               outcome="adopted", now=NOW)
    with session_scope(services.db) as session:
        manual = gather(session=session, lang="km", now=NOW, bot=BOT, topics=["farming"])
    entry = next(e for e in manual.entries if e.slug == "sri-cambodia")
    assert entry.reach == Reach(3, 2)
    others = [e for e in manual.entries if e.slug != "sri-cambodia"]
    assert others and all(e.reach == Reach(0, 0) for e in others)
    text = " ".join(page_texts(pdf.render(manual, manual_words(catalog, "km"))))
    assert catalog.text("km", "tried.count", n=3, m=2) in text
    assert catalog.text("km", "manual.tried_none") in text


@pytest.mark.parametrize("lang", ["lo", "my", "th"])
def test_lao_burmese_and_thai_come_out_as_written(db, catalog, lang):
    with session_scope(db) as session:
        manual = gather(session=session, lang=lang, now=NOW, bot=BOT, topics=["forestry"])
    assert [e.slug for e in manual.entries] == ["community-forestry-cambodia"]
    text = " ".join(page_texts(pdf.render(manual, manual_words(catalog, lang))))
    assert in_order(text, [manual.entries[0].title,
                           *snippets(db, "community-forestry-cambodia", lang)])


def test_topics_organisation_and_scope_choose_the_practices(services):
    with session_scope(services.db) as session:
        org = Organisation(slug="cedac", name="CEDAC", country="KH", languages=["km"])
        session.add(org)
        session.flush()
        org_id = org.id
        sri = session.exec(select(Practice).where(Practice.slug == "sri-cambodia")).one()
        sri.organisation_id = org_id
    try:
        with session_scope(services.db) as session:
            micro = gather(session=session, lang="km", now=NOW, topics=["microfinance"])
            curated = gather(session=session, lang="km", now=NOW, organisation_id=org_id,
                             organisation="CEDAC")
            other = Principal(None, "mod@parc.example.org", "PARC", "moderator",
                              organisation_id=org_id + 1)
            outside = gather(session=session, lang="km", now=NOW, scope=practice_scope(other))
        assert [e.slug for e in micro.entries] == ["aski-microfinance",
                                                   "bina-swadaya-self-help-groups",
                                                   "credit-unions-thailand"]
        assert [e.slug for e in curated.entries] == ["sri-cambodia"]
        assert curated.organisation == "CEDAC"
        assert "sri-cambodia" not in [e.slug for e in outside.entries]
        assert len(outside.entries) == len(published(services.db)) - 1
    finally:
        with session_scope(services.db) as session:
            session.get(Practice, sri.id).organisation_id = None


def test_without_a_bot_there_is_no_qr_code_but_the_sms_words_remain(db, catalog):
    with session_scope(db) as session:
        manual = gather(session=session, lang="en", now=NOW, topics=["forestry"])
    made = pdf.render(manual, manual_words(catalog, "en"))
    assert manual.entries[0].telegram_link is None
    pages = qr_codes(made)
    assert len(pages) >= 2 and all(codes == [] for codes in pages)
    assert "SMS: send START practice-community-forestry-cambodia" in " ".join(page_texts(made))


@pytest.mark.parametrize(("lang", "word"), [("km", "ស្រូវ"), ("lo", "ສົ່ງ"),
                                            ("my", "မြန်မာ"), ("th", "น้ำ")])
def test_complex_scripts_are_shaped_not_drawn_letter_by_letter(lang, word):
    def drawn(shaped: bool) -> bytes:
        document = typeset.new_document()
        document.add_page()
        writer = typeset.Writer(document)
        writer.use(lang, typeset.Style(size=40))
        if shaped:
            writer.line(word, 100, 20)
        else:  # each character's own glyph, one after the other
            document.set_text_shaping(False)
            document.cell(100, 20, word)
        page = pdfium.PdfDocument(bytes(document.output()))[0]
        return page.render(scale=1).to_pil().convert("L").tobytes()

    assert typeset.COMPLEX.search(word)
    assert drawn(True) != drawn(False)
