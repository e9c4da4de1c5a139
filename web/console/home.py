"""The console's front page: the queues with their sizes, the account's scope, and where
to start."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from web.console.core import Console, Current


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    anyone = Depends(console.allow("account.own"))

    @router.get("", response_class=HTMLResponse)
    def home(request: Request, current: Current = anyone) -> HTMLResponse:
        """What is waiting, queue by queue."""
        return console.render(request, current, "console/home.html")

    return router
