"""Security headers on every HTML answer (console, simulator, API docs, error pages),
and on everything under the console and the docs (a pure ASGI middleware).

The Content-Security-Policy allows scripts, styles and images from this site only: no
inline scripts or style attributes, no other host (partner offices may be offline or
behind a firewall, and member text must never run). Pages are not framed, send no
Referer (a set-up link in the URL stays private), and the console's are not cached.
Webhooks and static files never answer HTML: they are passed through untouched.
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
NAMES = frozenset(name for name, _ in HEADERS)
NO_STORE = (b"cache-control", b"no-store")
PROTECTED = ("/admin", "/docs", "/redoc")  # whatever they answer
PASSED = ("/webhooks/", "/static/")
HTML = b"text/html"


class SecurityHeaders:
    """Adds HEADERS to HTML answers and to answers under PROTECTED (and no-store to the
    console's)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path or path.startswith(PASSED):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if path.startswith(PROTECTED) or _is_html(headers):
                    headers = [h for h in headers if h[0].lower() not in NAMES] + HEADERS
                    if path.startswith("/admin"):
                        headers.append(NO_STORE)
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(name.lower() == b"content-type" and value.lower().startswith(HTML)
               for name, value in headers)
