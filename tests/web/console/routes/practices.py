"""Practices: the list, a practice's page, the editor, versions and what publishes,
archives or reviews; the SMS meter; the SHARE drafts queue; and the practice routes of the
JSON API. Routes that change a practice are called on a practice that does not exist
(allowed roles get past the role check to a 404), so the shared content store is never
changed here: tests/web/console/test_practices*.py act on real practices."""

from __future__ import annotations

from sqlmodel import Session, select

from content.models import Practice
from tests.web.console.routes import row

EVERYONE = dict(admin=200, moderator=200, translator=200, viewer=200)
EDITORS = dict(admin=200, moderator=200, translator=200, viewer=403)
MISSING = dict(admin=404, moderator=404, translator=404, viewer=403)
MISSING_STAFF = dict(admin=404, moderator=404, translator=403, viewer=403)


def sri(db, _world) -> dict:
    """A bundled practice of the shared store."""
    with Session(db) as session:
        found = session.exec(select(Practice.id).where(Practice.slug == "sri-cambodia")).one()
    return {"practice_id": found}


def missing(_db, _world) -> dict:
    """A practice id nobody has."""
    return {"practice_id": 999999, "number": 1, "lang": "km"}


ROWS = [
    row("GET", "/admin/practices", **EVERYONE),
    row("GET", "/admin/practices/{practice_id}", **EVERYONE, setup=sri),
    row("GET", "/admin/practices/{practice_id}/edit", **EDITORS, setup=sri),
    row("POST", "/admin/practices/{practice_id}/edit", **MISSING, setup=missing,
        form={"langs": "en", "title_en": "x"}),
    row("GET", "/admin/practices/{practice_id}/versions", **EVERYONE, setup=sri),
    row("POST", "/admin/practices/{practice_id}/publish", **MISSING, setup=missing),
    row("POST", "/admin/practices/{practice_id}/versions/{number}/restore", **MISSING,
        setup=missing),
    row("POST", "/admin/practices/{practice_id}/archive", **MISSING_STAFF, setup=missing),
    row("POST", "/admin/practices/{practice_id}/unarchive", **MISSING_STAFF, setup=missing),
    row("POST", "/admin/practices/{practice_id}/review/{lang}", **MISSING, setup=missing,
        note="km: the translator holds it"),
    row("POST", "/admin/practices/{practice_id}/discard", **MISSING, setup=missing),
    row("POST", "/admin/sms/segments", **EVERYONE, form={"text": "hello", "lang": "en"}),
    row("GET", "/admin/queues/drafts", **EVERYONE),
    # The JSON API, with the same roles and scopes.
    row("GET", "/api/moderation/practices/drafts", **EVERYONE),
    row("PATCH", "/api/moderation/practices/{practice_id}", **MISSING, json={},
        setup=missing),
    row("POST", "/api/moderation/practices/{practice_id}/publish", **MISSING, setup=missing),
    row("POST", "/api/moderation/practices/{practice_id}/archive", **MISSING_STAFF,
        setup=missing),
    row("POST", "/api/moderation/practices/{practice_id}/restore", **MISSING_STAFF,
        setup=missing),
    row("GET", "/api/moderation/visits/demand", **EVERYONE),
    row("GET", "/api/moderation/practices/replication", **EVERYONE),
]
