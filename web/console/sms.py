"""The live SMS meter: POST /admin/sms/segments (form `text` and `lang`, or `field`
naming the posted field that holds the text, as the editor's htmx requests do) answers a
small fragment with the encoding, exact segments, room left and estimated cost to the
language's country (services/sms/prices.py), counted by services/sms (never a second
counter in JavaScript). The editor renders the same
fragment on page load, so it works without JavaScript too."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from services.sms import prices
from services.sms.estimate import Estimate, estimate
from services.sms.prices import Price
from web.console.core import Console, Current

MAX_TEXT = 5_000
SMS_PROVIDER = "twilio"  # the provider SMS goes through (webhooks/channels/twilio_sms.py)


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
        lang = lang if isinstance(lang, str) else ""
        return console.render(request, current, "console/practices/_meter.html",
                              {"m": meter(text, price_for(console, lang)), "lang": lang})

    @router.get("/sms/prices", response_class=HTMLResponse)
    async def price_list(request: Request, current: Current = reader) -> HTMLResponse:
        """The prices per segment in use, with their sources and dates."""
        return console.render(request, current, "console/sms/prices.html",
                              {"prices": prices.stored(console.services.db)})

    return router


def meter(text: str, price: Price | None) -> Estimate:
    """The estimate of one text at a price (`price_for`)."""
    return estimate(text, price=price)


def price_for(console: Console, lang: str) -> Price | None:
    """The price of an SMS segment to the country a language is read in (the "*" price
    for a language of several countries, English): what the meter and previews show."""
    return prices.lookup(prices.stored(console.services.db), SMS_PROVIDER,
                         prices.LANGUAGE_COUNTRY.get(lang))
