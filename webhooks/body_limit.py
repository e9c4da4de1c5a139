"""A request body over MAX_REQUEST_BYTES is refused with 413, without being read.

Every route reads its body before it can tell who sent it (a webhook's signature covers
the body; a console form carries its CSRF token inside), so without a limit anyone could
make the server read and hold any amount. This pure ASGI middleware answers a declared
Content-Length over the limit at once; a chunked or undeclared body is counted as the
app reads it, and answered as soon as it goes over. The rest is never read: the answer
says `Connection: close`, and the server closes the connection instead of draining it.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class TooLarge(Exception):
    """Raised into the app when the body it reads goes over the limit."""


class BodyLimit:
    """Refuses request bodies larger than `max_bytes` (413)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received, refused, started = 0, False, False

        async def counted() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    raise TooLarge()
            return message

        async def unless_refused(message: Message) -> None:
            nonlocal started
            if refused:  # the app's answer to TooLarge (a 400, a 500): ours goes instead
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, unless_refused)
        except Exception:
            if not refused:
                raise
        if refused and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"error": f"request body larger than {self.max_bytes} bytes"}, status_code=413,
            headers={"Connection": "close"})
        await response(scope, receive, send)


def _declared_length(scope: Scope) -> int:
    """The Content-Length the client declared; 0 when none (or none a server accepts)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0
