"""SHARE drafts in the console (the queue, curating and publishing from the editor), the
SMS meter, the previews, archiving and restoring, the JSON API correcting a published
practice, and a promoted FAQ pair that survives an edit."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from content.db import session_scope
from content.models import Answer, Faq, Member, Practice, Question, utcnow
from services import questions
from services.sms import prices
from services.sms.prices import Price
from tests.bot.test_dialogs import onboard
from tests.support.chat import Chat
from tests.support.console import csrf_of
from tests.web.console.practice_helpers import (
    as_form,
    changed,
    editor_fields,
    live_snippets,
    practice_id,
    restore_bundled,
    translation,
)
from tests.web.moderation.test_practices import INTERVIEW, interview

KM = "ក" * 71  # 71 UTF-16 units: UCS-2, two segments (67 + 4)


@pytest.fixture(autouse=True)
def _bundled_again(services):
    yield
    restore_bundled(services.db)


def meter(client, **form) -> str:
    page = client.get("/admin/practices")
    response = client.post("/admin/sms/segments", data={"csrf_token": csrf_of(page.text),
                                                        **form})
    assert response.status_code == 200
    assert "<html" not in response.text  # a fragment
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def test_the_meter_counts_with_the_projects_counter(client_as, services):
    moderator = client_as("moderator")
    assert "GSM-7 · 1 segment · 135 left in the last" in meter(
        moderator, text="Farmers share what works.", lang="en")
    khmer = meter(moderator, text=KM, lang="km")
    assert "UCS-2 · 2 segments · 63 left in the last" in khmer
    assert "cost unknown: no SMS price for this country" in khmer
    assert "in pages" not in khmer
    quoted = meter(moderator, text="Don\u2019t say \u201cmaybe\u201d", lang="en")
    assert "GSM-7 · 1 segment · 143 left" in quoted and "it would be UCS-2" in quoted
    assert "members get it in pages, MORE by MORE" in meter(moderator, text=KM * 2, lang="km")
    as_htmx = meter(moderator, field="snippet_km_3", snippet_km_3=KM, lang="km")
    assert "UCS-2 · 2 segments · 63 left" in as_htmx
    prices.sync(services.db, [Price("twilio", "KH", 0.05, source="Twilio Pricing API",
                                    as_of="2026-12-01"), Price("twilio", "*", 0.07)])
    priced = " ".join(meter(moderator, text=KM, lang="km").split())
    assert "about USD 0.1000 to KH (price of 2026-12-01)" in priced
    # English is read in every country: the price for any country.
    english = meter(moderator, text="Farmers share.", lang="en")
    assert "about USD 0.0700" in english and " to " not in english


def test_the_editor_previews_the_snippet_as_members_get_it(services, client_as):
    pid = practice_id(services.db)
    page = client_as("moderator").get(f"/admin/practices/{pid}/edit?lang=km&at=1").text
    second = live_snippets(services.db, pid, "km")[1]
    phone = page[page.index('class="phone"', page.index('id="preview-km"')):]
    phone = phone[:phone.index("</figure>")]
    more, again = services.catalog.text("km", "story.more", "sms"), \
        services.catalog.text("km", "story.next", "sms")
    assert second in phone and f"1 {more}" in phone and f"2 {again}" in phone
    assert "UCS-2 · 1 segment" in phone or "UCS-2 · 2 segments" in phone
    telegram = page[page.index('class="telegram"', page.index('id="preview-km"')):]
    assert f'<span lang="km">{more}</span>' in telegram[:telegram.index("</figure>")]
    assert "<b>" in telegram and "(2/4)" in telegram


def test_a_share_draft_is_queued_curated_and_published_from_the_editor(services, client_as):
    member = Chat(services, "sms", "+85512777601")
    onboard(member)
    pid = interview(member)
    member.received()
    moderator, parc = client_as("moderator"), client_as("parc")
    queue = moderator.get("/admin/queues/drafts")
    assert INTERVIEW[0] in queue.text and f"/admin/practices/{pid}/edit" in queue.text
    assert "KH · English" in " ".join(queue.text.split()) and "complete" in queue.text
    assert INTERVIEW[0] not in parc.get("/admin/queues/drafts").text
    assert parc.get(f"/admin/practices/{pid}/edit").status_code == 404

    page = moderator.get(f"/admin/practices/{pid}/edit").text
    refused = moderator.post(f"/admin/practices/{pid}/publish",
                             data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 422 and "a list of 1 to 4 items" in refused.text
    fields = editor_fields(page) + [("topics", "fisheries")]
    saved = moderator.post(f"/admin/practices/{pid}/edit", data=as_form(fields))
    assert saved.status_code == 303, saved.text[:400]
    published = moderator.post(f"/admin/practices/{pid}/publish",
                               data={"csrf_token": csrf_of(page)})
    assert published.status_code == 303
    with Session(services.db) as session:
        practice = session.get(Practice, pid)
    assert (practice.status, practice.topics) == ("published", ["fisheries"])
    assert live_snippets(services.db, pid, "en")[0] == INTERVIEW[1]
    (told,) = member.received()
    assert INTERVIEW[0] in told.text
    assert INTERVIEW[0] not in moderator.get("/admin/queues/drafts").text


def test_archived_practices_are_restored(services, client_as):
    pid = practice_id(services.db)
    moderator = client_as("moderator")
    page = moderator.get(f"/admin/practices/{pid}").text
    archived = moderator.post(f"/admin/practices/{pid}/archive",
                              data={"csrf_token": csrf_of(page)})
    assert archived.status_code == 303
    reader = Chat(services, "sms", "+85512777602")
    onboard(reader, language="2")
    assert not any(s in reader.say("STORY")[0].text
                   for s in live_snippets(services.db, pid, "km"))
    page = moderator.get(f"/admin/practices/{pid}").text
    assert "Restore from the archive" in page
    assert moderator.post(f"/admin/practices/{pid}/unarchive",
                          data={"csrf_token": csrf_of(page)}).status_code == 303
    with Session(services.db) as session:
        assert session.get(Practice, pid).status == "published"


def test_the_api_corrects_a_published_practice(services, world, client_as):
    pid = practice_id(services.db)
    client = client_as("moderator")
    auth = {"Authorization": f"Bearer {world.tokens['moderator']}"}
    title = "ប្រព័ន្ធពង្រឹងការដាំដុះស្រូវ (កែ)"
    patched = client.patch(f"/api/moderation/practices/{pid}", headers=auth,
                           json={"translations": {"km": {"title": title}}})
    assert patched.status_code == 200, patched.text
    assert translation(services.db, pid, "km").title != title  # pending until published
    assert client.post(f"/api/moderation/practices/{pid}/publish",
                       headers=auth).status_code == 200
    assert translation(services.db, pid, "km").title == title
    assert client.post(f"/api/moderation/practices/{pid}/restore",
                       headers=auth).status_code == 409  # not archived
    translator = {"Authorization": f"Bearer {world.tokens['translator']}"}
    assert client.patch(f"/api/moderation/practices/{pid}", headers=translator,
                        json={"topics": ["women"]}).status_code == 403
    assert client.post(f"/api/moderation/practices/{pid}/archive",
                       headers=auth).status_code == 200
    restored = client.post(f"/api/moderation/practices/{pid}/restore", headers=auth)
    assert restored.status_code == 200 and restored.json()["status"] == "published"


def test_a_promoted_answer_survives_an_edit_and_publish(services, client_as):
    pid = practice_id(services.db)
    with session_scope(services.db) as session:
        member = Member(name="Dara Kim", country="KH", language="en", attribution="named")
        session.add(member)
        session.flush()
        asked = Question(member_id=member.id, lang="en", text="Which seedlings?")
        session.add(asked)
        session.flush()
        answer = Answer(question_id=asked.id, member_id=member.id, lang="en",
                        text="Young ones, 8 to 12 days.", status="approved",
                        attribution="named", created_at=utcnow())
        session.add(answer)
        session.flush()
        questions.promote(session=session, answer_id=answer.id, lang="en",
                          practice="sri-cambodia")
        answer_id = answer.id
    moderator = client_as("moderator")
    page = moderator.get(f"/admin/practices/{pid}/edit?lang=km").text
    assert "From a member's answer: Dara Kim" in page
    fields = changed(editor_fields(page), snippet_en_0="SRI: fewer seeds, more rice.")
    assert moderator.post(f"/admin/practices/{pid}/edit",
                          data=as_form(fields)).status_code == 303
    assert moderator.post(f"/admin/practices/{pid}/publish",
                          data={"csrf_token": csrf_of(page)}).status_code == 303
    with Session(services.db) as session:
        (faq,) = session.exec(select(Faq).where(Faq.practice_id == pid,
                                                Faq.answer_id.is_not(None)))
        answer = session.get(Answer, answer_id)
    assert (faq.attribution, answer.promoted_faq_id) == ("Dara Kim", faq.id)
    assert live_snippets(services.db, pid, "en")[0] == "SRI: fewer seeds, more rice."
