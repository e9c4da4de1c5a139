"""The moderation API for member-documented practices: drafts without contact details,
edits, publishing (snippets, search, the contributor told, the reach job and its
message), archiving, visit demand and replication counts; all behind the moderator's
credentials and written to the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta

import pytest
from sqlmodel import Session, select

from bot import jobs
from bot.flows import share
from content.models import AuditLog, Job, Member, Practice, Reading, Snippet, utcnow
from services import replication, search
from services.curation import REACH
from tests.bot.test_dialogs import onboard
from tests.bot.test_share import drop_member_practices, send_media
from tests.support.chat import Chat
from tests.web.moderation.conftest import ADMIN

PHONE, CHAT_ID = "+85512777001", "800123"
BASE = "/api/moderation"
INTERVIEW = ("Bamboo fish dryer", "Fish spoil when it rains at drying time.",
             "Racks of bamboo under a net roof; fish turned twice a day.",
             "Fishers from Indonesia showed our group in 2019.", "Less waste, better price.",
             "1")


@pytest.fixture(autouse=True)
def _no_member_practices_left(services) -> Iterator[None]:
    yield
    drop_member_practices(services.db)


def interview(chat: Chat, answers=INTERVIEW) -> int:
    """Takes the member through SHARE; returns the draft's id."""
    chat.say("SHARE")
    for answer in answers:
        chat.say(answer)
    with Session(chat.services.db) as session:
        return session.exec(select(Practice.id).where(
            Practice.contributor_id == chat.member().id).order_by(Practice.id.desc())).first()


@pytest.fixture
def contributors(services) -> tuple[Chat, Chat]:
    """A Cambodian member on SMS and one on Telegram who sent a photo."""
    sms, telegram = Chat(services, "sms", PHONE), Chat(services, "telegram", CHAT_ID)
    onboard(sms)
    onboard(telegram)
    return sms, telegram


def audit(services, action: str) -> list[AuditLog]:
    with Session(services.db) as session:
        return list(session.exec(select(AuditLog).where(AuditLog.action == action)))


@pytest.mark.parametrize("method,path", [
    ("get", "/practices/drafts"), ("patch", "/practices/1"), ("post", "/practices/1/publish"),
    ("post", "/practices/1/archive"), ("get", "/visits/demand"),
    ("get", "/practices/replication")])
def test_every_route_needs_the_moderator(client, method, path):
    for auth in (None, (ADMIN[0], "wrong"), ("someone@else.org", ADMIN[1])):
        client.auth = auth
        response = client.request(method, BASE + path, json={})
        assert response.status_code == 401, (path, auth)


def test_drafts_show_texts_photos_and_country_but_no_contact_details(client, contributors):
    sms, telegram = contributors
    first = interview(sms)
    telegram.say("SHARE")
    send_media(telegram, "AgAD-photo", caption="our racks")
    telegram.say("Smoked fish")
    response = client.get(f"{BASE}/practices/drafts")
    assert response.status_code == 200
    for secret in (PHONE, PHONE[1:], CHAT_ID):
        assert secret not in response.text
    done, started = response.json()
    assert (done["id"], done["interview_complete"], done["contributor_country"]) == (
        first, True, "KH")
    assert done["visitors_welcome"] is True and done["skipped"] == []
    (text,) = done["translations"]
    assert (text["lang"], text["title"], text["approach"]) == ("en", INTERVIEW[0], INTERVIEW[2])
    assert text["shared_across_borders"] == INTERVIEW[3] and text["results"] == INTERVIEW[4]
    assert started["interview_complete"] is False
    assert started["media"] == [{"telegram_file_id": "AgAD-photo", "caption": "our racks"}]


