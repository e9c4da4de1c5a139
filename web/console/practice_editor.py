"""The practice editor: /admin/practices/{id}/edit?lang=km shows every front-matter
field, the main language (English) and one other side by side, each snippet with its SMS
meter (web/console/sms.py) and a preview as an SMS phone and Telegram show it
(previews.py). Saving validates with `peerlearn content validate`'s own checks: every
problem is shown next to its field and the page answers 422; a valid edit is kept as the
pending version while members go on getting the live text (services/versions.py).
Translators edit only the texts of their languages; facts are the staff's."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from content.drafts import TEMPLATE_FIELDS, PracticeDraft, TranslationDraft
from content.frontmatter import Problem
from content.languages import LANGUAGES, SECTORS, TOPICS
from content.models import Practice, utcnow
from services import versions
from services.access import STAFF, Principal, edits_language
from services.practice_edits import edit_draft
from services.sms.estimate import Estimate
from web.console import practice_form
from web.console.core import PREFIX, Console, Current, Forbidden
from web.console.practices import pick_lang, scoped
from web.console.previews import Preview, preview
from web.console.sms import meter, price_for
from web.params import Offset, RowId


@dataclass(frozen=True)
class Column:
    """One language's texts as the editor shows them."""

    lang: str
    text: TranslationDraft
    editable: bool
    meters: tuple[Estimate, ...]
    preview: Preview | None


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    editor = Depends(console.allow("practices.edit"))

    @router.get("/practices/{practice_id}/edit", response_class=HTMLResponse)
    def edit(request: Request, practice_id: RowId, current: Current = editor,
             lang: str | None = None, at: Offset = 0) -> HTMLResponse:
        """The editor, on the pending edit or the live practice."""
        with console.db() as session:
            practice = scoped(session, current.principal, practice_id)
            draft, problems = versions.check(practice=practice, files=versions.editing(
                session=session, practice=practice))
            return editor_page(console, request, current, session, practice, draft,
                         [p for p in problems if p.warning], lang, at)

    @router.post("/practices/{practice_id}/edit", response_class=HTMLResponse)
    async def save(request: Request, practice_id: RowId, current: Current = editor) -> Response:
        """Validates the form and keeps it as the pending edit."""
        form = await request.form()
        return await run_in_threadpool(_save, console, request, current, practice_id, form)

    return router


def _save(console: Console, request: Request, current: Current, practice_id: int,
          form) -> Response:
    lang = form.get("lang") if isinstance(form.get("lang"), str) else None
    with console.db() as session:
        practice = scoped(session, current.principal, practice_id)
        base, _ = versions.check(practice=practice, files=versions.editing(
            session=session, practice=practice))
        try:
            facts, texts = practice_form.read(form, base=base, principal=current.principal)
        except practice_form.TooLong:
            return editor_page(console, request, current, session, practice, base, [Problem(
                "", 0, "", f"a field is longer than {practice_form.MAX_VALUE} characters")],
                lang, 0, status_code=422)
        now = utcnow()
        edited = edit_draft(base, facts=facts, texts=texts)
        try:
            problems = versions.save(session=session, practice=practice,
                                     files=versions.files_of(edited), actor=current.principal,
                                     now=now)
        except versions.NotTheirs as refused:
            raise Forbidden(str(refused)) from refused
        if any(not p.warning for p in problems):
            return editor_page(console, request, current, session, practice, edited, problems,
                         lang, 0, status_code=422)
        stored = versions.pending(session=session, practice_id=practice.id) is not None
        where = f"{PREFIX}/practices/{practice.id}/edit" + (f"?lang={lang}" if lang else "")
        return console.redirect(where, ok="practice_saved" if stored else "practice_unchanged")


def editor_page(console: Console, request: Request, current: Current, session: Session,
                practice: Practice, draft: PracticeDraft, problems: list[Problem],
                lang: str | None, at: int, status_code: int = 200) -> HTMLResponse:
    """The editor on `draft`, with `problems` next to their fields."""
    principal = current.principal
    main = draft.main_lang()
    other = pick_lang(lang, main, list(draft.translations), principal)
    langs = [main] + ([other] if other else [])
    columns = [_column(console, practice, draft, code, principal, at) for code in langs]
    pending = versions.pending(session=session, practice_id=practice.id)
    first = draft.sources[0] if draft.sources else {}
    interview = first if first.get("kind") == "interview" else None
    return console.render(request, current, "console/practices/edit.html", {
        "practice": practice, "draft": draft, "main": main, "other": other,
        "columns": columns, "placed": practice_form.place(problems, draft, set(langs)),
        "facts_editable": principal.role in STAFF, "pending": pending,
        "any_editable": any(c.editable for c in columns), "at": at,
        "topics": TOPICS, "sectors": SECTORS, "languages": LANGUAGES,
        "template_fields": TEMPLATE_FIELDS,
        "web_sources": [s for s in draft.sources if s.get("kind") != "interview"],
        "member": draft.contributor is not None or interview is not None,
        "interview": interview}, status_code=status_code)


def _column(console: Console, practice: Practice, draft: PracticeDraft, lang: str,
            principal: Principal, at: int) -> Column:
    text = draft.translations.get(lang) or TranslationDraft(lang=lang, title="",
                                                            reviewed=False, snippets=[])
    price = price_for(console, lang)
    return Column(lang, text, edits_language(principal, lang),
                  tuple(meter(s, price) for s in text.snippets),
                  preview(console.services.catalog, practice_id=practice.id,
                          slug=practice.slug, lang=lang, title=text.title,
                          snippets=text.snippets, position=at, price=price))
