"""What moderators change about a member from the console: make or unmake a resource
person, block and unblock, erase (admins only, after typing the member's id).

Each form posts here, calls the same action as the JSON API (bot/member_actions.py: the
change and the member's notice in one transaction), and redirects back to the record
(post/redirect/get). A refused change shows the record again with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from bot import member_actions
from content.models import utcnow
from services import moderation
from services.members_admin import actions, record
from web.console.core import PREFIX, Console, Current, NotFound, refused_status
from web.console.members import member_page
from web.params import RowId

NOTICES = {
    "expert_made": "The member is now a resource person; they were told and asked "
                   "whether answers may carry their name.",
    "expert_updated": "The resource person's topics and languages are saved.",
    "expert_unmade": "The member is no longer a resource person; they were told.",
    "blocked": "The member is blocked; they and the peers of their open introductions "
               "were told.",
    "unblocked": "The member is unblocked; they were told.",
    "erased": "The member's personal data is erased.",
}


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    actor = Depends(console.allow("members.act"))
    eraser = Depends(console.allow("members.erase"))
    console.notices.update(NOTICES)

    @router.post("/members/{member_id}/expert", response_class=HTMLResponse)
    def expert(request: Request, member_id: RowId, current: Current = actor,
               topics: Annotated[list[str] | None, Form(max_length=40)] = None,
               languages: Annotated[list[str] | None, Form(max_length=3)] = None,
               timezone: Annotated[str, Form(max_length=64)] = "",
               organisation: Annotated[str, Form(max_length=80)] = "") -> Response:
        """Makes the member a resource person (or changes what they offer)."""
        profile = moderation.ExpertProfile(topics or [], languages or [],
                                           timezone.strip() or None, organisation or None)

        def change(session: Session) -> str:
            _, new = member_actions.make_expert(session, console.services.catalog,
                                                current.principal, member_id, profile,
                                                now=utcnow())
            return "expert_made" if new else "expert_updated"
        return _act(console, request, current, member_id, change)

    @router.post("/members/{member_id}/unexpert", response_class=HTMLResponse)
    def unexpert(request: Request, member_id: RowId, current: Current = actor) -> Response:
        """Makes a resource person a member again, and thanks them."""
        def change(session: Session) -> str:
            member_actions.unmake_expert(session, console.services.catalog,
                                         current.principal, member_id, now=utcnow())
            return "expert_unmade"
        return _act(console, request, current, member_id, change)

    @router.post("/members/{member_id}/block", response_class=HTMLResponse)
    def block(request: Request, member_id: RowId, current: Current = actor,
              reason: Annotated[str, Form(max_length=actions.REASON_MAX)] = "") -> Response:
        """Blocks the member: no more introductions; they and their peers are told."""
        def change(session: Session) -> str:
            member_actions.block(session, console.services.catalog, current.principal,
                                 member_id, reason, now=utcnow())
            return "blocked"
        return _act(console, request, current, member_id, change)

    @router.post("/members/{member_id}/unblock", response_class=HTMLResponse)
    def unblock(request: Request, member_id: RowId, current: Current = actor) -> Response:
        """Lets the member meet peers again."""
        def change(session: Session) -> str:
            member_actions.unblock(session, console.services.catalog, current.principal,
                                   member_id, now=utcnow())
            return "unblocked"
        return _act(console, request, current, member_id, change)

    @router.get("/members/{member_id}/erase", response_class=HTMLResponse)
    def erase_page(request: Request, member_id: RowId, current: Current = eraser) -> Response:
        """What erasing removes and keeps; the member's id is typed to confirm."""
        return _erase_page(console, request, current, member_id)

    @router.post("/members/{member_id}/erase", response_class=HTMLResponse)
    def erase_member(request: Request, member_id: RowId, current: Current = eraser,
                     confirm: Annotated[str, Form(max_length=20)] = "") -> Response:
        """Erases the member's personal data; irreversible."""
        try:
            with console.db() as session:
                member_actions.erase_member(session, console.services.catalog,
                                            current.principal, member_id, confirm,
                                            now=utcnow())
        except moderation.NotFound:
            raise NotFound() from None
        except moderation.Refused as exc:
            return _erase_page(console, request, current, member_id, error=str(exc),
                               status_code=refused_status(exc))
        return console.redirect(f"{PREFIX}/members/{member_id}", ok="erased")

    return router


def _act(console: Console, request: Request, current: Current, member_id: int,
         change: Callable[[Session], str]) -> Response:
    """Runs a change in one transaction; back to the record with its notice, or the
    record again with the reason it was refused."""
    try:
        with console.db() as session:
            ok = change(session)
    except moderation.NotFound:
        raise NotFound() from None
    except moderation.Refused as exc:
        return member_page(console, request, current, member_id, error=str(exc),
                           status_code=refused_status(exc))
    return console.redirect(f"{PREFIX}/members/{member_id}", ok=ok)


def _erase_page(console: Console, request: Request, current: Current, member_id: int,
                error: str | None = None, status_code: int = 200) -> HTMLResponse:
    with console.db() as session:
        try:
            found = record.member_record(session=session, principal=current.principal,
                                         member_id=member_id)
        except moderation.NotFound:
            raise NotFound() from None
        return console.render(request, current, "console/members/erase.html",
                              {"record": found, "m": found.member, "error": error},
                              status_code=status_code)
