"""The moderation API for introductions: the list with both public profiles and the
report, and closing one (both members told, in their language, on their channel)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.render import Renderer
from bot.replies import Reply
from content.channels import kind
from content.languages import LANGUAGE_CODES
from content.models import AuditLog, InboundMessage, Introduction, utcnow
from tests.bot.test_dialogs import onboard
from tests.support.chat import Chat
from tests.web.moderation.conftest import ADMIN
from web.moderation.peers import CLOSED

SMS = kind("sms")

PHONE, CHAT_ID, USERNAME = "+85512345001", "700001", "ricefarmer_kh"
PROFILE = {"member_id", "name", "country", "role", "sector"}
FIELDS = {"id", "topic", "reasons", "status", "member_a", "member_b", "report_text",
          "created_at", "closed_at", "closed_by"}


@pytest.fixture
def peers(services) -> tuple[Chat, Chat]:
    """A Khmer member on SMS and an English one on Telegram who has a username."""
    sms, telegram = Chat(services, "sms", PHONE), Chat(services, "telegram", CHAT_ID)
    onboard(sms, language="2")
    onboard(telegram)
    with Session(services.db) as session:
        for chat, name in ((sms, "Sokha"), (telegram, "Maria")):
            member = chat.member()
            member.name = name
            session.add(member)
        session.add(InboundMessage(
            provider="telegram", provider_key="u-1", channel="telegram", address=CHAT_ID,
            member_id=telegram.member().id, text="hi",
            payload={"message": {"from": {"id": 700001, "username": USERNAME}}}))
        session.commit()
    return sms, telegram


def introduce(services, a: Chat, b: Chat, status: str, **values) -> int:
    with Session(services.db) as session:
        intro = Introduction(member_a=a.member().id, member_b=b.member().id, status=status,
                             topic="farming", reasons=["offers:farming", "cross-border:KH-PH"],
                             relay_code="P47", **values)
        session.add(intro)
        session.commit()
        return intro.id


def private(text: str) -> list[str]:
    """Contact details found in a response body."""
    return [secret for secret in (PHONE, PHONE[1:], CHAT_ID, USERNAME, "P47") if secret in text]


def audit(services) -> list[AuditLog]:
    with Session(services.db) as session:
        return list(session.exec(select(AuditLog).where(AuditLog.target_type != "account")
                                 .order_by(AuditLog.id)))


def test_reported_introductions_show_both_profiles_and_the_report(client, services, peers):
    sms, telegram = peers
    now = utcnow()
    reported = introduce(services, sms, telegram, "reported", report_text="He was rude",
                         closed_at=now, closed_by=sms.member().id)
    introduce(services, sms, telegram, "active")
    response = client.get("/api/moderation/introductions", params={"status": "reported"})
    assert response.status_code == 200
    (row,) = response.json()
    assert set(row) == FIELDS
    assert (row["id"], row["status"], row["report_text"]) == (reported, "reported",
                                                               "He was rude")
    assert row["reasons"] == ["offers:farming", "cross-border:KH-PH"]
    assert row["closed_by"] == sms.member().id and row["closed_at"]
    assert set(row["member_a"]) == set(row["member_b"]) == PROFILE
    assert row["member_a"] == {"member_id": sms.member().id, "name": "Sokha",
                               "country": "KH", "role": "member", "sector": "agriculture"}
    assert row["member_b"]["name"] == "Maria"
    assert private(response.text) == []


@pytest.mark.parametrize("status", ["proposed", "active", "declined", "closed", "reported"])
def test_each_status_lists_only_its_own(client, services, peers, status):
    ids = {s: introduce(services, *peers, s) for s in
           ("proposed", "active", "declined", "closed", "reported")}
    body = client.get("/api/moderation/introductions", params={"status": status}).json()
    assert [row["id"] for row in body] == [ids[status]]
    everything = client.get("/api/moderation/introductions").json()
    assert sorted(row["id"] for row in everything) == sorted(ids.values())


@pytest.mark.parametrize("params", [{"status": "open"}, {"status": ""}, {"limit": 0},
                                    {"limit": 501}, {"offset": -1}])
def test_bad_filters_are_422(client, params):
    assert client.get("/api/moderation/introductions", params=params).status_code == 422


def test_closing_tells_both_members_and_is_audited(client, services, peers):
    sms, telegram = peers
    intro_id = introduce(services, sms, telegram, "active")
    response = client.post(f"/api/moderation/introductions/{intro_id}/close")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["closed_by"], body["notified"]) == ("closed", None, 2)
    assert body["closed_at"] and private(response.text) == []
    with Session(services.db) as session:
        stored = session.get(Introduction, intro_id)
        assert (stored.status, stored.closed_by) == ("closed", None)
        assert stored.closed_at is not None
    (told_sms,) = sms.received()
    (told_telegram,) = telegram.received()
    assert told_sms.text == services.catalog.text("km", CLOSED, "sms")
    assert told_telegram.text == services.catalog.text("en", CLOSED, "telegram")
    (entry,) = audit(services)
    assert (entry.actor, entry.action, entry.target_type, entry.target_id) == (
        ADMIN[0], "introduction.close", "introduction", str(intro_id))
    assert entry.details["before"]["status"] == "active"


def test_closing_a_report_keeps_who_reported_it_in_the_audit_log(client, services, peers):
    sms, telegram = peers
    intro_id = introduce(services, sms, telegram, "reported", report_text="spam",
                         closed_at=utcnow() - timedelta(hours=1), closed_by=telegram.member().id)
    body = client.post(f"/api/moderation/introductions/{intro_id}/close").json()
    assert (body["status"], body["report_text"], body["closed_by"]) == ("closed", "spam", None)
    (entry,) = audit(services)
    assert entry.details["before"]["status"] == "reported"
    assert entry.details["before"]["closed_by"] == telegram.member().id


def test_a_member_who_opted_out_is_not_told(client, services, peers):
    sms, telegram = peers
    sms.say("STOP")
    intro_id = introduce(services, sms, telegram, "proposed")
    assert client.post(f"/api/moderation/introductions/{intro_id}/close").json()[
        "notified"] == 1
    assert sms.received() == [] and len(telegram.received()) == 1


@pytest.mark.parametrize("status", ["closed", "declined"])
def test_what_is_over_cannot_be_closed_again(client, services, peers, status):
    intro_id = introduce(services, *peers, status)
    response = client.post(f"/api/moderation/introductions/{intro_id}/close")
    assert response.status_code == 409 and status in response.json()["detail"]
    assert audit(services) == []
    assert peers[0].received() == [] and peers[1].received() == []


def test_an_unknown_introduction_is_404(client, services):
    assert client.post("/api/moderation/introductions/999999/close").status_code == 404
    assert audit(services) == []


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_closing_notice_fits_two_sms_segments(services, lang):
    rendering = Renderer(services.catalog, SMS, lang, budget=2).render([Reply(CLOSED)])
    assert rendering.pending == [] and len(rendering.messages) == 1
    assert rendering.messages[0].segments <= 2
