"""The audit log page: admins read every row, the others their organisation's; filters by
actor, action, target, organisation and dates; details shown as text."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from content.models import AuditLog, ConsoleAccount
from services.accounts import principal_of
from services.audit import record

DAY = datetime(2025, 3, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def log(services, world):
    """A few actions by CEDAC's moderator, PARC's and a command, on three days."""
    with Session(services.db) as session:
        cedac = principal_of(session, session.get(ConsoleAccount, world.accounts["moderator"]))
        parc = principal_of(session, session.get(ConsoleAccount, world.accounts["parc"]))
        rows = [
            record(session=session, actor=cedac, action="member.block", target_type="member",
                   target_id=11, reason="<b>insults</b> ប្រមាថ"),
            record(session=session, actor=cedac, action="member.history",
                   target_type="member", target_id=12),
            record(session=session, actor=parc, action="member.expert", target_type="member",
                   target_id=21),
            record(session=session, actor="cli:ana", action="organisation.add",
                   target_type="organisation", target_id="cedac"),
        ]
        for row, days in zip(rows, (0, 1, 1, 2), strict=True):
            row.at = DAY + timedelta(days=days)
        session.commit()


def shown(page: str) -> list[str]:
    """The actions listed on the page, in order."""
    return re.findall(r"<td><code>([^<]+)</code></td>", page)


def test_each_organisation_reads_its_own_actions(client_as, log):
    admin = client_as("admin").get("/admin/audit").text
    assert shown(admin) == ["organisation.add", "member.expert", "member.history",
                            "member.block"]  # newest first
    assert shown(client_as("moderator").get("/admin/audit").text) == [
        "member.history", "member.block"]
    assert shown(client_as("viewer").get("/admin/audit").text) == [
        "member.history", "member.block"]
    assert shown(client_as("parc").get("/admin/audit").text) == ["member.expert"]
    assert client_as("translator").get("/admin/audit").status_code == 403


@pytest.mark.parametrize(("params", "expected"), [
    ({"actor": "PARC.example"}, ["member.expert"]),
    ({"action": "member."}, ["member.expert", "member.history", "member.block"]),
    ({"action": "member.block"}, ["member.block"]),
    ({"action": "%"}, []),
    ({"target_type": "organisation"}, ["organisation.add"]),
    ({"target_type": "member", "target_id": "12"}, ["member.history"]),
    ({"org": "parc"}, ["member.expert"]),
    ({"since": "2025-03-06"}, ["organisation.add", "member.expert", "member.history"]),
    ({"until": "2025-03-06"}, ["member.expert", "member.history", "member.block"]),
    ({"since": "2025-03-06", "until": "2025-03-06"}, ["member.expert", "member.history"]),
])
def test_filters(client_as, log, params, expected):
    assert shown(client_as("admin").get("/admin/audit", params=params).text) == expected


def test_a_moderator_cannot_read_another_organisation_by_filtering(client_as, log):
    assert shown(client_as("moderator").get("/admin/audit", params={"org": "parc"}).text) \
        == ["member.history", "member.block"]


def test_details_are_text_and_targets_link_to_members(client_as, log):
    page = client_as("admin").get("/admin/audit").text
    assert "&lt;b&gt;insults&lt;/b&gt; ប្រមាថ" in page and "<b>insults" not in page
    assert 'href="/admin/members/11"' in page


def test_paging(services, client_as, world, log):
    with Session(services.db) as session:
        for n in range(60):
            session.add(AuditLog(actor="cli:bulk", action="practice.import",
                                 target_type="practice", target_id=str(n),
                                 at=DAY + timedelta(days=3, minutes=n)))
        session.commit()
        assert len(session.exec(select(AuditLog)).all()) >= 64
    first = client_as("admin").get("/admin/audit").text
    assert "practice 59" in first and "practice 10" in first and "practice 9<" not in first
    assert "offset=50" in first
    second = client_as("admin").get("/admin/audit", params={"offset": 50}).text
    assert "practice 9" in second and "member.block" in second
