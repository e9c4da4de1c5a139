"""The JSON API: `GET /api/search?q=…&lang=…&limit=…` over the search service, and
`GET /api/languages`: per language, how much interface text and practice text is still
an unreviewed draft, so moderators know where a native speaker is needed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlmodel import Session

from content.languages import LANGUAGE_CODES, LANGUAGES
from services.review import translation_status
from services.search import search

LANG_PATTERN = "^(" + "|".join(LANGUAGE_CODES) + ")$"


class SearchHit(BaseModel):
    """A practice found: its slug, the matching piece of text and how well it matched."""

    practice: str
    snippet: str
    score: float
    lang: str
    kind: str


class LanguageStatus(BaseModel):
    """How much of a language's text a person has checked."""

    code: str
    name: str
    native_name: str
    interface_texts: int
    interface_unreviewed: int
    practice_translations: int
    practice_unreviewed: int


def make_router(services) -> APIRouter:
    """The API routes over the wired services."""
    router = APIRouter(prefix="/api")

    @router.get("/search")
    def search_practices(
        q: Annotated[str, Query(min_length=1, max_length=500)],
        lang: Annotated[str | None, Query(pattern=LANG_PATTERN)] = None,
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ) -> list[SearchHit]:
        """Published practices matching `q`, in `lang` first and then English."""
        with Session(services.db) as session:
            hits = search(session=session, query=q, lang=lang, limit=limit)
        return [SearchHit(practice=h.practice, snippet=h.snippet, score=h.score,
                          lang=h.lang, kind=h.kind) for h in hits]

    @router.get("/languages")
    def languages() -> list[LanguageStatus]:
        """Each language with its reviewed and unreviewed texts."""
        services.catalog.freshen()  # reviews saved in another process count at once
        interface = services.catalog.review_status()
        with Session(services.db) as session:
            practices = translation_status(session=session)
        return [LanguageStatus(
            code=lang.code, name=lang.latin_name, native_name=lang.native_name,
            interface_texts=interface.get(lang.code, (0, 0))[0],
            interface_unreviewed=interface.get(lang.code, (0, 0))[1],
            practice_translations=practices.get(lang.code, (0, 0))[0],
            practice_unreviewed=practices.get(lang.code, (0, 0))[1]) for lang in LANGUAGES]

    return router
