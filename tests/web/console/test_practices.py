"""The practice editor: an edit waits as the pending version while members get the live
text; publishing makes members get the new text; versions compare and restore; the
validator's messages by field; what translators, viewers and other organisations may do."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from content.db import session_scope
from content.models import AuditLog, Practice, PracticeTranslation, PracticeVersion, utcnow
from services.store_match import best_answer
from tests.support.console import csrf_of
from tests.web.console.practice_helpers import (
    as_form,
    changed,
    editor_fields,
    khmer_reader,
    live_snippets,
    practice_id,
    restore_bundled,
    translation,
)

NEW_KM = "ឆ្នាំ២០០០ សេដាកឲ្យកសិករ២៨នាក់សាកល្បងវិធីដាំស្រូវ SRI ថ្មី។"


@pytest.fixture(autouse=True)
def _bundled_again(services):
    yield
    restore_bundled(services.db)


def edit_page(client, pid: int, lang: str = "km") -> str:
    page = client.get(f"/admin/practices/{pid}/edit?lang={lang}")
    assert page.status_code == 200, page.text[:300]
    return page.text


def save(client, pid: int, page: str, **values: str):
    fields = changed(editor_fields(page), **values)
    return client.post(f"/admin/practices/{pid}/edit", data=as_form(fields))


def post(client, path: str, page: str):
    return client.post(path, data={"csrf_token": csrf_of(page)})


def test_a_khmer_edit_waits_then_members_get_it_and_a_restore_brings_it_back(
        services, client_as):
    pid = practice_id(services.db)
    old = live_snippets(services.db, pid, "km")
    translator = client_as("translator")
    page = edit_page(translator, pid)
    assert old[0] in page and 'lang="km"' in page
    saved = save(translator, pid, page, snippet_km_0=NEW_KM)
    assert saved.status_code == 303, saved.text[:500]
    assert saved.headers["location"].endswith("ok=practice_saved")
    assert live_snippets(services.db, pid, "km")[0] == old[0]  # members: the live text
    assert khmer_reader(services).say("STORY")[0].text.startswith(old[0])

    page = edit_page(translator, pid)
    assert NEW_KM in page and "unpublished edit" in page
    assert post(translator, f"/admin/practices/{pid}/publish", page).status_code == 303
    assert live_snippets(services.db, pid, "km")[0] == NEW_KM
    told = khmer_reader(services, "+85512777556").say("STORY")
    assert told[0].text.startswith(NEW_KM) and told[0].encoding == "UCS-2"

    compared = translator.get(f"/admin/practices/{pid}/versions?a=1&b=2")
    assert compared.status_code == 200
    assert re.search(r"<del>\s*- " + re.escape(old[0]), compared.text)
    assert re.search(r"<ins>\s*- " + re.escape(NEW_KM), compared.text)
    restored = post(translator, f"/admin/practices/{pid}/versions/1/restore", compared.text)
    assert restored.status_code == 303
    assert live_snippets(services.db, pid, "km")[0] == old[0]
    assert khmer_reader(services, "+85512777557").say("STORY")[0].text.startswith(old[0])
    with Session(services.db) as session:
        numbers = session.exec(select(PracticeVersion.number).where(
            PracticeVersion.practice_id == pid).order_by(PracticeVersion.number)).all()
        actions = session.exec(select(AuditLog.action).where(
            AuditLog.target_id == str(pid)).order_by(AuditLog.id)).all()
    assert numbers == [1, 2, 3]
    assert actions == ["practice.edit", "practice.publish", "practice.publish"]


def test_problems_are_the_validators_messages_next_to_their_fields(services, client_as):
    pid = practice_id(services.db)
    moderator = client_as("moderator")
    page = edit_page(moderator, pid, "en")
    fields = [(n, v) for n, v in changed(editor_fields(page), source_url_0="ftp://cedac",
                                         faq_a_en_0="", snippet_en_1=" ")
              if n != "topics"]
    refused = moderator.post(f"/admin/practices/{pid}/edit", data=as_form(fields))
    assert refused.status_code == 422
    html = refused.text
    topics = html[html.index("Topics (1 to 4"):html.index("Sectors (1 to 3")]
    assert "a list of 1 to 4 items" in topics
    source = html[html.index('name="source_url_0"'):html.index('name="source_title_1"')]
    assert "item 1 needs a title and an http(s) url" in source
    faq = html[html.index('name="faq_a_en_0"'):html.index('name="faq_ref_en_1"')]
    assert "item 1 needs q and a" in faq
    assert 'value="ftp://cedac"' in html  # what was typed is kept
    with Session(services.db) as session:
        assert session.exec(select(PracticeVersion)).all() == []


def test_translators_change_only_their_languages(services, client_as):
    pid = practice_id(services.db)
    translator, moderator = client_as("translator"), client_as("moderator")
    page = edit_page(translator, pid)
    assert 'name="title_en"' not in page and 'name="topics"' not in page
    english = translation(services.db, pid, "en").title
    forged = editor_fields(page) + [("title_en", "Forged"), ("facts", "1"),
                                    ("topics", "women"), ("langs", "vi"),
                                    ("title_vi", "Giả")]
    sent = translator.post(f"/admin/practices/{pid}/edit", data=as_form(forged))
    assert sent.headers["location"].endswith("ok=practice_unchanged")
    assert post(translator, f"/admin/practices/{pid}/review/en", page).status_code == 403

    assert post(translator, f"/admin/practices/{pid}/review/km", page).status_code == 303
    km = translation(services.db, pid, "km")
    assert (km.reviewed, km.reviewed_by, km.reviewed_at.date()) == (
        True, "Translator", utcnow().date())

    mod_page = edit_page(moderator, pid, "en")
    assert save(moderator, pid, mod_page, title_en="SRI, edited").status_code == 303
    assert post(translator, f"/admin/practices/{pid}/publish", page).status_code == 403
    assert translation(services.db, pid, "en").title == english


def test_keywords_are_edited_beside_the_texts_and_search_uses_them_once_published(
        services, client_as):
    pid = practice_id(services.db)
    translator = client_as("translator")
    page = edit_page(translator, pid)
    old = dict(editor_fields(page))["keywords_km"]
    assert "បង្កើនទិន្នផល" in old.split("\n")
    refused = save(translator, pid, page, keywords_km="ក" * 61)
    assert refused.status_code == 422
    field = refused.text[refused.text.index('name="keywords_km"'):]
    assert "item 1 has 61 characters" in field[:field.index("</label>")]

    assert save(translator, pid, page, keywords_km=old + "\nស្រូវប្រាំង").status_code == 303
    asked = "ស្រូវប្រាំង"  # dry-season rice: no text of the store says it
    with Session(services.db) as session:
        assert best_answer(session=session, text=asked, langs=["km", "en"]) is None
    assert post(translator, f"/admin/practices/{pid}/publish", page).status_code == 303
    assert translation(services.db, pid, "km").keywords[-1] == "ស្រូវប្រាំង"
    with Session(services.db) as session:
        found = best_answer(session=session, text=asked, langs=["km", "en"])
    assert (found.slug, found.lang) == ("sri-cambodia", "km")


def test_viewers_read_and_change_nothing(services, client_as):
    pid = practice_id(services.db)
    viewer = client_as("viewer")
    shown = viewer.get(f"/admin/practices/{pid}?lang=km")
    assert shown.status_code == 200
    assert live_snippets(services.db, pid, "km")[0] in shown.text
    assert f"/admin/practices/{pid}/edit" not in shown.text
    assert f"/admin/practices/{pid}/archive" not in shown.text
    assert viewer.get(f"/admin/practices/{pid}/edit").status_code == 403
    for action in ("edit", "publish", "archive", "review/km"):
        assert post(viewer, f"/admin/practices/{pid}/{action}", shown.text).status_code == 403


def test_another_organisations_practice_is_not_found(services, world, client_as):
    with session_scope(services.db) as session:
        own = Practice(slug="parc-only-practice", pack="members", status="published",
                       country="PH", organisation_id=world.orgs["parc"], topics=["peacebuilding"])
        session.add(own)
        session.flush()
        session.add(PracticeTranslation(practice_id=own.id, lang="en", title="PARC only"))
        pid = own.id
    moderator, parc = client_as("moderator"), client_as("parc")
    for path in ("", "/edit", "/versions"):
        assert moderator.get(f"/admin/practices/{pid}{path}").status_code == 404, path
    assert "PARC only" not in moderator.get("/admin/practices?q=PARC").text
    assert "PARC only" in parc.get("/admin/practices?q=PARC").text
    assert parc.get(f"/admin/practices/{pid}").status_code == 200
    token = world.tokens["moderator"]
    assert moderator.patch(f"/api/moderation/practices/{pid}", json={},
                           headers={"Authorization": f"Bearer {token}"}).status_code == 404
