"""Broadcasts in the console: the list, composing one (audience, a text per language or
a practice, when), its preview per channel and language with cost and duration before
it is sent, and its progress afterwards, live (htmx polls a fragment; without
JavaScript the page has a refresh link), with a cancel button while rows wait."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import select

from content.channels import kinds
from content.languages import LANGUAGES, TOPICS
from content.models import Organisation, Practice
from services.broadcasts import Audience, NotSendable, manage, plan, progress
from services.sms import prices
from services.sms.prices import Pricer
from web.console.core import PREFIX, Console, Current, NotFound
from web.console.organisations import COUNTRIES
from web.params import RowId

LIST, NEW, SHOW = ("console/broadcasts/list.html", "console/broadcasts/new.html",
                   "console/broadcasts/show.html")
PROGRESS = "console/broadcasts/_progress.html"
ROLES = ("member", "expert")
Many = Annotated[list[str] | None, Form()]
Short = Annotated[str, Form(max_length=200)]


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("broadcasts.read"))
    sender = Depends(console.allow("broadcasts.send"))
    console.notices.update(broadcast_sent="The broadcast is queued.",
                           broadcast_cancelled="The broadcast is cancelled: what was "
                                               "not sent yet is withdrawn.")

    @router.get("/broadcasts", response_class=HTMLResponse)
    def broadcast_list(request: Request, current: Current = reader) -> HTMLResponse:
        """Every broadcast the account sees, newest first."""
        with console.db() as session:
            rows = session.exec(manage.visible(current.principal).limit(100)).all()
            shown = [(row, progress(session, row.id)) for row in rows]
        return console.render(request, current, LIST, {"rows": shown})

    @router.get("/broadcasts/new", response_class=HTMLResponse)
    def new(request: Request, current: Current = sender) -> HTMLResponse:
        """The compose form."""
        return _form(console, request, current, {})

    @router.post("/broadcasts", response_class=HTMLResponse)
    async def create(request: Request, current: Current = sender, title: Short = "",
                     practice: Short = "", country: Many = None, language: Many = None,
                     channel: Many = None, topic: Many = None, role: Many = None,
                     weekly: Short = "", sandbox: Short = "", send_at: Short = "",
                     organisation: Short = "") -> Response:
        """Keeps the draft and shows its preview."""
        form = await request.form()
        texts = {lang.code: str(form.get(f"text_{lang.code}") or "")[:manage.MAX_TEXT + 1]
                 for lang in LANGUAGES}
        audience = Audience(tuple(country or ()), tuple(language or ()),
                            tuple(channel or ()), tuple(topic or ()), tuple(role or ()),
                            organisation_id=int(organisation) if organisation.isdigit()
                            else None, weekly=bool(weekly), sandbox=bool(sandbox))
        values = {"title": title, "texts": texts, "practice": practice,
                  "audience": audience, "send_at": send_at}
        try:
            when = _when(send_at)
            with console.db() as session:
                row = manage.create(session, current.principal, title=title, texts=texts,
                                    practice_id=int(practice) if practice.isdigit() else None,
                                    audience=audience, send_at=when)
                broadcast_id = row.id
        except manage.Refused as exc:
            return _form(console, request, current, values, error=str(exc))
        return console.redirect(f"{PREFIX}/broadcasts/{broadcast_id}")

    @router.get("/broadcasts/{broadcast_id}", response_class=HTMLResponse)
    def show(request: Request, broadcast_id: RowId, current: Current = reader,
             ) -> HTMLResponse:
        """A draft's preview, or a sent one's progress."""
        return _show(console, request, current, broadcast_id)

    @router.get("/broadcasts/{broadcast_id}/progress", response_class=HTMLResponse)
    def progress_fragment(request: Request, broadcast_id: RowId,
                          current: Current = reader) -> HTMLResponse:
        """The progress counts alone (what htmx swaps in every few seconds)."""
        with console.db() as session:
            row = _found(session, current, broadcast_id)
            counts = progress(session, row.id)
        return console.render(request, current, PROGRESS, {"b": row, "p": counts})

    @router.post("/broadcasts/{broadcast_id}/send", response_class=HTMLResponse)
    def send(request: Request, broadcast_id: RowId, current: Current = sender) -> Response:
        """Queues it (due at its time, members' quiet hours kept)."""
        try:
            with console.db() as session:
                row = _found(session, current, broadcast_id)
                manage.send(session, current.principal, row,
                            Pricer(prices.stored(console.services.db)))
        except NotSendable as exc:
            return _show(console, request, current, broadcast_id, error=str(exc))
        return console.redirect(f"{PREFIX}/broadcasts/{broadcast_id}", ok="broadcast_sent")

    @router.post("/broadcasts/{broadcast_id}/cancel", response_class=HTMLResponse)
    def cancel(request: Request, broadcast_id: RowId, current: Current = sender) -> Response:
        """Withdraws what was not sent yet."""
        with console.db() as session:
            manage.withdraw(session, current.principal, _found(session, current, broadcast_id))
        return console.redirect(f"{PREFIX}/broadcasts/{broadcast_id}",
                                ok="broadcast_cancelled")

    return router


def _found(session, current: Current, broadcast_id: int):
    row = manage.find(session, current.principal, broadcast_id)
    if row is None:
        raise NotFound()
    return row


def _show(console: Console, request: Request, current: Current, broadcast_id: int,
          error: str | None = None) -> HTMLResponse:
    with console.db() as session:
        row = _found(session, current, broadcast_id)
        preview = plan(session, row, Pricer(prices.stored(console.services.db)),
                       console.services.rates())
        counts = progress(session, row.id) if row.status != "draft" else None
        practice = session.get(Practice, row.practice_id) if row.practice_id else None
        session.expunge_all()
    return console.render(request, current, SHOW, {
        "b": row, "plan": preview, "p": counts, "practice": practice, "error": error,
        "audience": Audience.from_json(row.audience),
        "names": {lang.code: lang.latin_name for lang in LANGUAGES}},
        status_code=422 if error else 200)


def _form(console: Console, request: Request, current: Current, values: dict,
          error: str | None = None) -> HTMLResponse:
    with console.db() as session:
        practices = session.exec(select(Practice.id, Practice.slug).where(
            Practice.status == "published").order_by(Practice.slug)).all()
        organisations = session.exec(select(Organisation.id, Organisation.name).order_by(
            Organisation.name)).all() if current.principal.is_admin else []
    values = {"title": "", "texts": {}, "practice": "", "audience": Audience(),
              "send_at": "", **values}
    options = {"country": [(c, c) for c in COUNTRIES],
               "language": [(lang.code, lang.latin_name) for lang in LANGUAGES],
               "channel": [(k.channel, k.title) for k in kinds() if k.channel != "simulator"],
               "topic": [(t, t) for t in TOPICS], "role": [(r, r) for r in ROLES]}
    return console.render(request, current, NEW, {
        "values": values, "error": error, "practices": practices, "languages": LANGUAGES,
        "options": options, "organisations": organisations},
        status_code=422 if error else 200)


def _when(value: str) -> datetime | None:
    """A datetime-local field, in UTC; empty is now."""
    if not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=UTC)
    except ValueError:
        raise manage.Refused("The time to send is not a date and time.") from None
