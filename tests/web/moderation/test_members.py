"""The moderation API for people: resource persons listed with what they did, a member
made a resource person, roles changed; every change audited, no contact details."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from content.models import Answer, AuditLog, Introduction, Member, Organisation, Question
from tests.bot.test_dialogs import onboard
from tests.support.chat import Chat
from tests.web.moderation.conftest import ADMIN

PHONE, CHAT_ID = "+639171234001", "800001"
ROW = {"member_id", "name", "country", "role", "sector", "organisation", "topics_offered",
       "language", "languages", "timezone", "answers", "introductions"}
EXPERT = {"topics_offered": ["microfinance", "savings-credit"], "languages": ["en", "fil"],
          "timezone": "Asia/Manila", "organisation": "aski"}


@pytest.fixture
def people(services) -> tuple[int, int]:
    """A Filipino member on SMS, a Khmer one on Telegram, and the ASKI organisation."""
    sms, telegram = Chat(services, "sms", PHONE), Chat(services, "telegram", CHAT_ID)
    onboard(sms)
    onboard(telegram, language="2")
    with Session(services.db) as session:
        session.add(Organisation(slug="aski", name="ASKI", country="PH"))
        session.commit()
    return sms.member().id, telegram.member().id


def audit(services) -> list[AuditLog]:
    with Session(services.db) as session:
        return list(session.exec(select(AuditLog).where(AuditLog.target_type != "account")
                                 .order_by(AuditLog.id)))


def no_contact_details(text: str) -> bool:
    return all(secret not in text for secret in (PHONE, PHONE[1:], CHAT_ID))


def test_a_member_becomes_a_resource_person_and_is_listed_with_counts(client, services,
                                                                      people):
    expert_id, learner_id = people
    assert client.get("/api/moderation/members").json() == []
    response = client.post(f"/api/moderation/members/{expert_id}/expert", json=EXPERT)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == ROW and no_contact_details(response.text)
    assert (body["role"], body["organisation"], body["timezone"]) == (
        "expert", "aski", "Asia/Manila")
    assert body["topics_offered"] == ["microfinance", "savings-credit"]
    assert body["language"] == "en" and body["languages"] == ["en", "fil"]
    with Session(services.db) as session:
        question = Question(member_id=learner_id, lang="km", text="How to start savings?")
        session.add(question)
        session.flush()
        session.add(Answer(question_id=question.id, member_id=expert_id, lang="en", text="…"))
        session.add(Answer(question_id=question.id, member_id=expert_id, lang="en", text="…"))
        for a, b in ((learner_id, expert_id), (expert_id, learner_id), (learner_id, expert_id)):
            session.add(Introduction(member_a=a, member_b=b, status="active"))
        session.commit()
        stored = session.get(Member, expert_id)
        assert stored.languages == ["fil"]  # English is already their interface language
    listed = client.get("/api/moderation/members", params={"role": "expert"})
    (row,) = listed.json()
    assert row == {**body, "answers": 2, "introductions": 3}
    assert no_contact_details(listed.text)
    (learner,) = client.get("/api/moderation/members", params={"role": "member"}).json()
    assert (learner["member_id"], learner["answers"], learner["introductions"]) == (
        learner_id, 0, 3)
    (entry,) = audit(services)
    assert (entry.actor, entry.action, entry.target_id) == (ADMIN[0], "member.expert",
                                                            str(expert_id))
    assert entry.details["before"]["role"] == "member"
    assert entry.details["after"]["topics_offered"] == ["microfinance", "savings-credit"]


@pytest.mark.parametrize(("change", "status", "says"), [
    ({"topics_offered": []}, 422, None),
    ({"topics_offered": ["astrology"]}, 422, "astrology"),
    ({"languages": ["fr"]}, 422, "fr"),
    ({"timezone": "Mars/Olympus"}, 422, "Mars/Olympus"),
    ({"organisation": "nobody"}, 404, "nobody"),
])
def test_what_is_not_a_resource_person_is_refused(client, services, people, change, status,
                                                   says):
    response = client.post(f"/api/moderation/members/{people[0]}/expert",
                           json={**EXPERT, **change})
    assert response.status_code == status
    if says:
        assert says in response.json()["detail"]
    assert audit(services) == []
    with Session(services.db) as session:
        assert session.get(Member, people[0]).role == "member"


def test_unknown_members_are_404(client, services):
    assert client.post("/api/moderation/members/999999/expert",
                       json=EXPERT).status_code == 404
    assert client.post("/api/moderation/members/999999/role",
                       json={"role": "expert"}).status_code == 404
    assert audit(services) == []


def test_roles_change_and_a_moderator_needs_an_organisation(client, services, people):
    member_id = people[1]
    refused = client.post(f"/api/moderation/members/{member_id}/role",
                          json={"role": "moderator"})
    assert refused.status_code == 409 and "organisation" in refused.json()["detail"]
    made = client.post(f"/api/moderation/members/{member_id}/role",
                       json={"role": "moderator", "organisation": "aski"})
    assert made.status_code == 200, made.text
    assert (made.json()["role"], made.json()["organisation"]) == ("moderator", "aski")
    assert no_contact_details(made.text)
    (moderator,) = client.get("/api/moderation/members", params={"role": "moderator"}).json()
    assert moderator["member_id"] == member_id
    expert = client.post(f"/api/moderation/members/{member_id}/expert", json=EXPERT)
    assert expert.status_code == 409 and "moderator" in expert.json()["detail"]
    back = client.post(f"/api/moderation/members/{member_id}/role", json={"role": "member"})
    assert back.json()["role"] == "member"
    entries = audit(services)
    assert [e.action for e in entries] == ["member.role", "member.role"]
    assert entries[0].details["after"]["role"] == "moderator"
    assert entries[1].details == {
        "before": {"role": "moderator", "organisation_id": entries[0].details["after"][
            "organisation_id"]},
        "after": {"role": "member", "organisation_id": entries[0].details["after"][
            "organisation_id"]}}


@pytest.mark.parametrize("body", [{}, {"role": "admin"}, {"role": ""}])
def test_bad_roles_are_422(client, people, body):
    assert client.post(f"/api/moderation/members/{people[0]}/role",
                       json=body).status_code == 422


@pytest.mark.parametrize("params", [{"role": "admin"}, {"limit": 0}, {"offset": -1}])
def test_bad_listing_filters_are_422(client, params):
    assert client.get("/api/moderation/members", params=params).status_code == 422
