"""503 when the database cannot be reached, on every route that does not answer it itself.

The webhooks and /readyz answer an outage on their own (503, so a provider retries).
Elsewhere a lost or refused connection was a 500, as if it were a bug: the search API,
the simulator, the moderation API, the console. It is an outage, not a bug, and says so:
503 with Retry-After, JSON for the APIs and a short page for the console's pages. What
counts as an outage: SQLAlchemy's OperationalError and InterfaceError, any DBAPIError
whose connection was invalidated, and no connection free in the pool in time. Every
other database error stays a 500.
"""

from __future__ import annotations

import logging

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from web.console.core import PREFIX

log = logging.getLogger(__name__)
# What the handler is registered for; `answer` sorts out the outages among them.
ERRORS = (DBAPIError, PoolTimeout)
RETRY_AFTER = "30"
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable</title></head>
<body><h1>Temporarily unavailable</h1>
<p>The database cannot be reached just now. Please try again in a minute.</p></body></html>
"""


def is_outage(exc: Exception) -> bool:
    """Whether the error means the database is out of reach (not a wrong query)."""
    return isinstance(exc, (OperationalError, InterfaceError, PoolTimeout)) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated)


async def answer(request: Request, exc: Exception) -> Response:
    """503 for an outage (JSON, or a page for a browser's page); anything else raised on
    as it was, to be a 500. The log names the error's type only: its text carries the
    SQL's parameters (numbers, messages)."""
    if not is_outage(exc):
        raise exc
    log.warning("database unavailable: %s %s (%s)", request.method, request.url.path,
                type(exc).__name__)
    headers = {"Retry-After": RETRY_AFTER}
    if _page(request):
        return HTMLResponse(PAGE, status_code=503, headers=headers)
    return JSONResponse({"error": "temporarily unavailable: the database cannot be reached"},
                        status_code=503, headers=headers)


def _page(request: Request) -> bool:
    """A console page, or a page a browser asked for (not an API)."""
    path = request.url.path
    if path.startswith(("/api/", "/webhooks/")):
        return False
    return path == PREFIX or path.startswith(PREFIX + "/") \
        or "text/html" in request.headers.get("accept", "")
