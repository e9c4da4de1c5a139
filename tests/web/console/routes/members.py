"""Members, relay reports and the audit log: console pages and the moderation API's
member and introduction routes. Every row acts on Cambodian members, in the scope of
CEDAC's accounts."""

from __future__ import annotations

from content.db import session_scope
from content.models import Introduction, Member, utcnow
from tests.web.console.routes import row

READERS = dict(admin=200, moderator=200, translator=403, viewer=200)
STAFF_PAGE = dict(admin=303, moderator=303, translator=403, viewer=403)
STAFF = dict(admin=200, moderator=200, translator=403, viewer=403)
QUEUE_READERS = dict(admin=200, moderator=200, translator=200, viewer=200)


def two_members(db, world, *, status: str = "active", **member: object) -> dict:
    """Two Cambodian members (the first with `member`'s values) and an introduction."""
    with session_scope(db) as session:
        a = Member(name="Sokha", country="KH", language="km", **member)
        b = Member(name="Dara", country="KH", language="km")
        session.add_all([a, b])
        session.flush()
        intro = Introduction(member_a=a.id, member_b=b.id, status=status, relay_code="P12",
                             report_text="rude" if status == "reported" else None,
                             closed_at=utcnow() if status == "reported" else None,
                             closed_by=a.id if status == "reported" else None)
        session.add(intro)
        session.flush()
        return {"member_id": a.id, "introduction_id": intro.id}


def an_expert(db, world) -> dict:
    return two_members(db, world, role="expert", topics_offered=["farming"])


def a_blocked_member(db, world) -> dict:
    return two_members(db, world, blocked_at=utcnow(), blocked_reason="spam")


def a_report(db, world) -> dict:
    return two_members(db, world, status="reported")


ROWS = [
    # Console pages.
    row("GET", "/admin/members", **READERS),
    row("GET", "/admin/members/{member_id}", **READERS, setup=two_members),
    row("GET", "/admin/members/{member_id}/history", **STAFF, setup=two_members),
    row("GET", "/admin/members/{member_id}/export", **STAFF, setup=two_members),
    row("POST", "/admin/members/{member_id}/expert", **STAFF_PAGE, setup=two_members,
        form={"topics": "farming", "languages": "km"}),
    row("POST", "/admin/members/{member_id}/unexpert", **STAFF_PAGE, setup=an_expert),
    row("POST", "/admin/members/{member_id}/block", **STAFF_PAGE, setup=two_members,
        form={"reason": "spam"}),
    row("POST", "/admin/members/{member_id}/unblock", **STAFF_PAGE, setup=a_blocked_member),
    row("GET", "/admin/members/{member_id}/erase", admin=200, moderator=403, translator=403,
        viewer=403, setup=two_members),
    row("POST", "/admin/members/{member_id}/erase", admin=422, moderator=403,
        translator=403, viewer=403, setup=two_members, form={"confirm": "0"},
        note="the wrong id typed: the admin gets past the check to the confirmation"),
    row("GET", "/admin/queues/reports", **READERS),
    row("GET", "/admin/queues/reports/{introduction_id}", **READERS, setup=a_report),
    row("POST", "/admin/queues/reports/{introduction_id}/close", **STAFF_PAGE,
        setup=a_report),
    row("POST", "/admin/queues/reports/{introduction_id}/block", admin=422, moderator=422,
        translator=403, viewer=403, setup=a_report, form={"member_id": "0", "reason": "x"},
        note="no such member in the relay: allowed roles get past the check"),
    row("GET", "/admin/audit", **READERS),
    # The moderation API.
    row("GET", "/api/moderation/members", **READERS),
    row("GET", "/api/moderation/members/search", **READERS),
    row("POST", "/api/moderation/members/{member_id}/expert", **STAFF,
        json={"topics_offered": ["farming"], "languages": ["en"]}, setup=two_members),
    row("POST", "/api/moderation/members/{member_id}/unexpert", **STAFF, setup=an_expert),
    row("POST", "/api/moderation/members/{member_id}/role", **STAFF,
        json={"role": "member"}, setup=two_members),
    row("POST", "/api/moderation/members/{member_id}/block", **STAFF,
        json={"reason": "spam"}, setup=two_members),
    row("POST", "/api/moderation/members/{member_id}/unblock", **STAFF,
        setup=a_blocked_member),
    row("POST", "/api/moderation/members/{member_id}/export", **STAFF, setup=two_members),
    row("POST", "/api/moderation/members/{member_id}/erase", admin=422, moderator=403,
        translator=403, viewer=403, json={"confirm": "0"}, setup=two_members,
        note="the wrong id typed: the admin gets past the check to the confirmation"),
    row("GET", "/api/moderation/introductions", **QUEUE_READERS),
    row("POST", "/api/moderation/introductions/{introduction_id}/close", **STAFF,
        setup=two_members),
    row("GET", "/api/moderation/introductions/{introduction_id}/messages", **STAFF,
        setup=a_report),
]
