"""Interface texts: the bot's texts of every language beside English, reviewed in the
console.

/admin/texts counts each language's texts, drafts (`#, fuzzy` in bot/locale, or saved as
drafts here) and reviewed texts; /admin/texts/{lang} lists the keys with filters and
pages, each editable by those who may: translators in the languages they hold, admins in
every language (English, the source, only admins: bot/catalog_review.py says why).
Moderators and viewers read. A saved text is stored (content.models.CatalogText), laid on
this process's catalog at once, and reaches other processes within seconds
(bot/catalog_sync.py); `peerlearn catalogs export` writes the texts back to the files.

Pages are read from the files and the database, never from the catalog in use, so they
are exact in every process. With htmx the form swaps its own row and the text is checked
while it is typed (placeholders, SMS segments); without JavaScript the form posts and the
page comes back at the row.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from bot import catalog_review
from bot.catalog_review import Refused
from content.languages import BY_CODE
from content.models import utcnow
from services import catalog_texts
from services.language.normalize import normalize_inbound
from web.console import texts_view as view
from web.console.core import PREFIX, Console, Current, Forbidden, NotFound, is_htmx
from web.params import Offset

Text = Annotated[str, Form(max_length=catalog_review.MAX_TEXT * 2)]
Param = Annotated[str, Form(max_length=200)]


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("texts.read"))
    reviewer = Depends(console.allow("texts.review"))
    console.notices.update(text_reviewed="Saved and marked reviewed: the bot uses it now.",
                           text_draft="Saved as a draft: the bot uses it now.",
                           text_zawgyi="Saved. It was typed in Zawgyi and is stored in "
                           "Unicode.")
    services = console.services

    @router.get("/texts", response_class=HTMLResponse)
    def overview(request: Request, current: Current = reader) -> HTMLResponse:
        """Each language: texts, drafts, reviewed."""
        with console.db() as session:
            rows = catalog_texts.listed(session=session)
        languages = view.counts(services.catalog, rows)
        return console.render(request, current, "console/texts/index.html", {
            "languages": languages, "editable": {
                lang.code for lang in languages
                if catalog_review.may_edit(current.principal, lang.code)}})

    @router.get("/texts/{lang}", response_class=HTMLResponse)
    def language(request: Request, lang: str, current: Current = reader, show: str = "",
                 q: str = "", folder: str = "", offset: Offset = 0) -> HTMLResponse:
        """One language's keys, English beside them."""
        chosen = view.filters(show, q, folder, offset, _known(lang))
        return _page(console, request, current, lang, chosen)

    @router.post("/texts/{lang}/{key}", response_class=HTMLResponse)
    def save(request: Request, lang: str, key: str, current: Current = reviewer,
             text: Text = "", action: Param = "review", show: Param = "", q: Param = "",
             folder: Param = "", offset: Offset = 0) -> Response:
        """Saves the text, reviewed or as a draft; the bot uses it at once."""
        _key(console, key)
        _editable(current, _known(lang))
        chosen = view.filters(show, q, folder, offset, lang)
        try:
            with console.db() as session:
                row, zawgyi = catalog_review.save(
                    session, services.catalog, actor=current.principal, lang=lang, key=key,
                    text=text, reviewed=action != "draft", now=utcnow(),
                    budget=services.settings.sms_segment_budget)
        except Refused as exc:
            return _refused(console, request, current, lang, key, chosen, text, exc)
        services.catalog.override(catalog_review.as_override(row))  # committed: use it
        ok = "text_zawgyi" if zawgyi else "text_reviewed" if row.reviewed else "text_draft"
        if is_htmx(request):
            return _row(console, request, current, lang, key, chosen, ok=ok)
        query = urlencode(chosen.params())
        response = console.redirect(f"{PREFIX}/texts/{lang}" + (f"?{query}" if query else ""),
                                    ok=ok)
        response.headers["location"] += f"#t-{key}"
        return response

    @router.post("/texts/{lang}/{key}/check", response_class=HTMLResponse)
    def check(request: Request, lang: str, key: str, current: Current = reviewer,
              text: Text = "") -> HTMLResponse:
        """The typed text's SMS cost and problems, while it is typed (htmx)."""
        _key(console, key)
        _editable(current, _known(lang))
        budget = services.settings.sms_segment_budget
        typed = normalize_inbound(text).text
        return console.render(request, current, "console/texts/_check.html", {
            "meter": catalog_review.meter(key, typed, budget), "budget": budget,
            "problems": catalog_review.check(services.catalog, lang, key, typed, budget)})

    return router


