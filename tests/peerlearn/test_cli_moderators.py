"""`peerlearn moderators add` and `peerlearn members expert`: people set up from the
command line, against the test database (SQLite or PostgreSQL), every change audited."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot import notify
from bot.replies import Notice, Reply
from content.models import AuditLog, Identity, Member, Organisation, utcnow
from peerlearn.cli import app
from tests.bot.test_dialogs import onboard
from tests.support.chat import Chat

runner = CliRunner()
PHONE = "+639171234002"


@pytest.fixture
def cli(services, database_url):
    """Runs a peerlearn command against the test database."""
    def run(*args: str):
        return runner.invoke(app, list(args), env={"DATABASE_URL": database_url})
    return run


def rows(services, model, *where) -> list:
    with Session(services.db) as session:
        return list(session.exec(select(model).where(*where)))


def add_moderator(cli, name: str = "Ana Reyes", email: str = "Ana@PARC.example.org"):
    return cli("moderators", "add", "--email", email, "--name", name,
               "--organisation", "parc", "--organisation-name", "PARC Interpeoples")


def test_a_moderator_is_added_once_then_updated(cli, services):
    added = add_moderator(cli)
    assert added.exit_code == 0, added.output
    assert "added (parc)" in added.output
    (org,) = rows(services, Organisation)
    assert (org.slug, org.name) == ("parc", "PARC Interpeoples")
    (member,) = rows(services, Member)
    assert (member.name, member.role, member.organisation_id) == ("Ana Reyes", "moderator",
                                                                  org.id)
    (login,) = rows(services, Identity)
    assert (login.member_id, login.address, login.opted_out) == (
        member.id, "ana@parc.example.org", True)
    again = add_moderator(cli, name="Ana R. Reyes", email="ana@parc.example.org")
    assert again.exit_code == 0 and "updated" in again.output
    assert [m.name for m in rows(services, Member)] == ["Ana R. Reyes"]
    assert len(rows(services, Organisation)) == 1
    assert [e.action for e in rows(services, AuditLog)] == [
        "organisation.add", "moderator.add", "moderator.update"]
    assert all(e.actor.startswith("cli") for e in rows(services, AuditLog))


def test_no_message_is_ever_queued_to_a_moderator_login(cli, services):
    assert add_moderator(cli).exit_code == 0
    (member,) = rows(services, Member)
    with Session(services.db) as session:
        assert notify.deliver(session, services.catalog,
                              Notice(member.id, (Reply("menu.title"),)), now=utcnow()) == []


@pytest.mark.parametrize(("args", "says"), [
    (["--email", "not-an-address"], "not an e-mail address"),
    (["--email", "x" * 60 + "@example.org"], "at most 64"),
    (["--organisation", "Not A Slug"], "organisation slug"),
])
def test_bad_moderator_details_are_refused(cli, services, args, says):
    base = {"--email": "ana@parc.example.org", "--name": "Ana", "--organisation": "parc"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = cli("moderators", "add", *[part for pair in base.items() for part in pair])
    assert result.exit_code == 1 and says in result.output
    assert rows(services, Member) == [] and rows(services, AuditLog) == []


def test_the_help_says_the_console_login_comes_later(cli):
    shown = " ".join(cli("moderators", "add", "--help").output.split())
    assert "console login" in shown and "comes later" in shown
    assert "ADMIN_EMAIL and ADMIN_PASSWORD" in shown


@pytest.mark.parametrize("by", ["phone", "id"])
def test_a_member_becomes_a_resource_person(cli, services, by):
    chat = Chat(services, "sms", PHONE)
    onboard(chat)
    member_id = chat.member().id
    assert add_moderator(cli).exit_code == 0
    ref = "+63 917 123 4002" if by == "phone" else str(member_id)
    result = cli("members", "expert", ref, "--topics", "microfinance,savings-credit",
                 "--topics", "cooperatives", "--languages", "en,fil",
                 "--timezone", "Asia/Manila", "--organisation", "parc")
    assert result.exit_code == 0, result.output
    assert f"member {member_id} is a resource person" in result.output
    member = chat.member()
    assert member.role == "expert"
    assert member.topics_offered == ["microfinance", "savings-credit", "cooperatives"]
    assert (member.languages, member.timezone) == (["fil"], "Asia/Manila")
    (org,) = rows(services, Organisation)
    assert member.organisation_id == org.id
    (entry,) = rows(services, AuditLog, AuditLog.action == "member.expert")
    assert entry.target_id == str(member_id) and entry.details["after"]["role"] == "expert"


@pytest.mark.parametrize(("ref", "args", "says"), [
    ("+85599000111", [], "no member has written from this number"),
    ("999999", [], "no member 999999"),
    ("rice", [], "neither a member id nor a phone number"),
    (PHONE, ["--topics", "astrology"], "astrology"),
    (PHONE, ["--languages", "fr"], "fr"),
    (PHONE, ["--timezone", "Mars/Olympus"], "Mars/Olympus"),
    (PHONE, ["--organisation", "nobody"], "no organisation 'nobody'"),
])
def test_what_cannot_make_a_resource_person_is_refused(cli, services, ref, args, says):
    chat = Chat(services, "sms", PHONE)
    onboard(chat)
    topics = [] if "--topics" in args else ["--topics", "farming"]
    result = cli("members", "expert", ref, *topics, *args)
    assert result.exit_code == 1 and says in result.output, result.output
    assert chat.member().role == "member" and rows(services, AuditLog) == []


def test_an_unmigrated_database_is_named(tmp_path):
    result = runner.invoke(app, ["members", "expert", "1", "--topics", "farming"],
                           env={"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"})
    assert result.exit_code == 1 and "peerlearn migrate" in result.output
