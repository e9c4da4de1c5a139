"""Questions and answers: held answers, translations, FAQ promotion."""

from __future__ import annotations

from fastapi import APIRouter


def make_router(services) -> APIRouter:
    """The routes of this area."""
    return APIRouter()
