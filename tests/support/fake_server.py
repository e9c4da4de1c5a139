"""Base for the fake provider servers (Telegram, Twilio) used by tests and benchmarks.

A `FakeServer` is a stdlib `ThreadingHTTPServer` speaking HTTP/1.1 with keep-alive on
127.0.0.1 (port 0: the OS picks one; `start()` returns the base URL). Subclasses map a
request to a route name and a handler through `resolve`. Every known request is
recorded in `calls`; anything the fake does not know goes to `unexpected` and is
answered 404 (or the status of a raised `Reject`), so tests can assert that
`unexpected` is empty at teardown. `fail_next(route, *responses)` queues one-shot
scripted answers for a route, served before its normal handler. `delay` makes every
recognised request take that many seconds (a slow provider); `in_flight` counts the
requests being answered now. A request counts as made (it is in `calls`) even when the
client went away before the answer: the provider got it.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Response = tuple[int, Any] | tuple[int, Any, dict[str, str]]
Handler = Callable[["Call"], Response]


@dataclass
class Call:
    """One request the fake received and recognised."""

    method: str
    path: str
    form: dict[str, str]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    route: str = ""
    status: int = 0

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Reject(Exception):  # noqa: N818 - control flow, not an error in the fake
    """Raised by `resolve`: answer with this status/body and record as unexpected."""

    def __init__(self, status: int, body: Any, reason: str):
        super().__init__(reason)
        self.status, self.body, self.reason = status, body, reason


def parse_form(body: bytes, content_type: str, query: str) -> dict[str, str]:
    """Query string + urlencoded or JSON body as flat str→str (nested JSON re-encoded)."""
    form = dict(parse_qsl(query, keep_blank_values=True))
    if not body:
        return form
    if "json" in content_type:
        data = json.loads(body)
        if isinstance(data, dict):
            for key, value in data.items():
                form[key] = value if isinstance(value, str) else json.dumps(value)
    else:
        form.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return form


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = 1 << 16  # headers + body leave in one write (flushed per request)
    server_version = "FakeProvider/1.0"
    sys_version = ""
    fake: FakeServer  # set on the per-server subclass

    def setup(self) -> None:
        super().setup()
        self.fake._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.fake._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, payload, extra = self.fake._answer(self.command, self.path, self.headers, body)
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", extra.pop("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024

    def handle_error(self, request, client_address) -> None:
        """A client that went away mid-answer (a killed worker) is no error of ours."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeServer:
    """A fake HTTP provider; subclasses implement `resolve`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._unexpected: list[str] = []
        self._scripted: dict[str, deque[Response]] = {}
        self._conns: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""
        self.delay = 0.0
        self._in_flight = 0

    # -- to override -------------------------------------------------------------
    def resolve(self, call: Call) -> tuple[str, Handler] | None:
        """Route name and handler for a request; None means unknown (404)."""
        return None

    def on_reset(self) -> None:
        """Clear subclass state in `reset()`."""

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> str:
        if self._server is not None:
            return self.base_url
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}:{port}", daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:  # wake keep-alive handler threads blocked on read
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1]) if self.base_url else 0

    # -- inspection and scripting ------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        """Snapshot of recognised requests, in arrival order."""
        with self._lock:
            return list(self._calls)

    @property
    def unexpected(self) -> list[str]:
        """Snapshot of requests the fake did not know ("METHOD /path: reason")."""
        with self._lock:
            return list(self._unexpected)

    @property
    def in_flight(self) -> int:
        """Recognised requests received and not yet answered."""
        with self._lock:
            return self._in_flight

    def calls_to(self, route: str) -> list[Call]:
        return [call for call in self.calls if call.route == route]

    def fail_next(self, route: str, *responses: Response) -> None:
        """Queue one-shot (status, json_body[, headers]) answers for `route`."""
        with self._lock:
            self._scripted.setdefault(route, deque()).extend(responses)

    def pending_failures(self, route: str | None = None) -> int:
        with self._lock:
            queues = [self._scripted.get(route, ())] if route else self._scripted.values()
            return sum(len(queue) for queue in queues)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._unexpected.clear()
            self._scripted.clear()
        self.on_reset()

    # -- internals ---------------------------------------------------------------
    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            (self._conns.add if add else self._conns.discard)(conn)

    def _answer(self, method: str, target: str, headers: Any, body: bytes
                ) -> tuple[int, Any, dict[str, str]]:
        parts = urlsplit(target)
        try:
            form = parse_form(body, headers.get("Content-Type", ""), parts.query)
        except (ValueError, UnicodeDecodeError):
            form = {}
        call = Call(method, parts.path, form, dict(headers.items()))
        try:
            found = self.resolve(call)
        except Reject as reject:
            self._note_unexpected(call, reject.reason)
            return reject.status, reject.body, {}
        if found is None:
            self._note_unexpected(call, "unknown route")
            return 404, {"error": "not found", "path": call.path}, {}
        call.route, handler = found
        with self._lock:
            queue = self._scripted.get(call.route)
            scripted = queue.popleft() if queue else None
            self._in_flight += 1
        try:
            if self.delay:
                time.sleep(self.delay)
            response = scripted if scripted is not None else handler(call)
        except Exception as exc:  # a bug in the fake or a malformed request
            with self._lock:
                self._in_flight -= 1
            self._note_unexpected(call, f"handler error: {exc!r}")
            return 500, {"error": repr(exc)}, {}
        status, payload = response[0], response[1]
        extra = dict(response[2]) if len(response) > 2 else {}
        call.status = status
        with self._lock:
            self._calls.append(call)
            self._in_flight -= 1
        return status, payload, extra

    def _note_unexpected(self, call: Call, reason: str) -> None:
        with self._lock:
            self._unexpected.append(f"{call.method} {call.path}: {reason}")
