"""The moderation JSON API (/api/moderation): personal tokens, the same roles. The
question and answer routes are in questions.py."""

from __future__ import annotations

from content.db import session_scope
from content.models import Introduction, Member
from tests.web.console.routes import row

READERS = dict(admin=200, moderator=200, translator=200, viewer=200)
STAFF_ONLY = dict(admin=200, moderator=200, translator=403, viewer=403)


def two_members(db, world) -> dict:
    """Two onboarded members in Cambodia and an active introduction between them."""
    with session_scope(db) as session:
        a = Member(name="Sokha", country="KH", language="km")
        b = Member(name="Dara", country="KH", language="km")
        session.add_all([a, b])
        session.flush()
        intro = Introduction(member_a=a.id, member_b=b.id, status="active")
        session.add(intro)
        session.flush()
        return {"member_id": a.id, "introduction_id": intro.id}


ROWS = [
    row("GET", "/api/moderation/introductions", **READERS),
    row("POST", "/api/moderation/introductions/{introduction_id}/close", **STAFF_ONLY,
        setup=two_members),
    row("GET", "/api/moderation/members", admin=200, moderator=200, translator=403,
        viewer=200),
    row("POST", "/api/moderation/members/{member_id}/expert", **STAFF_ONLY,
        json={"topics_offered": ["farming"], "languages": ["en"]}, setup=two_members),
    row("POST", "/api/moderation/members/{member_id}/role", **STAFF_ONLY,
        json={"role": "member"}, setup=two_members),
]
