"""The live SMS meter: POST /admin/sms/segments (form `text` and `lang`, or `field`
naming the posted field that holds the text, as the editor's htmx requests do) answers a
small fragment with the encoding, exact segments, room left and estimated cost, counted
by services/sms (never a second counter in JavaScript). The editor renders the same
fragment on page load, so it works without JavaScript too."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from services.sms.estimate import estimate
from web.console.core import Console, Current

MAX_TEXT = 5_000


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("practices.read"))

    @router.post("/sms/segments", response_class=HTMLResponse)
    async def segments(request: Request, current: Current = reader) -> HTMLResponse:
        """The meter of one text."""
        form = await request.form()
        field = form.get("field")
        value = form.get("text")
        if value is None and isinstance(field, str) and field.startswith("snippet_"):
            value = form.get(field)
        text = value[:MAX_TEXT] if isinstance(value, str) else ""
        lang = form.get("lang")
        return console.render(request, current, "console/practices/_meter.html",
                              {"m": meter(console, text), "lang": lang
                               if isinstance(lang, str) else ""})

    return router


def meter(console: Console, text: str):
    """The estimate of one text with the deployment's price per segment."""
    return estimate(text, price_per_segment=console.services.settings.sms_price_per_segment)
