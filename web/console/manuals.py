"""Printed manuals in the console: a form (language, and optionally a topic and the
curating organisation) that downloads the PDF of the published practices, or shows the
same manual as a web page to print or save. Plain GET forms and links: no JavaScript.
Everything is narrowed to the account's scope (services/access.practice_scope)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlmodel import select

from bot.manual_words import manual_words
from content.languages import BY_CODE, TOPICS
from content.models import Organisation, utcnow
from services.access import Principal, practice_scope
from services.manuals import pdf
from services.manuals.gather import Manual, gather
from web.console.core import Console, Current, NotFound
from web.manual_page import render_page

FORMATS = ("pdf", "html")


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("practices.read"))

    @router.get("/manuals", response_class=HTMLResponse)
    def form(request: Request, current: Current = reader) -> HTMLResponse:
        """The form: which language, topic and organisation."""
        with console.db() as session:
            orgs = _organisations(session, current.principal)
            return console.render(request, current, "console/manuals/form.html", {
                "organisations": orgs, "topics": TOPICS,
                "lang": (current.principal.languages or ("en",))[0]})

    @router.get("/manuals/download")
    async def download(request: Request, current: Current = reader, lang: str = "en",
                       topic: str = "", org: str = "", format: str = "pdf") -> Response:
        """The manual as a PDF download, or as a page (`format=html`)."""
        if lang not in BY_CODE or format not in FORMATS or (topic and topic not in TOPICS):
            raise NotFound()
        manual = await run_in_threadpool(_manual, console, current.principal, lang, topic, org)
        words = manual_words(console.services.catalog, lang)
        if format == "html":
            return HTMLResponse(render_page(manual, words))
        body = await run_in_threadpool(pdf.render, manual, words)
        name = f"peerlearn-manual-{lang}{'-' + topic if topic else ''}.pdf"
        return Response(body, media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return router


def _manual(console: Console, principal: Principal, lang: str, topic: str, org: str) -> Manual:
    with console.db() as session:
        chosen = None
        if org:
            chosen = next((o for o in _organisations(session, principal) if o.slug == org), None)
            if chosen is None:
                raise NotFound()
        return gather(session=session, lang=lang, now=utcnow(), bot=console.services.telegram_bot(),
                      topics=(topic,) if topic else (),
                      organisation_id=chosen.id if chosen else None,
                      organisation=chosen.name if chosen else None,
                      scope=practice_scope(principal))


def _organisations(session, principal: Principal) -> list[Organisation]:
    """Organisations whose practices the account may print: all for an admin, else its own."""
    query = select(Organisation).order_by(Organisation.name)
    if not principal.is_admin:
        query = query.where(Organisation.id == principal.organisation_id)
    return list(session.exec(query))
