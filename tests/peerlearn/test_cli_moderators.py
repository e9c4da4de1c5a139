"""`peerlearn organisations add`, `peerlearn moderators add|link` and `peerlearn members
expert`: people set up from the command line, against the test database (SQLite or
PostgreSQL), every change audited."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from content.models import AuditLog, ConsoleAccount, Member, Organisation, utcnow
from peerlearn.cli import app
from services import accounts
from tests.bot.test_dialogs import onboard
from tests.support.chat import Chat

runner = CliRunner()
PHONE = "+639171234002"


@pytest.fixture
def cli(services, database_url):
    """Runs a peerlearn command against the test database."""
    def run(*args: str):
        return runner.invoke(app, list(args), env={
            "DATABASE_URL": database_url, "PUBLIC_BASE_URL": "https://peerlearn.example.org"})
    return run


def rows(services, model, *where) -> list:
    with Session(services.db) as session:
        return list(session.exec(select(model).where(*where)))


def add_organisation(cli, slug: str = "parc"):
    return cli("organisations", "add", slug, "--name", "PARC Interpeoples", "--country", "PH",
               "--languages", "en,fil")


def add_moderator(cli, email: str = "Ana@PARC.example.org", *extra: str):
    return cli("moderators", "add", email, "--org", "parc", "--languages", "en,fil", *extra)


def test_an_account_is_added_once_then_updated_with_a_one_time_link(cli, services):
    assert add_organisation(cli).exit_code == 0
    added = add_moderator(cli, "Ana@PARC.example.org", "--name", "Ana Reyes")
    assert added.exit_code == 0, added.output
    assert "added: ana@parc.example.org (moderator, parc)" in added.output
    link = re.search(r"https://peerlearn\.example\.org/admin/setup/(su_\S+)", added.output)
    assert link, added.output
    (org,) = rows(services, Organisation)
    assert (org.slug, org.name, org.country, org.languages) == (
        "parc", "PARC Interpeoples", "PH", ["en", "fil"])
    (account,) = rows(services, ConsoleAccount)
    assert (account.name, account.role, account.organisation_id, account.languages) == (
        "Ana Reyes", "moderator", org.id, ["en", "fil"])
    assert account.password_hash is None and link.group(1) not in str(account.model_dump())
    again = add_moderator(cli, "ana@parc.example.org", "--role", "translator")
    assert again.exit_code == 0 and "updated" in again.output
    (account,) = rows(services, ConsoleAccount)
    assert (account.name, account.role) == ("Ana Reyes", "translator")
    with Session(services.db) as session:  # the first link stopped working
        assert accounts.use_setup_token(session=session, token=link.group(1),
                                        now=utcnow()) is None
    assert [e.action for e in rows(services, AuditLog)] == [
        "organisation.add", "account.add", "account.update"]
    assert all(e.actor.startswith("cli") for e in rows(services, AuditLog))
    assert rows(services, Member) == []  # an account is not a member


def test_a_new_link_for_a_forgotten_password(cli, services):
    assert add_organisation(cli).exit_code == 0 and add_moderator(cli).exit_code == 0
    result = cli("moderators", "link", "ana@parc.example.org")
    assert result.exit_code == 0 and "/admin/setup/su_" in result.output
    assert cli("moderators", "link", "nobody@parc.example.org").exit_code == 1


@pytest.mark.parametrize(("args", "says"), [
    (["not-an-address", "--org", "parc"], "not an e-mail address"),
    (["ana@parc.example.org", "--org", "nobody"], "no organisation 'nobody'"),
    (["ana@parc.example.org"], "belongs to an organisation"),
    (["ana@parc.example.org", "--org", "parc", "--role", "boss"], "role must be one of"),
    (["ana@parc.example.org", "--org", "parc", "--languages", "fr"], "unknown languages fr"),
])
def test_bad_account_details_are_refused(cli, services, args, says):
    assert add_organisation(cli).exit_code == 0
    result = cli("moderators", "add", *args)
    assert result.exit_code == 1 and says in result.output, result.output
    assert rows(services, ConsoleAccount) == []


def test_an_admin_needs_no_organisation(cli, services):
    result = cli("moderators", "add", "lead@peerlearn.example.org", "--role", "admin")
    assert result.exit_code == 0, result.output
    (account,) = rows(services, ConsoleAccount)
    assert (account.role, account.organisation_id) == ("admin", None)


@pytest.mark.parametrize(("args", "says"), [
    (["Not A Slug", "--name", "X"], "a slug is lowercase"),
    (["parc", "--name", "PARC", "--country", "XX"], "not a two-letter country"),
    (["parc", "--name", "PARC", "--languages", "fr"], "unknown languages"),
])
def test_bad_organisations_are_refused(cli, services, args, says):
    result = cli("organisations", "add", *args)
    assert result.exit_code == 1 and says in result.output, result.output
    assert rows(services, Organisation) == []


@pytest.mark.parametrize("by", ["phone", "id"])
def test_a_member_becomes_a_resource_person(cli, services, by):
    chat = Chat(services, "sms", PHONE)
    onboard(chat)
    member_id = chat.member().id
    assert add_organisation(cli).exit_code == 0
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
