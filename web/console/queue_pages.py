"""What the question queue pages share (questions.py, answers.py, faq.py): reading the
filters and the page offset, the organisations to filter by, and carrying out an action.

An action runs bot/moderated.py's function, queues its notices and writes the audit row
in one transaction, then answers post/redirect/get back to the queue with its filters
and a known message, or, for htmx, the fragment that replaces the acted-on item.
A question outside the account's scope is the console's 404; an action the question's
state does not allow (already answered, closed, ...) is a 409 page saying why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Form, Request
from fastapi.responses import Response
from sqlmodel import Session, select

from bot import moderated
from content.languages import LANGUAGE_CODES
from content.models import Organisation, utcnow
from services import questions, queues
from services.audit import record
from web.console.core import PREFIX, Console, Current, Forbidden, NotFound, is_htmx
from web.params import lenient_offset

LIMIT = 50
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
COUNTRY = re.compile(r"^[A-Za-z]{2}$")
Change = Callable[[Session, datetime], moderated.Done]


@dataclass(frozen=True)
class Listing:
    """A queue page's filters and offset, as read from the query (or a form's copy)."""

    filters: queues.Filters
    offset: int = 0

    def params(self, with_offset: bool = True) -> dict[str, str | int]:
        """The query parameters that show this listing again."""
        values: dict[str, str | int] = {
            k: v for k, v in (("lang", self.filters.lang), ("country", self.filters.country),
                              ("org", self.filters.organisation)) if v}
        if with_offset and self.offset:
            values["offset"] = self.offset
        return values

    def url(self, path: str) -> str:
        """The queue page's address with this listing."""
        query = urlencode(self.params())
        return f"{PREFIX}{path}" + (f"?{query}" if query else "")


def listing(lang: str | None = None, country: str | None = None, org: str | None = None,
            offset: int | str | None = 0) -> Listing:
    """The listing of a request; values that make no sense are dropped, not refused."""
    lang = lang if lang in LANGUAGE_CODES else None
    country = country.upper() if country and COUNTRY.match(country) else None
    org = org if org and SLUG.match(org) else None
    return Listing(queues.Filters(lang=lang, country=country, organisation=org),
                   lenient_offset(offset))


def kept(lang: Annotated[str, Form(max_length=8)] = "",
         country: Annotated[str, Form(max_length=8)] = "",
         org: Annotated[str, Form(max_length=80)] = "",
         offset: Annotated[str, Form(max_length=8)] = "") -> Listing:
    """The listing an action form carries (hidden fields), to go back to it."""
    return listing(lang, country, org, offset)


def only_for(current: Current, *queue_names: str) -> None:
    """Forbidden unless the account works on one of the queues (translators: only the
    translations)."""
    if not set(queue_names) & set(queues.visible(current.principal)):
        raise Forbidden("Your role works on the translation queue only.")


def context(session: Session, shown: Listing, rows: list, path: str) -> dict:
    """What every queue page's template needs besides its rows."""
    organisations = list(session.exec(select(Organisation).order_by(Organisation.name)))
    return {"filters": shown.filters, "organisations": organisations, "listing": shown,
            "params": shown.params(with_offset=False), "offset": shown.offset,
            "limit": LIMIT, "shown": len(rows), "base": f"{PREFIX}{path}"}


def span(start: datetime | None, end: datetime) -> str:
    """How long from `start` to `end`, as a moderator reads it: "3 h 20 min", "2 d 4 h"."""
    if start is None:
        return ""
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    minutes = max(0, int((end - start).total_seconds() // 60))
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def perform(console: Console, request: Request, current: Current, *, action: str,
            target: str, target_id: int, change: Change, back: str,
            ok: str | Callable[[moderated.Done], str]) -> Response:
    """Runs the action with its notices and audit row; redirects back (or, for htmx,
    answers the fragment that replaces the item)."""
    now = utcnow()
    try:
        with console.db() as session:
            done = change(session, now)
            sent = moderated.deliver(session, console.services.catalog, done, now=now)
            record(session=session, actor=current.principal, action=action,
                   target_type=target, target_id=target_id, **done.shown,
                   messages_sent=sent)
    except questions.NotFound:
        raise NotFound() from None
    except questions.Conflict as exc:
        return refused(console, request, current, str(exc), back)
    key = ok(done) if callable(ok) else ok
    if is_htmx(request):
        return console.render(request, current, "console/questions/_done.html",
                              {"message": console.notices.get(key, "")})
    return console.redirect(back, ok=key)


def refused(console: Console, request: Request, current: Current, reason: str,
            back: str) -> Response:
    """The action does not fit the question's or answer's state: say why."""
    if is_htmx(request):  # htmx swaps 2xx answers only: show the reason in the item
        return console.render(request, current, "console/questions/_done.html",
                              {"message": "", "error": reason, "back": back})
    return console.render(request, current, "console/error.html",
                          {"title": "Not done", "reason": reason}, status_code=409)
