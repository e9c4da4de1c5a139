"""The console's plumbing, shared by every area: who is logged in, what they may do, the
CSRF check on every form post, and rendering a page with its navigation.

An area (web/console/<area>.py) gets a `Console` and declares its routes with
`Depends(console.allow("permission"))`, which returns the `Current` account or raises:
LoginRequired (anonymous: redirect to the login page), Forbidden (the role lacks the
permission, or a form post without the session's CSRF token). Rows outside the
account's scope are `NotFound` (404), so their existence stays hidden.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from content.db import session_scope
from content.languages import BY_CODE, LANGUAGES
from content.models import utcnow
from services import moderation, queues
from services.access import Principal, allowed
from services.accounts import passwords, principal_of, sessions, throttle
from web.console import i18n

PREFIX = "/admin"
COOKIE = "peerlearn_console"
# The session cookie is sent site-wide, not only under PREFIX: the simulator, where it
# needs a login (web/simulator_access.py), reads the same session.
COOKIE_PATH = "/"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class LoginRequired(Exception):
    """Nobody is logged in (or the session ended)."""


class Forbidden(Exception):
    """The account may not do this; `reason` is shown."""

    def __init__(self, reason: str = "Your role does not allow this.") -> None:
        super().__init__(reason)
        self.reason = reason


class NotFound(Exception):
    """No such thing, or not one the account may see."""


@dataclass(frozen=True)
class Current:
    """The logged-in account of a request: who, which session, its CSRF token."""

    principal: Principal
    session_id: int
    csrf: str


class Console:
    """Everything the console's areas share, built once per app."""

    def __init__(self, services) -> None:
        self.services = services
        settings = services.settings
        self.lifetime = sessions.Lifetime(
            idle=timedelta(minutes=settings.console_session_idle_minutes),
            absolute=timedelta(hours=settings.console_session_max_hours))
        self.limits = throttle.Limits(per_account=settings.login_failures_per_account,
                                      per_address=settings.login_failures_per_address)
        # Made now rather than on the first unknown e-mail, whose login would otherwise
        # take one Argon2 hash longer than a known e-mail's (and tell the difference).
        passwords.dummy_hash()
        self.gettext = i18n.translations("en").gettext
        self.templates = Jinja2Templates(env=self._environment())
        # Messages a redirect may show (`?ok=key`): never text from the request itself.
        self.notices: dict[str, str] = {"saved": "Saved.", "logged_out": "You logged out."}

    def _environment(self) -> jinja2.Environment:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                                 autoescape=True, undefined=jinja2.StrictUndefined,
                                 extensions=["jinja2.ext.i18n"], trim_blocks=True,
                                 lstrip_blocks=True)
        i18n.install(env, i18n.translations("en"))
        env.globals.update(LANGUAGES=LANGUAGES, language_name=language_name,
                           allowed=allowed, PREFIX=PREFIX)
        env.filters.update(when=when, query=urlencode)
        return env

    @contextmanager
    def db(self) -> Iterator[Session]:
        """One transaction over the app's database."""
        with session_scope(self.services.db) as session:
            yield session

    # Who is asking -------------------------------------------------------------------

    def current(self, request: Request) -> Current | None:
        """The logged-in account of the request, if its session is live."""
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        with self.db() as session:
            found = sessions.find(session=session, token=token, now=utcnow(),
                                  lifetime=self.lifetime)
            if found is None:
                return None
            row, account = found
            return Current(principal_of(session, account), row.id, row.csrf_token)

    def allow(self, permission: str) -> Callable[..., Any]:
        """A dependency: the Current account if it may `permission`; a form post must
        carry the session's CSRF token (field `csrf_token` or header `X-CSRF-Token`)."""
        async def check(request: Request) -> Current:
            current = await run_in_threadpool(self.current, request)
            if current is None:
                raise LoginRequired()
            if not allowed(current.principal, permission):
                raise Forbidden()
            if request.method not in ("GET", "HEAD"):
                await self.check_csrf(request, current.csrf)
            return current
        return check

    async def check_csrf(self, request: Request, expected: str) -> None:
        """Forbidden unless the form or the header carries the expected token."""
        sent = request.headers.get("x-csrf-token")
        if sent is None:
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
        if not sent or not secrets.compare_digest(sent.encode(), expected.encode()):
            raise Forbidden("This form has expired. Go back, reload the page and try again.")

    # Answers ------------------------------------------------------------------------

    def render(self, request: Request, current: Current | None, template: str,
               context: dict | None = None, status_code: int = 200) -> HTMLResponse:
        """A page (or, for htmx, a fragment) with what every template may use."""
        values = {"me": current.principal if current else None,
                  "csrf": current.csrf if current else "",
                  "path": request.url.path, "ok": self.notices.get(
                      request.query_params.get("ok", ""), ""),
                  "nav": self.nav(current) if current and not is_htmx(request) else {}}
        values.update(context or {})
        return self.templates.TemplateResponse(request, template, values,
                                               status_code=status_code)

    def nav(self, current: Current) -> dict[str, int]:
        """The queue counts shown in the navigation."""
        if not allowed(current.principal, "queues.read"):
            return {}
        with Session(self.services.db) as session:
            return queues.counts(session=session, principal=current.principal)

    def redirect(self, url: str, ok: str | None = None) -> RedirectResponse:
        """Post/redirect/get, with a known message for the next page."""
        if ok:
            url += ("&" if "?" in url else "?") + urlencode({"ok": ok})
        return RedirectResponse(url, status_code=303)


def is_htmx(request: Request) -> bool:
    """Whether htmx asked (it swaps a fragment; a plain browser gets the page)."""
    return request.headers.get("hx-request") == "true"


def language_name(code: str | None) -> str:
    """A language's English name (for labels); the code if unknown."""
    language = BY_CODE.get(code or "")
    return language.latin_name if language else (code or "")


def when(moment: datetime | None) -> str:
    """A time as moderators read it: UTC, to the minute."""
    if moment is None:
        return ""
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def refused_status(refusal: moderation.Refused) -> int:
    """The status of a page shown again with a service's refusal: 409 when the record
    changed meanwhile (a Conflict), 422 for what was asked."""
    return 409 if isinstance(refusal, moderation.Conflict) else 422
