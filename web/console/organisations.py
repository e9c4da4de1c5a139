"""Administration of partner organisations (admins only): the list with their numbers of
accounts, adding one, changing its slug, name, country and languages.

An organisation's country and languages set its moderators' scope (services/access.py)
and new accounts' default languages; the rules live in services/organisations.py.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from content.models import Organisation
from services import organisations
from web.console.core import PREFIX, Console, Current, NotFound
from web.params import RowId

LIST = "console/organisations/list.html"
FORM = "console/organisations/form.html"
# The programme's countries (DESIGN.md §1) offered first; any ISO code is accepted.
COUNTRIES = ("KH", "LA", "MM", "VN", "MY", "PH", "ID", "TH", "JP", "CH")
Slug = Annotated[str, Form(max_length=80)]
Name = Annotated[str, Form(max_length=200)]
Country = Annotated[str, Form(max_length=2)]
Languages = Annotated[list[str] | None, Form()]


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    admin = Depends(console.allow("accounts.manage"))
    console.notices.update(organisation_added="The organisation is added.",
                           organisation_saved="The organisation is saved.")

    @router.get("/organisations", response_class=HTMLResponse)
    def organisation_list(request: Request, current: Current = admin) -> HTMLResponse:
        """Every organisation with its number of accounts."""
        with console.db() as session:
            rows = organisations.listed(session=session)
        return console.render(request, current, LIST, {"rows": rows})

    @router.get("/organisations/new", response_class=HTMLResponse)
    def new_organisation(request: Request, current: Current = admin) -> HTMLResponse:
        """The form for a new organisation."""
        return _form(console, request, current, None, {})

    @router.post("/organisations", response_class=HTMLResponse)
    def create(request: Request, current: Current = admin, slug: Slug = "",
               name: Name = "", country: Country = "", languages: Languages = None,
               ) -> Response:
        """Adds the organisation."""
        values = {"slug": slug, "name": name, "country": country,
                  "languages": languages or []}
        try:
            with console.db() as session:
                organisations.add(session=session, slug=slug, name=name, country=country,
                                  languages=languages or [], actor=current.principal)
        except organisations.Refused as exc:
            return _form(console, request, current, None, values, error=str(exc))
        return console.redirect(f"{PREFIX}/organisations", ok="organisation_added")

    @router.get("/organisations/{organisation_id}", response_class=HTMLResponse)
    def edit_page(request: Request, organisation_id: RowId,
                  current: Current = admin) -> HTMLResponse:
        """One organisation's form."""
        with console.db() as session:
            org = _organisation(session, organisation_id)
            values = {"slug": org.slug, "name": org.name, "country": org.country or "",
                      "languages": org.languages or []}
        return _form(console, request, current, organisation_id, values)

    @router.post("/organisations/{organisation_id}", response_class=HTMLResponse)
    def edit(request: Request, organisation_id: RowId, current: Current = admin,
             slug: Slug = "", name: Name = "", country: Country = "",
             languages: Languages = None) -> Response:
        """Saves the organisation."""
        values = {"slug": slug, "name": name, "country": country,
                  "languages": languages or []}
        try:
            with console.db() as session:
                _organisation(session, organisation_id)
                organisations.update(session=session, organisation_id=organisation_id,
                                     slug=slug, name=name, country=country,
                                     languages=languages or [], actor=current.principal)
        except organisations.Refused as exc:
            return _form(console, request, current, organisation_id, values,
                         error=str(exc))
        return console.redirect(f"{PREFIX}/organisations", ok="organisation_saved")

    return router


def _organisation(session, organisation_id: int) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound()
    return org


def _form(console: Console, request: Request, current: Current,
          organisation_id: int | None, values: dict,
          error: str | None = None) -> HTMLResponse:
    context = {"organisation_id": organisation_id, "error": error, "countries": COUNTRIES,
               "values": {"slug": "", "name": "", "country": "", "languages": [],
                          **values}}
    return console.render(request, current, FORM, context,
                          status_code=422 if error else 200)
