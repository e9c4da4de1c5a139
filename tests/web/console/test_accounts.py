"""The Accounts pages: the list and its filters, adding an account (its set-up link shown
once), changing role, organisation and languages, disabling and enabling, a new set-up
link, and the console never losing its last enabled admin."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from content.db import session_scope
from content.models import AuditLog, ConsoleAccount, utcnow
from services.accounts.passwords import digest
from tests.support.console import PEOPLE, csrf_of, form_login

LINK = re.compile(r"https://peerlearn\.example\.org/admin/setup/(su_[A-Za-z0-9_-]+)")
QUEUE = "/api/moderation/questions/queue"
ROW_ID = re.compile(r'<td class="name"><a href="/admin/accounts/(\d+)"')


def post(client, path: str, **data):
    """A form post with the session's CSRF token, as the page's form sends it."""
    return client.post(path, data={**data, "csrf_token": csrf_of(
        client.get("/admin/account").text)})


def account(services, email: str) -> ConsoleAccount:
    with Session(services.db) as session:
        return session.exec(select(ConsoleAccount).where(ConsoleAccount.email == email)).one()


def audit(services, action: str) -> list[AuditLog]:
    with Session(services.db) as session:
        return list(session.exec(select(AuditLog).where(AuditLog.action == action)))


@pytest.fixture
def admin(client_as):
    return client_as("admin")


def test_the_list_shows_each_account_s_role_organisation_languages_and_state(
        admin, anonymous, services, world):
    form_login(anonymous, PEOPLE["viewer"][0])  # gives the viewer a last login
    with session_scope(services.db) as session:
        session.get(ConsoleAccount, world.accounts["parc"]).disabled_at = utcnow()
    page = admin.get("/admin/accounts")
    assert page.status_code == 200
    assert len(ROW_ID.findall(page.text)) == len(PEOPLE)
    parc = re.search(rf'accounts/{world.accounts["parc"]}".*?</tr>', page.text, re.S).group(0)
    assert "PARC Interpeoples" in parc and ">disabled<" in parc and ">fil<" in parc
    viewer = re.search(rf'accounts/{world.accounts["viewer"]}".*?</tr>', page.text,
                       re.S).group(0)
    assert "CEDAC" in viewer and "UTC" in viewer and ">viewer<" in viewer


@pytest.mark.parametrize(("query", "people"), [
    ("role=moderator", {"moderator", "parc"}),
    ("org=parc", {"parc"}),
    ("lang=lo", {"translator"}),
    ("q=CEDAC.example", {"moderator", "translator", "viewer"}),
    ("status=disabled", {"viewer"}),
    ("role=&org=cedac&lang=km&status=enabled", {"moderator", "translator"}),
])
def test_the_filters_narrow_the_list(admin, services, world, query, people):
    with session_scope(services.db) as session:
        session.get(ConsoleAccount, world.accounts["viewer"]).disabled_at = utcnow()
    page = admin.get(f"/admin/accounts?{query}")
    shown = {int(i) for i in ROW_ID.findall(page.text)}
    assert shown == {world.accounts[p] for p in people}


def test_adding_an_account_shows_its_setup_link_once(admin, anonymous, services, world):
    response = post(admin, "/admin/accounts", email="Sokha@CEDAC.example.org",
                    name="Sokha", role="translator", organisation="cedac",
                    languages=["km", "lo"])
    assert response.status_code == 200
    assert "peerlearn sends no e-mail" in response.text
    assert "shown only this once" in response.text and 'data-copy="setup-link"' in response.text
    token = LINK.search(response.text).group(1)
    added = account(services, "sokha@cedac.example.org")
    assert (added.role, added.organisation_id, added.languages) == \
        ("translator", world.orgs["cedac"], ["km", "lo"])
    assert added.password_hash is None and added.setup_token_hash == digest(token)
    assert token not in admin.get(f"/admin/accounts/{added.id}").text
    assert token not in admin.get("/admin/accounts").text
    assert anonymous.get(f"/admin/setup/{token}").status_code == 200
    [row] = audit(services, "account.add")
    assert row.account_id == world.accounts["admin"] and row.target_id == str(added.id)


def test_an_account_without_languages_gets_its_organisation_s(admin, services):
    post(admin, "/admin/accounts", email="a@parc.example.org", name="A", role="viewer",
         organisation="parc")
    assert account(services, "a@parc.example.org").languages == ["en", "fil"]


@pytest.mark.parametrize(("fields", "reason"), [
    ({"email": PEOPLE["viewer"][0]}, "exists already"),
    ({"email": "not an address"}, "not an e-mail address"),
    ({"organisation": ""}, "belongs to an organisation"),
    ({"organisation": "nowhere"}, "no organisation"),
    ({"role": "owner"}, "role must be one of"),
    ({"languages": ["xx"]}, "unknown languages"),
    ({"name": "  "}, "A name is needed"),
])
def test_a_refused_account_shows_the_form_again_with_the_reason(admin, services, fields,
                                                                reason):
    typed = {"email": "b@cedac.example.org", "name": "Bopha", "role": "moderator",
             "organisation": "cedac", "languages": ["km"], **fields}
    response = post(admin, "/admin/accounts", **typed)
    assert response.status_code == 422
    assert reason in response.text
    assert 'value="Bopha"' in response.text or fields.get("name")  # what was typed stays
    assert audit(services, "account.add") == []


def test_changing_role_organisation_and_languages_applies_at_once(admin, client_as,
                                                                  services, world):
    moderator = client_as("moderator")
    bearer = {"Authorization": f"Bearer {world.tokens['moderator']}"}
    close = "/api/moderation/introductions/999999/close"
    assert moderator.post(close, headers=bearer).status_code == 404  # allowed, no such row
    response = post(admin, f"/admin/accounts/{world.accounts['moderator']}", name="Mod",
                    role="viewer", organisation="parc", languages=["fil"])
    assert response.status_code == 303
    changed = account(services, PEOPLE["moderator"][0])
    assert (changed.role, changed.organisation_id, changed.languages) == \
        ("viewer", world.orgs["parc"], ["fil"])
    assert moderator.post(close, headers=bearer).status_code == 403  # the same token
    assert "viewer · parc" in moderator.get("/admin/account").text  # the same session
    [row] = audit(services, "account.update")
    assert row.details["role"] == ["moderator", "viewer"]
    assert row.details["organisation"] == ["cedac", "parc"]


def test_disabling_ends_sessions_and_tokens_at_once_and_enabling_lets_them_back(
        admin, client_as, anonymous, services, world):
    moderator = client_as("moderator")
    bearer = {"Authorization": f"Bearer {world.tokens['moderator']}"}
    target = world.accounts["moderator"]
    response = post(admin, f"/admin/accounts/{target}/disable")
    assert response.status_code == 303
    assert "disabled" in admin.get(response.headers["location"]).text
    assert moderator.get("/admin/account").status_code == 303
    assert anonymous.get(QUEUE, headers=bearer).status_code == 401
    assert form_login(anonymous, PEOPLE["moderator"][0]).status_code == 401
    assert post(admin, f"/admin/accounts/{target}/enable").status_code == 303
    assert form_login(anonymous, PEOPLE["moderator"][0]).status_code == 303
    assert anonymous.get(QUEUE, headers=bearer).status_code == 401  # tokens stay revoked
    assert [r.action for r in audit(services, "account.disable")
            + audit(services, "account.enable")] == ["account.disable", "account.enable"]


def test_a_new_setup_link_is_shown_once_and_replaces_the_old_one(admin, anonymous,
                                                                 services, world):
    first = post(admin, "/admin/accounts", email="c@cedac.example.org", name="C",
                 role="viewer", organisation="cedac")
    old = LINK.search(first.text).group(1)
    added = account(services, "c@cedac.example.org")
    second = post(admin, f"/admin/accounts/{added.id}/setup-link")
    assert second.status_code == 200 and "A new set-up link for C" in second.text
    new = LINK.search(second.text).group(1)
    assert anonymous.get(f"/admin/setup/{old}").status_code == 404
    assert anonymous.get(f"/admin/setup/{new}").status_code == 200
    assert "a set-up link is waiting" in admin.get(f"/admin/accounts/{added.id}").text


def test_the_last_enabled_admin_cannot_disable_or_demote_themself(admin, services, world):
    me = world.accounts["admin"]
    page = admin.get(f"/admin/accounts/{me}")
    assert "the last enabled administrator" in page.text
    assert f"/accounts/{me}/disable" not in page.text  # no button to press
    refused = post(admin, f"/admin/accounts/{me}/disable")
    assert refused.status_code == 409 and "last enabled administrator" in refused.text
    demoted = post(admin, f"/admin/accounts/{me}", name="Admin", role="moderator",
                   organisation="cedac")
    assert demoted.status_code == 409 and "last enabled administrator" in demoted.text
    still = account(services, PEOPLE["admin"][0])
    assert still.role == "admin" and still.disabled_at is None
    assert admin.get("/admin/accounts").status_code == 200
    assert audit(services, "account.update") == audit(services, "account.disable") == []


def test_with_a_second_admin_an_admin_may_step_down(admin, services, world):
    post(admin, f"/admin/accounts/{world.accounts['parc']}", name="Parc", role="admin",
         organisation="parc")
    response = post(admin, f"/admin/accounts/{world.accounts['admin']}", name="Admin",
                    role="viewer", organisation="cedac")
    assert response.status_code == 303 and response.headers["location"].startswith("/admin?")
    assert admin.get("/admin/accounts").status_code == 403
    # Now parc's account is the last admin, and cannot be disabled by anyone.
    with session_scope(services.db) as session:
        from services.accounts import manage
        parc = session.get(ConsoleAccount, world.accounts["parc"])
        assert manage.is_last_admin(session=session, account=parc)


def test_an_admin_who_disables_themself_is_logged_out(admin, services, world):
    post(admin, f"/admin/accounts/{world.accounts['parc']}", name="Parc", role="admin",
         organisation="parc")
    response = post(admin, f"/admin/accounts/{world.accounts['admin']}/disable")
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"
    assert admin.get("/admin").status_code == 303


def test_an_unknown_account_is_not_found(admin):
    assert admin.get("/admin/accounts/999999").status_code == 404
    assert post(admin, "/admin/accounts/999999/disable").status_code == 404


def test_names_are_shown_as_text(admin, services):
    post(admin, "/admin/accounts", email="x@cedac.example.org",
         name="<script>alert(1)</script>", role="viewer", organisation="cedac")
    page = admin.get("/admin/accounts").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
