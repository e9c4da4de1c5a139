"""Members: the search list, one member's record, their conversation history (support)
and the export of their data. The changes (resource person, block, erase) are
member_actions.py.

Phone numbers are masked for everyone but admins (country code and last three digits);
a member outside the account's scope is "not found". Reading a conversation
(`members.history`: admins and the member's organisation's moderators) and exporting
(`members.act`) are audit-logged by the services.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from content.languages import LANGUAGE_CODES, TOPICS
from services import moderation, organisations
from services.access import Principal
from services.members_admin import export, numbers_hidden, record, search
from web.console.core import PREFIX, Console, Current, NotFound
from web.params import Offset, RowId

BLOCKED = {"yes": True, "no": False}
ROLE_NAMES = {"member": "member", "expert": "resource person", "moderator": "moderator"}
PAGE = search.PAGE


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("members.read"))
    support = Depends(console.allow("members.history"))
    actor = Depends(console.allow("members.act"))
    console.templates.env.globals["role_name"] = lambda role: console.gettext(
        ROLE_NAMES.get(role, role))
    console.templates.env.filters["numbers_hidden"] = numbers_hidden

    @router.get("/members", response_class=HTMLResponse)
    def members(request: Request, current: Current = reader,
                q: Annotated[str, Query(max_length=120)] = "",
                country: Annotated[str, Query(max_length=2)] = "",
                lang: Annotated[str, Query(max_length=3)] = "",
                role: Annotated[str, Query(max_length=16)] = "",
                blocked: Annotated[str, Query(max_length=3)] = "",
                org: Annotated[str, Query(max_length=80)] = "",
                offset: Offset = 0) -> HTMLResponse:
        """Search members by name, enterprise or number, country, language, role."""
        values = {"q": q, "country": country.upper(), "lang": lang, "role": role,
                  "blocked": blocked, "org": org}
        filters = search.Filters(text=q, country=country or None,
                                 lang=lang if lang in LANGUAGE_CODES else None,
                                 role=role if role in moderation.ROLES else None,
                                 blocked=BLOCKED.get(blocked), organisation=org or None)
        with console.db() as session:
            rows = search.search(session=session, principal=current.principal,
                                 filters=filters, limit=PAGE, offset=offset)
            orgs = organisation_choices(session, current.principal)
        return console.render(request, current, "console/members/list.html", {
            "rows": rows, "values": values, "organisations": orgs, "offset": offset,
            "limit": PAGE, "roles": moderation.ROLES,
            "params": {k: v for k, v in values.items() if v}})

    @router.get("/members/{member_id}", response_class=HTMLResponse)
    def member(request: Request, member_id: RowId, current: Current = reader) -> HTMLResponse:
        """A member's record and what the account may do with them."""
        return member_page(console, request, current, member_id)

    @router.get("/members/{member_id}/history", response_class=HTMLResponse)
    def history(request: Request, member_id: RowId, current: Current = support,
                offset: Offset = 0) -> HTMLResponse:
        """The member's messages in and out, for support; every view is audit-logged."""
        with console.db() as session:
            found, messages = _or_404(lambda: record.conversation(
                session=session, principal=current.principal, member_id=member_id,
                offset=offset))
            context = {"member": found, "messages": messages, "offset": offset,
                       "limit": record.HISTORY_PAGE}
        return console.render(request, current, "console/members/history.html", context)

    @router.get("/members/{member_id}/export")
    def export_json(member_id: RowId, current: Current = actor) -> Response:
        """Everything about the member as a JSON file (audit-logged)."""
        with console.db() as session:
            data = _or_404(lambda: export.export(session=session, principal=current.principal,
                                                 member_id=member_id))
        return Response(json.dumps(data, ensure_ascii=False, indent=2),
                        media_type="application/json", headers={
                            "Content-Disposition":
                                f'attachment; filename="member-{member_id}.json"'})

    return router


def member_page(console: Console, request: Request, current: Current, member_id: int,
                error: str | None = None, status_code: int = 200) -> HTMLResponse:
    """The record page, with an error from a refused change if there was one."""
    with console.db() as session:
        found = _or_404(lambda: record.member_record(
            session=session, principal=current.principal, member_id=member_id))
        orgs = organisation_choices(session, current.principal)
        context = {"record": found, "m": found.member, "error": error,
                   "topics": TOPICS, "organisations": orgs,
                   "member_url": f"{PREFIX}/members/{member_id}"}
        return console.render(request, current, "console/members/member.html", context,
                              status_code=status_code)


def organisation_choices(session: Session, principal: Principal) -> list:
    """Organisations to choose from: every one for admins, none for the others (their
    scope is their own)."""
    if not principal.is_admin:
        return []
    return [org for org, _ in organisations.listed(session=session)]


def _or_404(load):
    """The service's answer, or the console's 404 for a member out of scope."""
    try:
        return load()
    except moderation.NotFound:
        raise NotFound() from None
