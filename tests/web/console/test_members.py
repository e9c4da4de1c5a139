"""The members pages: search and its scope, masked numbers, the record, the conversation
history (audit-logged, not for viewers), the JSON export."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from content.models import Member, Organisation
from services.language import to_zawgyi
from tests.web.console.members_world import DARA, MARIA, SOKHA, audit_actions, person, relay


@pytest.fixture
def people(services, world):
    """Two Cambodian members (in CEDAC's scope) and a Filipino one (PARC's)."""
    return person(services, SOKHA), person(services, DARA), person(services, MARIA)


def test_moderators_find_their_members_with_masked_numbers(client_as, people):
    sokha, dara, maria = people
    page = client_as("moderator").get("/admin/members").text
    assert sokha.name in page and dara.name in page and maria.name not in page
    assert '<span lang="km">សុខា ចាន់</span>' in page
    assert "+855 •••••001" in page and sokha.phone not in page
    found = client_as("moderator").get("/admin/members", params={"q": "pepper"}).text
    assert dara.name in found and sokha.name not in found
    admin = client_as("admin").get("/admin/members").text
    assert sokha.phone in admin and maria.phone in admin
    parc = client_as("parc").get("/admin/members").text
    assert maria.name in parc and sokha.name not in parc


def test_another_organisation_never_sees_a_member(client_as, people):
    sokha, _, maria = people
    parc = client_as("parc")
    assert parc.get(f"/admin/members/{sokha.id}").status_code == 404
    assert parc.get(f"/admin/members/{sokha.id}/history").status_code == 404
    assert parc.get(f"/admin/members/{sokha.id}/export").status_code == 404
    assert parc.post(f"/admin/members/{sokha.id}/block", data={
        "reason": "x", "csrf_token": _csrf(parc, f"/admin/members/{maria.id}")}
    ).status_code == 404
    assert parc.get(f"/admin/members/{maria.id}").status_code == 200


def _csrf(client, page: str) -> str:
    from tests.support.console import csrf_of
    return csrf_of(client.get(page).text)


def test_a_member_assigned_to_an_organisation_is_theirs_wherever_they_live(
        services, world, client_as, people):
    _, _, maria = people
    with Session(services.db) as session:
        member = session.get(Member, maria.id)
        member.organisation_id = world.orgs["cedac"]
        session.add(member)
        session.commit()
    assert client_as("moderator").get(f"/admin/members/{maria.id}").status_code == 200
    assert client_as("parc").get(f"/admin/members/{maria.id}").status_code == 404


def test_the_record_shows_channels_masked_and_the_actions_the_role_allows(client_as,
                                                                          people):
    sokha = people[0]
    page = client_as("moderator").get(f"/admin/members/{sokha.id}").text
    assert "+855 •••••001" in page and sokha.phone not in page
    assert "/history" in page and "/export" in page and "/block" in page
    assert "/erase" not in page
    viewer = client_as("viewer").get(f"/admin/members/{sokha.id}").text
    assert "/history" not in viewer and "/block" not in viewer and "/export" not in viewer
    admin = client_as("admin").get(f"/admin/members/{sokha.id}").text
    assert sokha.phone in admin and f"/members/{sokha.id}/erase" in admin


def test_the_history_is_logged_and_not_for_viewers(services, client_as, people):
    sokha, dara, _ = people
    relay(services, sokha, dara)
    sokha.chat.say("P12 សួស្តី ដារា")
    page = client_as("moderator").get(f"/admin/members/{sokha.id}/history")
    assert page.status_code == 200
    assert '<p lang="km" class="said">P12 សួស្តី ដារា</p>' in page.text
    assert "from the member" in page.text and "to the member" in page.text
    assert ("member.history", str(sokha.id)) in audit_actions(services)
    assert client_as("viewer").get(f"/admin/members/{sokha.id}/history").status_code == 403


def test_numbers_inside_messages_are_masked_but_for_admins(services, client_as, people):
    sokha, dara, _ = people
    relay(services, sokha, dara)
    sokha.chat.say("P12 ទូរស័ព្ទមកខ្ញុំ 012 345 678")
    page = client_as("moderator").get(f"/admin/members/{sokha.id}/history").text
    assert "012 345 678" not in page and "ទូរស័ព្ទមកខ្ញុំ ••••••••678" in page
    assert "012 345 678" in client_as("admin").get(f"/admin/members/{sokha.id}/history").text
    assert client_as("translator").get(
        f"/admin/members/{sokha.id}/history").status_code == 403


def test_zawgyi_is_never_shown(services, client_as, world):
    burmese = "မင်္ဂလာပါ ကျွန်တော့်ဆန်စက်အကြောင်း မေးချင်ပါတယ်"
    zawgyi = to_zawgyi(burmese)
    assert zawgyi != burmese
    with Session(services.db) as session:
        session.add(Organisation(slug="mm", name="Myanmar partner", country="MM"))
        session.commit()
    chat = person(services, ("+959123456789", "4", "အောင်အောင်", "ဆန်စက်")).chat
    chat.say(zawgyi)
    page = client_as("admin").get(f"/admin/members/{chat.member().id}/history").text
    assert burmese in page and zawgyi not in page


def test_the_export_is_theirs_only_and_logged(services, client_as, people):
    sokha, dara, _ = people
    relay(services, sokha, dara)
    sokha.chat.say("P12 សួស្តី ដារា")
    dara.chat.say("P12 Hello Sokha, my pepper secret")
    response = client_as("moderator").get(f"/admin/members/{sokha.id}/export")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert "no-store" in response.headers["cache-control"]
    data = json.loads(response.text)
    assert data["member"]["name"] == sokha.name
    assert [i["address"] for i in data["identities"]] == [sokha.phone]
    assert "P12 សួស្តី ដារា" in [m["text"] for m in data["messages_received"]]
    assert data["messages_sent"] and "text" not in data["messages_sent"][0]
    (intro,) = data["introductions"]
    assert intro["asked_by_me"] is True and intro["status"] == "active"
    assert set(intro) == {"id", "topic", "status", "asked_by_me", "created_at",
                          "closed_at", "closed_by_me", "my_report"}  # not who the peer is
    for theirs in (dara.name, "pepper secret", dara.phone):
        assert theirs not in response.text
    assert ("member.export", str(sokha.id)) in audit_actions(services)
    assert client_as("viewer").get(f"/admin/members/{sokha.id}/export").status_code == 403
