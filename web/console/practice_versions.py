"""A practice's versions and what changes its live state: the list of versions, comparing
any two (a line difference per language file, services/version_diff.py), publishing the
pending edit, restoring an earlier version, archiving and restoring from the archive,
marking a translation reviewed, dropping the pending edit. Each goes through
services/versions.py (or curation.archive) and writes one audit row."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from bot import notify
from bot.flows import share
from content.models import Practice, utcnow
from services import curation, reviews, versions
from services.access import edits_language
from services.version_diff import compare
from web.console.core import PREFIX, Console, Current, Forbidden, NotFound
from web.console.practice_editor import editor_page
from web.console.practices import scoped
from web.params import RowId

# A version to compare: `live`, `pending` or a version number (an id-sized one).
Which = Annotated[str | None, Query(pattern=r"^(live|pending|[1-9][0-9]{0,8})$")]


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("practices.read"))
    editor = Depends(console.allow("practices.edit"))
    publisher = Depends(console.allow("practices.publish"))
    archiver = Depends(console.allow("practices.archive"))

    @router.get("/practices/{practice_id}/versions", response_class=HTMLResponse)
    def listing(request: Request, practice_id: RowId, current: Current = reader,
                a: Which = None, b: Which = None) -> HTMLResponse:
        """Every version; with ?a=&b= the difference between two of them."""
        with console.db() as session:
            practice = scoped(session, current.principal, practice_id)
            kept = versions.numbered(session=session, practice_id=practice.id)
            pending = versions.pending(session=session, practice_id=practice.id)
            a = a or (str(kept[0].number) if kept else "live")
            b = b or ("pending" if pending else "live")
            diffs = compare(_files(session, practice, a), _files(session, practice, b))
            return console.render(request, current, "console/practices/versions.html", {
                "practice": practice, "kept": kept, "pending": pending, "a": a, "b": b,
                "diffs": diffs})

    @router.post("/practices/{practice_id}/publish", response_class=HTMLResponse)
    def publish(request: Request, practice_id: RowId, current: Current = publisher) -> Response:
        """Publishes the pending edit; a member's first published practice tells them."""
        now = utcnow()
        with console.db() as session, _refusals():
            practice = scoped(session, current.principal, practice_id)
            first = practice.published_at is None
            try:
                versions.publish(session=session, practice=practice,
                                 actor=current.principal, now=now)
            except versions.Invalid as invalid:
                return _invalid(console, request, current, session, practice, invalid)
            notice = share.published_notice(session, practice) if first else None
            if notice:
                notify.deliver(session, console.services.catalog, notice, now=now)
            return console.redirect(f"{PREFIX}/practices/{practice.id}/versions",
                                    ok="practice_published")

    @router.post("/practices/{practice_id}/versions/{number}/restore",
                 response_class=HTMLResponse)
    def restore(request: Request, practice_id: RowId, number: RowId,
                current: Current = publisher) -> Response:
        """Publishes an earlier version again, as the next version."""
        with console.db() as session, _refusals():
            practice = scoped(session, current.principal, practice_id)
            try:
                versions.restore(session=session, practice=practice, number=number,
                                 actor=current.principal, now=utcnow())
            except versions.Invalid as invalid:
                return _invalid(console, request, current, session, practice, invalid)
            return console.redirect(f"{PREFIX}/practices/{practice.id}/versions",
                                    ok="practice_restored")

    @router.post("/practices/{practice_id}/archive")
    def archive(practice_id: RowId, current: Current = archiver) -> Response:
        """Takes the practice out of the stories (or a draft out of review)."""
        with console.db() as session, _refusals():
            practice = scoped(session, current.principal, practice_id)
            curation.archive(session=session, practice_id=practice.id,
                             actor=current.principal, now=utcnow())
            return console.redirect(f"{PREFIX}/practices/{practice.id}", ok="practice_archived")

    @router.post("/practices/{practice_id}/unarchive", response_class=HTMLResponse)
    def unarchive(request: Request, practice_id: RowId, current: Current = archiver) -> Response:
        """Brings an archived practice back."""
        with console.db() as session, _refusals():
            practice = scoped(session, current.principal, practice_id)
            try:
                versions.restore_archived(session=session, practice=practice,
                                          actor=current.principal, now=utcnow())
            except versions.Invalid as invalid:
                return _invalid(console, request, current, session, practice, invalid)
            return console.redirect(f"{PREFIX}/practices/{practice.id}",
                                    ok="practice_unarchived")

    @router.post("/practices/{practice_id}/review/{lang}")
    def review(practice_id: RowId, lang: str, current: Current = editor) -> Response:
        """Marks the language's text reviewed by the account, today."""
        if not edits_language(current.principal, lang):
            raise Forbidden("You review only the languages you hold.")
        with console.db() as session, _refusals():
            practice = scoped(session, current.principal, practice_id)
            reviews.mark_reviewed(session=session, practice=practice, lang=lang,
                                   actor=current.principal, now=utcnow())
            return console.redirect(f"{PREFIX}/practices/{practice.id}/edit?lang={lang}",
                                    ok="practice_reviewed")

    @router.post("/practices/{practice_id}/discard")
    def discard(practice_id: RowId, current: Current = editor) -> Response:
        """Drops the pending edit (a translator: only one confined to their languages)."""
        with console.db() as session, _refusals():
            practice = scoped(session, current.principal, practice_id)
            row = versions.pending(session=session, practice_id=practice.id)
            if row is not None and not versions.changes(
                    session=session, practice=practice,
                    files=dict(row.files)).confined_to(current.principal):
                raise Forbidden("This edit changes more than your languages.")
            versions.discard(session=session, practice=practice, actor=current.principal)
            return console.redirect(f"{PREFIX}/practices/{practice.id}/edit",
                                    ok="practice_discarded")

    return router


def _files(session: Session, practice: Practice, which: str) -> dict[str, str]:
    """A version's files by name: a number, `pending` or `live`."""
    if which == "live":
        return versions.live_files(session=session, practice=practice)
    if which == "pending":
        row = versions.pending(session=session, practice_id=practice.id)
    else:
        row = versions.version(session=session, practice_id=practice.id,
                               number=int(which))
    if row is None:
        raise NotFound()
    return dict(row.files)


class _refusals:
    """The services' refusals as pages: 403 for a translator's change beyond their
    languages, 409 for a state that does not allow the action."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, _tb) -> bool:
        if isinstance(error, versions.NotTheirs):
            raise Forbidden(str(error)) from error
        if isinstance(error, curation.Refused):
            raise HTTPException(409, str(error)) from error
        return False


def _invalid(console: Console, request: Request, current: Current, session: Session,
             practice: Practice, invalid: versions.Invalid) -> HTMLResponse:
    """The editor with the problems that stop publishing next to their fields."""
    draft, _ = versions.check(practice=practice, files=versions.editing(
        session=session, practice=practice))
    return editor_page(console, request, current, session, practice, draft,
                       invalid.problems, None, 0, status_code=422)