def test_a_moderator_edits_a_draft_before_publishing(client, services, contributors):
    practice_id = interview(contributors[0])
    change = {"topics": ["fisheries", "food-processing"], "sectors": ["fisheries"],
              "organisation": "Kampot fishers' group",
              "translations": {"en": {"cooperation": "Indonesian fishers and our group.",
                                      "keywords": ["fish drying rack", " bamboo dryer "]},
                               "km": {"title": "ឧបករណ៍សម្ងួតត្រីពីឫស្សី",
                                      "body": "ត្រីខូចពេលភ្លៀង។"}}}
    response = client.patch(f"{BASE}/practices/{practice_id}", json=change)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["topics"] == ["fisheries", "food-processing"]
    assert [t["lang"] for t in body["translations"]] == ["en", "km"]
    assert body["translations"][0]["cooperation"] == "Indonesian fishers and our group."
    assert body["translations"][0]["title"] == INTERVIEW[0]  # untouched
    assert body["translations"][0]["keywords"] == ["fish drying rack", "bamboo dryer"]
    (row,) = audit(services, "practice.edit")
    assert (row.actor, row.target_id) == (ADMIN[0], str(practice_id))
    for bad in ({"topics": ["astrology"]}, {"sectors": []}, {"country": "Cambodia"},
                {"translations": {"fr": {"title": "x"}}},
                {"translations": {"lo": {"body": "no title"}}},
                {"translations": {"en": {"keywords": ["x" * 61]}}}):
        assert client.patch(f"{BASE}/practices/{practice_id}", json=bad).status_code in (
            409, 422), bad
    unchanged = client.patch(f"{BASE}/practices/{practice_id}",
                             json={"topics": None, "translations": {"en": {"title": None}}})
    assert unchanged.status_code == 200 and unchanged.json()["topics"] == body["topics"]
    assert unchanged.json()["translations"][0]["title"] == INTERVIEW[0]
    assert client.patch(f"{BASE}/practices/999999", json={}).status_code == 404


def with_topics(client, practice_id: int) -> None:
    """Topics are required before publishing."""
    response = client.patch(f"{BASE}/practices/{practice_id}", json={"topics": ["fisheries"]})
    assert response.status_code == 200, response.text


def test_publishing_tells_the_contributor_and_a_week_later_the_reach(client, services,
                                                                     contributors):
    sms = contributors[0]
    practice_id = interview(sms)
    sms.received()
    refused = client.post(f"{BASE}/practices/{practice_id}/publish")
    assert refused.status_code == 422
    assert {(p["field"], p["message"]) for p in refused.json()["detail"]} == {
        ("topics", "a list of 1 to 4 items")}
    with_topics(client, practice_id)
    response = client.post(f"{BASE}/practices/{practice_id}/publish")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "published"
    assert response.json()["contributor_notified"] is True
    (told,) = sms.received()
    assert told.text == services.catalog.text("en", "share.published", "sms",
                                              title=INTERVIEW[0])
    with Session(services.db) as session:
        practice = session.get(Practice, practice_id)
        snippets = list(session.exec(select(Snippet.text).where(
            Snippet.practice_id == practice_id).order_by(Snippet.position)))
        job = session.exec(select(Job).where(Job.kind == REACH)).one()
        hits = search.search(session=session, query="bamboo net roof", lang="en")
    assert practice.published_at is not None and practice.status == "published"
    assert snippets[0] == INTERVIEW[1] and INTERVIEW[2] in snippets
    assert (job.member_id, job.ref_id) == (sms.member().id, practice_id)
    assert job.due_at - practice.published_at == timedelta(days=7)
    assert hits and hits[0].practice == practice.slug
    (row,) = audit(services, "practice.publish")
    assert row.actor == ADMIN[0]
    assert client.post(f"{BASE}/practices/{practice_id}/publish").status_code == 409

    readers = [Chat(services, "sms", f"+8551200020{i}") for i in range(3)]
    for reader in readers:
        onboard(reader)
    with Session(services.db) as session:
        for member_id in [r.member().id for r in readers] + [sms.member().id]:
            session.add(Reading(member_id=member_id, practice_id=practice_id, lang="en"))
        session.commit()
    due = job.due_at.replace(tzinfo=UTC)
    noon = due.replace(hour=5, minute=0) + timedelta(days=1)  # midday in Phnom Penh
    assert jobs.run_due(services.db, services.catalog, now=due - timedelta(hours=1),
                        worker="w1").total == 0  # not due yet
    assert jobs.run_due(services.db, services.catalog, now=noon, worker="w1").done == 1
    (reached,) = sms.received()
    assert reached.text == services.catalog.text("en", "share.reach", "sms",
                                                 title=INTERVIEW[0], n=3)


