"""The moderation API's member routes use the same services and scopes as the pages:
search (numbers masked, for admins too: no GET of the API carries one), block and
unblock, unexpert, export (a POST, the member's own numbers), erase."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.member_notices import BLOCKED, CLOSED, EXPERT_MADE
from content.models import Introduction, Member
from tests.web.console.members_world import DARA, MARIA, SOKHA, audit_actions, person, relay


@pytest.fixture
def people(services, world):
    return person(services, SOKHA), person(services, DARA), person(services, MARIA)


@pytest.fixture
def api(client_as, world):
    """`api("moderator").get(...)`: a client sending that person's personal token."""
    def as_(who: str):
        client = client_as(who)
        client.headers["Authorization"] = f"Bearer {world.tokens[who]}"
        return client
    return as_


def test_search_is_scoped_and_masks_every_number(api, people):
    sokha, dara, maria = people
    found = api("moderator").get("/api/moderation/members/search",
                                 params={"q": "ស្រូវ"}).json()
    assert [(m["member_id"], m["phone"], m["channels"]) for m in found] == [
        (sokha.id, "+855 •••••001", ["sms"])]
    everyone = api("admin").get("/api/moderation/members/search").json()
    assert {m["member_id"] for m in everyone} == {sokha.id, dara.id, maria.id}
    assert all(m["phone"].count("•") for m in everyone)
    assert [m["member_id"] for m in api("parc").get(
        "/api/moderation/members/search").json()] == [maria.id]
    assert api("parc").post(f"/api/moderation/members/{sokha.id}/block",
                            json={"reason": "x"}).status_code == 404


def test_block_unblock_and_resource_persons_through_the_api(services, api, people):
    sokha, dara, _ = people
    intro_id = relay(services, sokha, dara)
    blocked = api("moderator").post(f"/api/moderation/members/{sokha.id}/block",
                                    json={"reason": "insults"})
    assert blocked.status_code == 200, blocked.text
    with Session(services.db) as session:
        assert session.get(Introduction, intro_id).status == "closed"
        assert session.get(Member, sokha.id).blocked_reason == "insults"
    assert [m.text for m in sokha.chat.received()] == [sokha.chat.text_of(BLOCKED)]
    assert [m.text for m in dara.chat.received()] == [dara.chat.text_of(CLOSED)]
    assert api("moderator").post(f"/api/moderation/members/{sokha.id}/block",
                                 json={"reason": "again"}).status_code == 409
    assert api("moderator").post(
        f"/api/moderation/members/{sokha.id}/unblock").status_code == 200
    made = api("moderator").post(f"/api/moderation/members/{dara.id}/expert",
                                 json={"topics_offered": ["farming"], "languages": ["km"]})
    assert made.json()["role"] == "expert"
    assert dara.chat.text_of(EXPERT_MADE).split("{")[0] in "\n".join(
        m.text for m in dara.chat.received())
    unmade = api("moderator").post(f"/api/moderation/members/{dara.id}/unexpert")
    assert (unmade.json()["role"], unmade.json()["topics_offered"]) == ("member", [])
    assert [a for a, _ in audit_actions(services) if a.startswith("member.")] == [
        "member.block", "member.unblock", "member.expert", "member.unexpert"]


def test_export_and_erase_through_the_api(services, api, people):
    sokha, dara, _ = people
    assert api("moderator").get(
        f"/api/moderation/members/{sokha.id}/export").status_code == 405
    data = api("moderator").post(f"/api/moderation/members/{sokha.id}/export").json()
    assert data["identities"][0]["address"] == sokha.phone
    assert api("moderator").post(f"/api/moderation/members/{sokha.id}/erase",
                                 json={"confirm": str(sokha.id)}).status_code == 403
    wrong = api("admin").post(f"/api/moderation/members/{sokha.id}/erase",
                              json={"confirm": str(dara.id)})
    assert wrong.status_code == 422
    erased = api("admin").post(f"/api/moderation/members/{sokha.id}/erase",
                               json={"confirm": str(sokha.id)})
    assert erased.status_code == 200 and erased.json()["name"] is None
    again = api("admin").post(f"/api/moderation/members/{sokha.id}/erase",
                              json={"confirm": str(sokha.id)})
    assert again.status_code == 409
    assert ("member.erase", str(sokha.id)) in audit_actions(services)
