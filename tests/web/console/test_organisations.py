"""The Organisations pages: the list with numbers of accounts, adding an organisation,
changing its slug, name, country and languages, and what is refused."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from content.models import AuditLog, ConsoleAccount, Organisation
from tests.support.console import PEOPLE, csrf_of


def post(client, path: str, **data):
    return client.post(path, data={**data, "csrf_token": csrf_of(
        client.get("/admin/account").text)})


def organisation(services, slug: str) -> Organisation | None:
    with Session(services.db) as session:
        return session.exec(select(Organisation).where(Organisation.slug == slug)).first()


@pytest.fixture
def admin(client_as):
    return client_as("admin")


def test_the_list_counts_each_organisation_s_accounts(admin, world):
    page = admin.get("/admin/organisations")
    assert page.status_code == 200
    cedac = re.search(r"<td><a href=\"/admin/organisations/\d+\">CEDAC</a>.*?</tr>",
                      page.text, re.S).group(0)
    assert ">KH<" in cedac and ">km<" in cedac
    assert '<a href="/admin/accounts?org=cedac">3</a>' in cedac
    assert '<a href="/admin/accounts?org=parc">1</a>' in page.text


def test_adding_an_organisation(admin, services):
    response = post(admin, "/admin/organisations", slug="ASKI", name="ASKI Group",
                    country="ph", languages=["fil", "en"])
    assert response.status_code == 303
    assert "The organisation is added." in admin.get(response.headers["location"]).text
    aski = organisation(services, "aski")
    assert (aski.name, aski.country, aski.languages) == ("ASKI Group", "PH", ["fil", "en"])
    form = admin.get("/admin/accounts/new").text
    assert '<option value="aski">ASKI Group (PH)</option>' in form
    with Session(services.db) as session:
        [row] = session.exec(select(AuditLog).where(AuditLog.action == "organisation.add"))
    assert row.target_id == "aski"


@pytest.mark.parametrize(("fields", "reason"), [
    ({"slug": "cedac"}, "is taken"),
    ({"slug": "Not a slug!"}, "a slug is lowercase"),
    ({"name": " "}, "a name of 1 to 200"),
    ({"country": "XX"}, "not a two-letter country code"),
    ({"languages": ["xx"]}, "unknown languages"),
])
def test_a_refused_organisation_shows_the_form_again_with_the_reason(admin, services, world,
                                                                     fields, reason):
    typed = {"slug": "aski", "name": "ASKI Group", "country": "PH", "languages": ["fil"],
             **fields}
    response = post(admin, "/admin/organisations", **typed)
    assert response.status_code == 422
    assert reason in response.text
    assert organisation(services, "aski") is None
    assert organisation(services, "cedac").name == "CEDAC"


def test_editing_an_organisation_even_its_slug(admin, services, world):
    org_id = world.orgs["parc"]
    page = admin.get(f"/admin/organisations/{org_id}")
    assert 'value="PARC Interpeoples"' in page.text and 'value="fil" checked' in page.text
    response = post(admin, f"/admin/organisations/{org_id}", slug="parc-japan",
                    name="PARC Japan", country="JP", languages=["en"])
    assert response.status_code == 303
    assert organisation(services, "parc") is None
    renamed = organisation(services, "parc-japan")
    assert (renamed.id, renamed.country, renamed.languages) == (org_id, "JP", ["en"])
    with Session(services.db) as session:  # its account follows: it refers to the id
        account = session.exec(select(ConsoleAccount).where(
            ConsoleAccount.email == PEOPLE["parc"][0])).one()
        assert account.organisation_id == org_id
        [row] = session.exec(select(AuditLog).where(
            AuditLog.action == "organisation.update"))
    assert row.details["renamed_from"] == "parc"


def test_another_organisation_s_slug_cannot_be_taken(admin, services, world):
    response = post(admin, f"/admin/organisations/{world.orgs['parc']}", slug="cedac",
                    name="PARC", country="PH", languages=["en"])
    assert response.status_code == 422 and "taken by another organisation" in response.text
    assert organisation(services, "parc").name == "PARC Interpeoples"


def test_an_unknown_organisation_is_not_found(admin):
    assert admin.get("/admin/organisations/999999").status_code == 404
    assert post(admin, "/admin/organisations/999999", slug="x", name="X").status_code == 404
