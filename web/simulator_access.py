"""Who may use the chat simulator, and which sandbox a browser is in.

The `SIMULATOR` setting (peerlearn/settings.py) decides who: "open" (anyone: the
default where no real provider is configured, as on a laptop running `make run`),
"login" (console accounts: the default once a Telegram token or Twilio credentials are
set, so a public deployment does not lend its bot to strangers), or "off" (404). The
login is the console's own session (web/console/core.py).

Each browser gets a random sandbox id in an HttpOnly, SameSite cookie, and the numbers
it types are stored under that id (services/sandbox.py): typing the number another
browser uses reaches a different simulated member, and that browser's conversation can
be neither read nor joined.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from fastapi import HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool

from services.access import allowed
from web.console.core import Console, Forbidden, LoginRequired

COOKIE = "peerlearn_sandbox"
PATH = "/simulator"
PERMISSION = "simulator.use"
COOKIE_DAYS = 365
SANDBOX_ID = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)


def gate(access: str, console: Console, *, api: bool) -> Callable:
    """A dependency that lets a request through as `access` says; refused pages go to
    the console's login (or its 403 page), refused API calls get 401/403 in JSON."""
    async def check(request: Request) -> None:
        if access == "open":
            return
        if access != "login":
            raise HTTPException(404)
        current = await run_in_threadpool(console.current, request)
        if current is None:
            if api:
                raise HTTPException(401, "log in to the console to use the simulator")
            raise LoginRequired()
        if not allowed(current.principal, PERMISSION):
            if api:
                raise HTTPException(403, "your role may not use the simulator")
            raise Forbidden()
    return check


def sandbox_of(request: Request, response: Response) -> str:
    """The browser's sandbox id; a new one (set in `response`'s cookie) if it has none."""
    found = request.cookies.get(COOKIE, "")
    if SANDBOX_ID.fullmatch(found):
        return found
    made = secrets.token_urlsafe(16)
    response.set_cookie(COOKIE, made, max_age=COOKIE_DAYS * 24 * 3600, path=PATH,
                        httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")
    return made
