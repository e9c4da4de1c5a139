"""The relay reports queue: a reported relay shows its report, both profiles and its own
messages (never one a member sent elsewhere); a moderator closes it or blocks a member;
the JSON API gives the same messages."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.member_notices import BLOCKED, CLOSED
from content.models import Introduction, Member
from tests.support.console import csrf_of
from tests.web.console.members_world import DARA, MARIA, SOKHA, audit_actions, person, relay


@pytest.fixture
def reported(services, world):
    """Sokha and Dara talk through P12; Sokha also writes to the bot and to Maria
    through P34; Dara reports P12."""
    sokha, dara, maria = person(services, SOKHA), person(services, DARA), \
        person(services, MARIA)
    relay(services, sokha, maria, code="P34")
    intro_id = relay(services, sokha, dara)
    sokha.chat.say("P12 សួស្តី ដារា តើអ្នកលក់ម្ទេសយ៉ាងម៉េច?")
    dara.chat.say("P12 <script>alert(1)</script> ជំរាបសួរ")
    sokha.chat.say("P34 a private word for Maria")
    sokha.chat.say("STORY")
    sokha.chat.say("P12 <img src=x onerror=alert(1)>")
    dara.chat.say("P12 REPORT គាត់សួរលេខទូរស័ព្ទខ្ញុំរហូត")
    for chat in (sokha.chat, dara.chat, maria.chat):
        chat.received()
    return sokha, dara, maria, intro_id


def test_the_queue_lists_the_report_in_scope(client_as, reported):
    sokha, dara, _, intro_id = reported
    page = client_as("moderator").get("/admin/queues/reports").text
    assert "គាត់សួរលេខទូរស័ព្ទខ្ញុំរហូត" in page and f"/queues/reports/{intro_id}" in page
    assert sokha.name in page and dara.name in page
    assert "P12" not in page  # the code would let anyone write into the relay
    assert f"/queues/reports/{intro_id}" not in client_as("parc").get(
        "/admin/queues/reports").text
    assert client_as("parc").get(f"/admin/queues/reports/{intro_id}").status_code == 404
    filtered = client_as("admin").get("/admin/queues/reports", params={"country": "PH"})
    assert f"/queues/reports/{intro_id}" not in filtered.text


def test_a_report_shows_the_messages_of_that_relay_only(services, client_as, reported):
    sokha, dara, maria, intro_id = reported
    page = client_as("moderator").get(f"/admin/queues/reports/{intro_id}").text
    assert '<p lang="km" class="said">សួស្តី ដារា តើអ្នកលក់ម្ទេសយ៉ាងម៉េច?</p>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ជំរាបសួរ" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert "REPORT គាត់សួរលេខទូរស័ព្ទខ្ញុំរហូត" in page
    assert "private word for Maria" not in page and "STORY" not in page
    assert maria.name not in page
    assert sokha.phone not in page and dara.phone not in page
    assert ("relay.read", str(intro_id)) in audit_actions(services)
    viewer = client_as("viewer").get(f"/admin/queues/reports/{intro_id}").text
    assert "ជំរាបសួរ" not in viewer and "moderators and administrators only" in viewer
    assert "/block" not in viewer


def test_the_api_gives_the_same_messages(client_as, world, reported):
    sokha, dara, _, intro_id = reported
    api = client_as("moderator")
    headers = {"Authorization": f"Bearer {world.tokens['moderator']}"}
    body = api.get(f"/api/moderation/introductions/{intro_id}/messages",
                   headers=headers).json()
    assert [(m["member_id"], m["text"]) for m in body] == [
        (sokha.id, "សួស្តី ដារា តើអ្នកលក់ម្ទេសយ៉ាងម៉េច?"),
        (dara.id, "<script>alert(1)</script> ជំរាបសួរ"),
        (sokha.id, "<img src=x onerror=alert(1)>"),
        (dara.id, "REPORT គាត់សួរលេខទូរស័ព្ទខ្ញុំរហូត")]
    parc = {"Authorization": f"Bearer {world.tokens['parc']}"}
    assert api.get(f"/api/moderation/introductions/{intro_id}/messages",
                   headers=parc).status_code == 404
    listed = api.get("/api/moderation/introductions", params={"status": "reported"},
                     headers=parc).json()
    assert listed == []


def test_closing_the_relay_tells_both_and_empties_the_queue(services, client_as, reported):
    sokha, dara, _, intro_id = reported
    client = client_as("moderator")
    page = client.get(f"/admin/queues/reports/{intro_id}")
    response = client.post(f"/admin/queues/reports/{intro_id}/close",
                           data={"csrf_token": csrf_of(page.text)})
    assert response.headers["location"].endswith("/admin/queues/reports?ok=relay_closed")
    with Session(services.db) as session:
        assert session.get(Introduction, intro_id).status == "closed"
    assert [m.text for m in sokha.chat.received()] == [sokha.chat.text_of(CLOSED)]
    assert [m.text for m in dara.chat.received()] == [dara.chat.text_of(CLOSED)]
    assert f"/queues/reports/{intro_id}" not in client.get("/admin/queues/reports").text
    assert client.get(f"/admin/queues/reports/{intro_id}").status_code == 200  # still read


def test_blocking_from_a_report(services, client_as, reported):
    sokha, dara, maria, intro_id = reported
    client = client_as("moderator")
    page = client.get(f"/admin/queues/reports/{intro_id}")
    response = client.post(f"/admin/queues/reports/{intro_id}/block", data={
        "member_id": str(sokha.id), "reason": "asked for phone numbers",
        "csrf_token": csrf_of(page.text)})
    assert response.headers["location"].endswith(f"/admin/queues/reports/{intro_id}?ok=blocked")
    with Session(services.db) as session:
        assert session.get(Member, sokha.id).blocked_at is not None
    assert [m.text for m in sokha.chat.received()] == [sokha.chat.text_of(BLOCKED)]
    assert [m.text for m in maria.chat.received()] == [maria.chat.text_of(CLOSED)]  # P34
    stranger = client.post(f"/admin/queues/reports/{intro_id}/block", data={
        "member_id": str(maria.id), "reason": "x", "csrf_token": csrf_of(page.text)})
    assert stranger.status_code == 422
