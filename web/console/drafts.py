"""The SHARE drafts queue (/admin/queues/drafts): practices members documented by chat,
in review, in the account's scope (services/queues.drafts, the select the navigation
counts): the contributor's country and language, whether the interview is complete,
the questions skipped, how many photos; each links into the editor, where it is
curated and published."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, select

from content.models import Member, Organisation, Practice, PracticeTranslation
from services import documentation, queues
from web.console.core import Console, Current
from web.params import Offset

PAGE = 50


@dataclass(frozen=True)
class DraftRow:
    """One draft as the queue lists it (never a phone number or chat id)."""

    practice: Practice
    title: str
    lang: str | None
    country: str | None
    complete: bool
    skipped: list[str]
    photos: int


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("queues.read"))

    @router.get("/queues/drafts", response_class=HTMLResponse)
    def drafts(request: Request, current: Current = reader, lang: str = "",
               country: str = "", org: str = "", offset: Offset = 0) -> HTMLResponse:
        """Drafts waiting for a moderator, oldest first."""
        filters = queues.Filters(lang=lang or None, country=country or None,
                                 organisation=org or None)
        offset = max(offset, 0)
        with console.db() as session:
            found = list(session.exec(queues.drafts(current.principal, filters)
                                      .offset(offset).limit(PAGE)))
            rows = _rows(session, found)
            orgs = list(session.exec(select(Organisation).order_by(Organisation.name))) \
                if current.principal.is_admin else []
            return console.render(request, current, "console/queues/drafts.html", {
                "rows": rows, "values": filters, "organisations": orgs, "offset": offset,
                "limit": PAGE, "params": {"lang": lang, "country": country, "org": org}})

    return router


def _rows(session: Session, found: list[Practice]) -> list[DraftRow]:
    """The page's rows, their contributors and answers read in two queries."""
    members = {m.id: m for m in session.exec(select(Member).where(
        Member.id.in_({p.contributor_id for p in found if p.contributor_id})))}
    texts = {(t.practice_id, t.lang): t for t in session.exec(
        select(PracticeTranslation).where(
            PracticeTranslation.practice_id.in_([p.id for p in found])))}
    return [_row(p, members.get(p.contributor_id),
                 texts.get((p.id, documentation.interview(p).get("lang")))) for p in found]


def _row(practice: Practice, member: Member | None,
         tr: PracticeTranslation | None) -> DraftRow:
    record = documentation.interview(practice)
    return DraftRow(practice, tr.title if tr else "", record.get("lang"),
                    member.country if member else practice.country,
                    documentation.question_after(practice, tr) is None,
                    list(record.get("skipped", [])), len(practice.media))
