"""The programme's tools: SMS prices and broadcasts. Sending and cancelling are called
on a broadcast nobody has (allowed roles get past the role check to a 404);
tests/web/console/test_broadcasts.py sends and cancels real ones."""

from __future__ import annotations

from content.db import session_scope
from content.models import Broadcast
from tests.web.console.routes import row

EVERYONE = dict(admin=200, moderator=200, translator=200, viewer=200)
READERS = dict(admin=200, moderator=200, translator=403, viewer=200)
STAFF = dict(admin=200, moderator=200, translator=403, viewer=403)
MISSING = dict(admin=404, moderator=404, translator=403, viewer=403)


def cedacs(db, world) -> dict:
    """A draft broadcast of CEDAC's."""
    with session_scope(db) as session:
        draft = Broadcast(title="Field day", texts={"en": "Hello"},
                          organisation_id=world.orgs["cedac"])
        session.add(draft)
        session.flush()
        return {"broadcast_id": draft.id}


def missing(_db, _world) -> dict:
    """A broadcast id nobody has."""
    return {"broadcast_id": 999999}


ROWS = [
    row("GET", "/admin/sms/prices", **EVERYONE),
    row("GET", "/admin/broadcasts", **READERS),
    row("GET", "/admin/broadcasts/new", **STAFF),
    row("POST", "/admin/broadcasts", admin=303, moderator=303, translator=403, viewer=403,
        form={"title": "Field day", "text_en": "Hello"}),
    row("GET", "/admin/broadcasts/{broadcast_id}", **READERS, setup=cedacs),
    row("GET", "/admin/broadcasts/{broadcast_id}/progress", **READERS, setup=cedacs),
    row("POST", "/admin/broadcasts/{broadcast_id}/send", **MISSING, setup=missing),
    row("POST", "/admin/broadcasts/{broadcast_id}/cancel", **MISSING, setup=missing),
]
