"""The JSON API: `GET /api/search?q=…&lang=…&limit=…` over the search service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlmodel import Session

from content.languages import LANGUAGE_CODES
from services.search import search

LANG_PATTERN = "^(" + "|".join(LANGUAGE_CODES) + ")$"


class SearchHit(BaseModel):
    """A practice found: its slug, the matching piece of text and how well it matched."""

    practice: str
    snippet: str
    score: float
    lang: str
    kind: str


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

    return router
