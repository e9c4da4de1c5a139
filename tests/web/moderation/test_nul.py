"""A NUL character (U+0000) in a moderation request's query or JSON text is a 422 on
both databases (PostgreSQL cannot store one: these were 500 there, found by the fuzz
run, tests/web/test_fuzz.py), and changes nothing; the same request without it works."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from content.models import AuditLog
from tests.bot.test_share import drop_member_practices
from tests.web import fuzz_world
from tests.web.fuzz_world import OPEN, PEER

HELD = fuzz_world.IDS["answer_id"][0]
# (method, path under /api/moderation, the request's text field, where it goes)
REQUESTS = [
    ("get", "/questions/queue", "org", "params"),
    ("get", "/questions/waiting", "org", "params"),
    ("get", "/answers/candidates", "org", "params"),
    ("get", "/members/search", "q", "params"),
    ("get", "/members/search", "organisation", "params"),
    ("post", f"/questions/{OPEN}/answer", "text", "json"),
    ("post", f"/questions/{OPEN}/close", "message", "json"),
    ("post", f"/questions/{OPEN}/translation", "text", "json"),
    ("post", f"/answers/{HELD}/translation", "text", "json"),
    ("post", f"/members/{PEER}/block", "reason", "json"),
]


@pytest.fixture
def world(services) -> Iterator[None]:
    fuzz_world.seed(services.db)
    yield
    drop_member_practices(services.db)


def actions(services) -> list[str]:
    with Session(services.db) as session:
        return list(session.exec(select(AuditLog.action).where(
            AuditLog.target_type != "account")))


@pytest.mark.parametrize(("method", "path", "field", "where"), REQUESTS)
def test_a_nul_in_moderation_text_is_422_and_changes_nothing(client, services, world, method,
                                                              path, field, where):
    url = "/api/moderation" + path
    refused = client.request(method, url, **{where: {field: "dry\x00fish"}})
    assert refused.status_code == 422, refused.text
    assert "NUL" in refused.json()["detail"]
    assert actions(services) == []
    accepted = client.request(method, url, **{where: {field: "dry fish"}})
    assert accepted.status_code == 200, accepted.text
