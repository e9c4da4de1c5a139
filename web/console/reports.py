"""The relay reports queue: relays a member closed with REPORT, each with the report,
both members' public profiles and (for moderators and admins, audit-logged) the messages
of that relay only (services/members_admin/relays.py says how they are found). A
moderator closes the relay (both members are told) or blocks either member (they get a
polite notice and no further introductions).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from bot import member_actions, member_notices
from content.models import utcnow
from services import moderation, queues
from services.access import allowed, sees_member
from services.members_admin import actions, relays
from web.console.core import PREFIX, Console, Current, NotFound, refused_status
from web.console.members import organisation_choices
from web.params import Offset, RowId

PAGE = 20


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("members.read"))
    actor = Depends(console.allow("relays.act"))
    console.notices.update(relay_closed="The relay is closed; both members were told.")

    @router.get("/queues/reports", response_class=HTMLResponse)
    def reports(request: Request, current: Current = reader,
                lang: Annotated[str, Query(max_length=3)] = "",
                country: Annotated[str, Query(max_length=2)] = "",
                org: Annotated[str, Query(max_length=80)] = "",
                offset: Offset = 0) -> HTMLResponse:
        """Reported relays, newest first."""
        filters = queues.Filters(lang or None, country or None, org or None)
        with console.db() as session:
            rows = session.exec(queues.reports(current.principal, filters)
                                .offset(offset).limit(PAGE)).all()
            orgs = organisation_choices(session, current.principal)
        values = {"lang": lang, "country": country.upper(), "organisation": org}
        return console.render(request, current, "console/reports/list.html", {
            "rows": rows, "values": values, "organisations": orgs, "offset": offset,
            "limit": PAGE, "params": {k: v for k, v in
                                      {"lang": lang, "country": country, "org": org}.items()
                                      if v}})

    @router.get("/queues/reports/{introduction_id}", response_class=HTMLResponse)
    def report(request: Request, introduction_id: RowId,
               current: Current = reader) -> HTMLResponse:
        """One report: the relay's messages and what can be done about it."""
        return report_page(console, request, current, introduction_id)

    @router.post("/queues/reports/{introduction_id}/close")
    def close(introduction_id: RowId, current: Current = actor) -> Response:
        """Closes the reported relay (it leaves the queue); both members are told."""
        now = utcnow()
        with console.db() as session:
            _reported(session, current, introduction_id)
            try:
                intro = moderation.close_introduction(
                    session=session, introduction_id=introduction_id,
                    actor=current.principal, now=now)
            except moderation.Conflict:  # closed by someone else meanwhile
                return console.redirect(f"{PREFIX}/queues/reports", ok="relay_closed")
            member_notices.introduction_closed(session, console.services.catalog, intro, now=now)
        return console.redirect(f"{PREFIX}/queues/reports", ok="relay_closed")

    @router.post("/queues/reports/{introduction_id}/block", response_class=HTMLResponse)
    def block(request: Request, introduction_id: RowId, current: Current = actor,
              member_id: Annotated[RowId, Form()] = 0,
              reason: Annotated[str, Form(max_length=actions.REASON_MAX)] = "") -> Response:
        """Blocks one of the relay's two members."""
        now = utcnow()
        try:
            with console.db() as session:
                intro, _, _ = _reported(session, current, introduction_id)
                if member_id not in (intro.member_a, intro.member_b):
                    raise moderation.Refused("block one of this relay's two members")
                member_actions.block(session, console.services.catalog, current.principal,
                                     member_id, reason, now=now)
        except moderation.NotFound:
            raise NotFound() from None
        except moderation.Refused as exc:
            return report_page(console, request, current, introduction_id, error=str(exc),
                               status_code=refused_status(exc))
        return console.redirect(f"{PREFIX}/queues/reports/{introduction_id}", ok="blocked")

    return router


def report_page(console: Console, request: Request, current: Current, introduction_id: int,
                error: str | None = None, status_code: int = 200) -> HTMLResponse:
    """The report page; the messages only for accounts that read conversations."""
    with console.db() as session:
        intro, a, b = _reported(session, current, introduction_id)
        reads = allowed(current.principal, "members.history")
        messages = relays.messages(session=session, principal=current.principal,
                                   introduction_id=intro.id) if reads else None
        context = {"intro": intro, "a": a, "b": b, "messages": messages, "error": error,
                   "sees": {m.id: sees_member(current.principal, m) for m in (a, b)},
                   "names": {a.id: a.name or f"#{a.id}", b.id: b.name or f"#{b.id}"}}
        return console.render(request, current, "console/reports/report.html", context,
                              status_code=status_code)


def _reported(session, current: Current, introduction_id: int):
    try:
        return relays.reported(session=session, principal=current.principal,
                               introduction_id=introduction_id)
    except moderation.NotFound:
        raise NotFound() from None
