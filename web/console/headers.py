"""Security headers for the console and the API docs (a pure ASGI middleware, so the
webhooks pay nothing for it).

The Content-Security-Policy allows scripts, styles and images from this site only: no
inline scripts or style attributes, no other host (partner offices may be offline or
behind a firewall, and member text must never run). Pages are not framed, send no
Referer (a set-up link in the URL stays private) and are not cached.
"""

from __future__ import annotations

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
NO_STORE = (b"cache-control", b"no-store")
PROTECTED = ("/admin", "/docs", "/redoc")


class SecurityHeaders:
    """Adds HEADERS to responses under PROTECTED paths (and no-store to console pages)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(PROTECTED):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", [])
                           if h[0].lower() not in {name for name, _ in HEADERS}]
                headers += HEADERS
                if path.startswith("/admin"):
                    headers.append(NO_STORE)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
