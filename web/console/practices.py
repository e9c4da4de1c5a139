"""Practices in the console: the list (filters: status, language, country, organisation,
a search over titles; each language's review state) and one practice's page (its facts,
English and a chosen language side by side: `?lang=km`). Editing is practice_editor.py,
versions and publishing practice_versions.py. Everything is narrowed to the account's
scope (services/access.practice_scope): another organisation's practice is 404."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, select

from content.exporter import practice_draft
from content.languages import LANGUAGE_CODES, STATUSES
from content.models import Member, Organisation, Practice, PracticeTranslation, PracticeVersion
from services import versions
from services.access import Principal, practice_scope, sees_practice
from web.console.core import Console, Current, NotFound
from web.params import Offset, RowId

PAGE = 50
NOTICES = {"practice_saved": "Saved as an unpublished edit: members still get the live text.",
           "practice_unchanged": "Nothing changed: members get the live text.",
           "practice_published": "Published: members get the new text now.",
           "practice_restored": "Restored as a new published version.",
           "practice_archived": "Archived: members no longer get this practice.",
           "practice_unarchived": "Restored from the archive.",
           "practice_reviewed": "Marked reviewed.",
           "practice_discarded": "The unpublished edit was dropped."}


def scoped(session: Session, principal: Principal, practice_id: int) -> Practice:
    """The practice if the account's scope holds it; NotFound otherwise."""
    practice = session.get(Practice, practice_id)
    if practice is None or not sees_practice(principal, practice):
        raise NotFound()
    return practice


def pick_lang(requested: str | None, main: str, present: list[str],
              principal: Principal) -> str | None:
    """The language shown beside the main one: the one asked for, else the first the
    account works in, else the first translation."""
    if requested in LANGUAGE_CODES and requested != main:
        return requested
    others = [lang for lang in present if lang != main]
    own = [lang for lang in principal.languages if lang in others]
    return (own or others or [None])[0]


@dataclass(frozen=True)
class Listed:
    """One row of the list."""

    practice: Practice
    title: str
    title_lang: str
    langs: list[tuple[str, bool]]  # (language, reviewed)
    pending: bool


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("practices.read"))
    console.notices.update(NOTICES)

    @router.get("/practices", response_class=HTMLResponse)
    def listing(request: Request, current: Current = reader, status: str = "",
                lang: str = "", country: str = "", org: str = "", q: str = "",
                offset: Offset = 0) -> HTMLResponse:
        """Practices in scope, filtered."""
        values = {"status": status, "lang": lang, "country": country, "org": org, "q": q}
        with console.db() as session:
            rows = _listed(session, current.principal, values, max(offset, 0))
            orgs = list(session.exec(select(Organisation).order_by(Organisation.name))) \
                if current.principal.is_admin else []
            return console.render(request, current, "console/practices/list.html", {
                "rows": rows, "values": values, "offset": max(offset, 0), "limit": PAGE,
                "organisations": orgs, "statuses": STATUSES})

    @router.get("/practices/{practice_id}", response_class=HTMLResponse)
    def show(request: Request, practice_id: RowId, current: Current = reader,
             lang: str | None = None) -> HTMLResponse:
        """A practice's facts and texts, English and one language side by side."""
        with console.db() as session:
            practice = scoped(session, current.principal, practice_id)
            draft = practice_draft(session, practice)
            main = draft.main_lang()
            other = pick_lang(lang, main, list(draft.translations), current.principal)
            return console.render(request, current, "console/practices/show.html", {
                "practice": practice, "draft": draft, "main": main, "other": other,
                "contributor": session.get(Member, practice.contributor_id)
                if practice.contributor_id else None,
                "pending": versions.pending(session=session, practice_id=practice.id),
                "curator": session.get(Organisation, practice.organisation_id)
                if practice.organisation_id else None})

    return router


def _listed(session: Session, principal: Principal, values: dict, offset: int) -> list[Listed]:
    query = select(Practice).where(practice_scope(principal)).order_by(Practice.slug)
    if values["status"] in STATUSES:
        query = query.where(Practice.status == values["status"])
    if values["country"]:
        query = query.where(Practice.country == values["country"].strip().upper()[:2])
    if values["org"]:
        query = query.where(Practice.organisation_id == select(Organisation.id).where(
            Organisation.slug == values["org"]).scalar_subquery())
    if values["lang"] in LANGUAGE_CODES:
        query = query.where(Practice.id.in_(select(PracticeTranslation.practice_id).where(
            PracticeTranslation.lang == values["lang"])))
    if values["q"].strip():
        words = values["q"].strip()[:100].replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_")
        query = query.where(Practice.id.in_(select(PracticeTranslation.practice_id).where(
            PracticeTranslation.title.ilike(f"%{words}%", escape="\\"))))
    practices = list(session.exec(query.offset(offset).limit(PAGE)))
    ids = [p.id for p in practices]
    texts: dict[int, list[PracticeTranslation]] = {}
    for row in session.exec(select(PracticeTranslation).where(
            PracticeTranslation.practice_id.in_(ids)).order_by(PracticeTranslation.lang)):
        texts.setdefault(row.practice_id, []).append(row)
    pending = set(session.exec(select(PracticeVersion.practice_id).where(
        PracticeVersion.practice_id.in_(ids), PracticeVersion.number.is_(None))))
    return [Listed(p, *_title(texts.get(p.id, []), p.slug),
                   sorted(((t.lang, t.reviewed) for t in texts.get(p.id, [])),
                          key=lambda item: (item[0] != "en", item[0])), p.id in pending)
            for p in practices]


def _title(rows: list[PracticeTranslation], slug: str) -> tuple[str, str]:
    """The English title, else the first there is, else the slug; with its language."""
    by_lang = {row.lang: row.title for row in rows if row.title}
    lang = "en" if "en" in by_lang else next(iter(by_lang), "en")
    return by_lang.get(lang, slug), lang