def _page(console: Console, request: Request, current: Current, lang: str,
          chosen: view.Filters, *, refused: tuple[str, str, list[str]] | None = None,
          status_code: int = 200) -> HTMLResponse:
    entries = _entries(console, lang)
    picked = view.select(entries, chosen)
    shown = picked[chosen.offset:chosen.offset + view.PAGE]
    errors = {}
    if refused is not None:  # the refused text stays in sight as typed, whatever the filters
        key, text, problems = refused
        errors[key] = problems
        typed = _typed(console, next(e for e in entries if e.key == key), text)
        shown = [typed] + [e for e in shown if e.key != key]
    return console.render(request, current, "console/texts/language.html", {
        "lang": lang, "language": BY_CODE[lang], "entries": shown, "found": len(picked),
        "total": len(entries), "drafts": sum(e.draft for e in entries),
        "filters": chosen, "folders": view.folders(console.services.catalog),
        "page_size": view.PAGE, "editable": catalog_review.may_edit(current.principal, lang),
        "errors": errors, "saved": {}, "oob": False,
        "budget": console.services.settings.sms_segment_budget},
        status_code=status_code)


def _row(console: Console, request: Request, current: Current, lang: str, key: str,
         chosen: view.Filters, *, ok: str | None = None,
         refused: tuple[str, list[str]] | None = None) -> HTMLResponse:
    """One row as a fragment, for htmx (200 even when refused: htmx swaps only 2xx)."""
    entries = _entries(console, lang)
    entry = next(e for e in entries if e.key == key)
    if refused is not None:
        entry = _typed(console, entry, refused[0])
    return console.render(request, current, "console/texts/_row.html", {
        "lang": lang, "entry": entry, "filters": chosen, "editable": True, "oob": True,
        "total": len(entries), "drafts": sum(e.draft for e in entries),
        "errors": {key: refused[1]} if refused else {},
        "saved": {key: console.notices[ok]} if ok else {},
        "budget": console.services.settings.sms_segment_budget})


def _refused(console: Console, request: Request, current: Current, lang: str, key: str,
             chosen: view.Filters, text: str, exc: Refused) -> HTMLResponse:
    if is_htmx(request):
        return _row(console, request, current, lang, key, chosen,
                    refused=(text, exc.problems))
    return _page(console, request, current, lang, chosen, refused=(key, text, exc.problems),
                 status_code=422)


def _typed(console: Console, entry: catalog_review.Entry, text: str) -> catalog_review.Entry:
    """The entry as the reviewer typed it (a refused text is shown again, not lost)."""
    return replace(entry, text=text, meter=catalog_review.meter(
        entry.key, text, console.services.settings.sms_segment_budget))


def _entries(console: Console, lang: str) -> list[catalog_review.Entry]:
    with console.db() as session:
        rows = catalog_texts.listed(session=session, lang=lang)
    return catalog_review.entries(console.services.catalog, rows, lang,
                                  console.services.settings.sms_segment_budget)


def _known(lang: str) -> str:
    if lang not in BY_CODE:
        raise NotFound()
    return lang


def _key(console: Console, key: str) -> str:
    if key not in console.services.catalog.origins:
        raise NotFound()
    return key


def _editable(current: Current, lang: str) -> None:
    """Forbidden unless the account may change the language's texts (after the 404s)."""
    if catalog_review.may_edit(current.principal, lang):
        return
    if lang == "en":
        raise Forbidden("English is the source of every translation: only an administrator "
                        "changes it.")
    raise Forbidden(f"You review texts in the languages you hold; these are "
                    f"{BY_CODE[lang].latin_name}.")

