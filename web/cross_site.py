"""A request to the JSON APIs that changes something must show it is not a form that
another site made the browser send (a pure ASGI middleware: nothing else runs first).

A browser that has a moderator's Basic credentials cached sends them with every request
to this site, including a form another page auto-submits (urlencoded, multipart or
text/plain) and a cross-site `fetch` in no-cors mode (which may send no Content-Type at
all, and FastAPI reads a body without one as JSON). Neither can say
`Content-Type: application/json` or add a header of its own without a CORS preflight,
which this site never answers. So a POST, PUT, PATCH or DELETE under GUARDED needs one
of them: a JSON content type, an X-Requested-With header, or a personal token
(`Authorization: Bearer`, which a browser never adds by itself). Anything else is
refused with 403 before any route reads it; reads are unaffected. Console pages have
their own defence: a session cookie and a CSRF token on every form.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

GUARDED = ("/api/", "/simulator/api/")
READS = frozenset({"GET", "HEAD", "OPTIONS"})
MARKER = b"x-requested-with"
BEARER = b"bearer "
REFUSED = ("A request that changes something must have a JSON body (Content-Type: "
           "application/json; {} when there is nothing to send), an X-Requested-With "
           "header or a personal token, so that no form on another site can send it.")


def declared(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the request says JSON, carries X-Requested-With or a personal token."""
    for name, value in headers:
        name = name.lower()
        if name == MARKER and value.strip():
            return True
        if name == b"authorization" and value[:len(BEARER)].lower() == BEARER:
            return True
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            if media == b"application/json" or (media.startswith(b"application/")
                                                and media.endswith(b"+json")):
                return True
    return False


class JsonOnly:
    """Refuses changing requests under GUARDED that are neither JSON nor marked."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] not in READS \
                and scope["path"].startswith(GUARDED) and not declared(scope["headers"]):
            await JSONResponse({"detail": REFUSED}, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)
