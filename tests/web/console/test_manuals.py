"""Printed manuals in the console: the form (linked from the practices list), the PDF
download and the page, narrowed to the account's scope, with member-facing text escaped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from content.db import session_scope
from content.models import Practice, PracticeTranslation, Snippet
from tests.support.manuals import in_order, page_texts


def forestry_km(db) -> list[str]:
    with Session(db) as session:
        return list(session.exec(select(Snippet.text).join(
            Practice, Practice.id == Snippet.practice_id).where(
            Practice.slug == "community-forestry-cambodia", Snippet.lang == "km")
            .order_by(Snippet.position)))


@pytest.fixture
def parc_curates_sri(services, world) -> Iterator[None]:
    """SRI curated by PARC for the test (the bundled store is shared: put back after)."""
    with session_scope(services.db) as session:
        sri = session.exec(select(Practice).where(Practice.slug == "sri-cambodia")).one()
        sri.organisation_id = world.orgs["parc"]
    yield
    with session_scope(services.db) as session:
        sri = session.exec(select(Practice).where(Practice.slug == "sri-cambodia")).one()
        sri.organisation_id = None


def test_the_practices_list_links_the_form_which_offers_the_own_organisation(client_as):
    listing = client_as("moderator").get("/admin/practices").text
    assert 'href="/admin/manuals"' in listing
    form = client_as("moderator").get("/admin/manuals").text
    assert 'action="/admin/manuals/download"' in form and 'method="get"' in form
    assert '<option value="km" selected>' in form  # the moderator works in Khmer first
    assert 'value="cedac"' in form and 'value="parc"' not in form
    admin = client_as("admin").get("/admin/manuals").text
    assert 'value="cedac"' in admin and 'value="parc"' in admin


def test_a_khmer_pdf_downloads_with_its_sentences_in_order(client_as, services):
    answer = client_as("viewer").get("/admin/manuals/download",
                                     params={"lang": "km", "topic": "forestry"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == \
        'attachment; filename="peerlearn-manual-km-forestry.pdf"'
    text = " ".join(page_texts(answer.content))
    assert in_order(text, forestry_km(services.db))
    assert "START practice-community-forestry-cambodia" in text


def test_the_page_holds_the_same_manual_with_text_escaped(client_as, services):
    with session_scope(services.db) as session:
        row = session.exec(select(PracticeTranslation).join(
            Practice, Practice.id == PracticeTranslation.practice_id).where(
            Practice.slug == "community-forestry-cambodia",
            PracticeTranslation.lang == "km")).one()
        title, row.title = row.title, "<script>alert(1)</script> ព្រៃ"
    try:
        page = client_as("moderator").get("/admin/manuals/download", params={
            "lang": "km", "topic": "forestry", "format": "html"})
    finally:
        with session_scope(services.db) as session:
            session.exec(select(PracticeTranslation).where(
                PracticeTranslation.id == row.id)).one().title = title
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ព្រៃ" in page.text
    assert '<link rel="stylesheet" href="/static/manual.css">' in page.text
    for sentence in forestry_km(services.db):
        assert f'<p lang="km">{sentence}</p>' in page.text


def test_a_manual_holds_only_what_the_account_may_see(client_as, world, parc_curates_sri):
    ours = " ".join(page_texts(client_as("moderator").get(
        "/admin/manuals/download", params={"lang": "en", "topic": "food-security"}).content))
    theirs = " ".join(page_texts(client_as("admin").get(
        "/admin/manuals/download", params={"lang": "en", "topic": "food-security",
                                           "org": "parc"}).content))
    assert "practice-sri-cambodia" not in ours and "practice-masipag-seed-network-ph" in ours
    assert "practice-sri-cambodia" in theirs and "practice-masipag" not in theirs
    assert "Curated by PARC Interpeoples" in theirs


@pytest.mark.parametrize("params", [{"lang": "xx"}, {"lang": "km", "topic": "nope"},
                                    {"lang": "km", "format": "docx"},
                                    {"lang": "km", "org": "parc"}])
def test_what_the_form_cannot_offer_is_not_found(client_as, params):
    assert client_as("moderator").get("/admin/manuals/download",
                                      params=params).status_code == 404