def test_reach_without_readers_and_for_archived_practices(client, services, contributors):
    telegram = contributors[1]
    practice_id = interview(telegram)
    with_topics(client, practice_id)
    assert client.post(f"{BASE}/practices/{practice_id}/publish").status_code == 200
    with Session(services.db) as session:
        job = session.exec(select(Job).where(Job.kind == REACH)).one()
        (notice,) = share.reach(session, job, utcnow())
        assert notice.replies[0].key == "share.reach_none"
    response = client.post(f"{BASE}/practices/{practice_id}/archive")
    assert response.status_code == 200 and response.json()["status"] == "archived"
    with Session(services.db) as session:
        assert share.reach(session, session.get(Job, job.id), utcnow()) == []
        slug = session.get(Practice, practice_id).slug
        hits = search.search(session=session, query="bamboo net roof", lang="en")
        assert all(hit.practice != slug for hit in hits)
    assert client.post(f"{BASE}/practices/{practice_id}/archive").status_code == 409
    assert client.post(f"{BASE}/practices/{practice_id}/publish").status_code == 409
    assert [r.actor for r in audit(services, "practice.archive")] == [ADMIN[0]]


def test_drafts_without_text_are_not_published_and_archived_ones_leave_the_list(
        client, contributors):
    sms = contributors[0]
    practice_id = interview(sms, ("Only a name", "MENU"))
    with_topics(client, practice_id)
    refused = client.post(f"{BASE}/practices/{practice_id}/publish")
    assert refused.status_code == 422  # no text to cut snippets from
    assert [p["field"] for p in refused.json()["detail"]] == ["snippets"]
    assert [d["id"] for d in client.get(f"{BASE}/practices/drafts").json()] == [practice_id]
    client.post(f"{BASE}/practices/{practice_id}/archive")
    assert client.get(f"{BASE}/practices/drafts").json() == []
    assert client.post(f"{BASE}/practices/999999/publish").status_code == 404
    assert client.post(f"{BASE}/practices/999999/archive").status_code == 404


def test_visit_demand_per_practice_and_country(client, services):
    for address in ("+8562055512301", "+85512000301", "+85512000302"):
        chat = Chat(services, "sms", address)
        onboard(chat)
        chat.say("VISIT sri-cambodia")
    body = client.get(f"{BASE}/visits/demand").json()
    assert [(r["practice"], r["country"], r["members"]) for r in body] == [
        ("sri-cambodia", "KH", 2), ("sri-cambodia", "LA", 1)]
    assert body[0]["title"].startswith("System of Rice Intensification")


def test_replication_counts_per_practice_country_and_outcome(client, services):
    chats = [Chat(services, "sms", a) for a in ("+85512000401", "+85512000402",
                                                "+8562055512401")]
    for chat in chats:
        onboard(chat)
    with Session(services.db) as session:
        sri = session.exec(select(Practice).where(Practice.slug == "sri-cambodia")).one()
        for chat, outcome in zip(chats, ("adopted", "adopted", "abandoned"), strict=True):
            member = session.get(Member, chat.member().id)
            replication.report(session=session, member=member, practice_id=sri.id,
                               outcome=outcome, now=utcnow())
        session.commit()
    body = client.get(f"{BASE}/practices/replication").json()
    assert [(r["practice"], r["country"], r["outcome"], r["members"]) for r in body] == [
        ("sri-cambodia", "KH", "adopted", 2), ("sri-cambodia", "LA", "abandoned", 1)]
