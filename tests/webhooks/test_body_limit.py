"""Request bodies over MAX_REQUEST_BYTES: 413 before they are read (webhooks/body_limit.py).

Over real HTTP (uvicorn on 127.0.0.1) with a raw socket, since an HTTP client library
sends the whole body before it reads the answer: the client streams up to 100 MB and
stops as soon as the server answers. The server must answer 413 long before the body
is sent, which it can only do without reading it.
"""

from __future__ import annotations

import select
import socket
from urllib.parse import urlsplit

import httpx
import pytest

from peerlearn.app import create_app
from tests.support.server import serving

MiB = 1024 * 1024
HUNDRED_MB = 100 * 1000 * 1000
CHUNK = b"x" * 65536


def head(path: str, **headers: str) -> bytes:
    method, _, path = path.rpartition(" ")
    lines = [f"{method or 'POST'} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunked(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def send_until_answered(base: str, request_head: bytes, piece: bytes) -> tuple[str, int]:
    """Sends the head, then `piece` again and again (up to 100 MB of body) until the
    server answers; returns the answer's status line and how many body bytes went."""
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port)) as sock:
        sock.sendall(request_head)
        sock.setblocking(False)
        sent, pending = 0, b""
        while True:
            writable = [sock] if sent < HUNDRED_MB else []
            readable, can_write, _ = select.select([sock], writable, [], 30)
            if readable:
                return _status_line(sock), sent
            assert can_write, "no answer from the server within 30 s of the last byte"
            pending = pending or piece
            try:
                written = sock.send(pending)
            except (BrokenPipeError, ConnectionResetError):  # closed after its answer
                return _status_line(sock), sent
            pending, sent = pending[written:], sent + written


def _status_line(sock: socket.socket) -> str:
    sock.setblocking(True)
    sock.settimeout(30)
    answer = b""
    try:
        while b"\r\n" not in answer and (data := sock.recv(4096)):
            answer += data
    except ConnectionResetError:
        pass
    return answer.split(b"\r\n", 1)[0].decode()


@pytest.fixture
def server(settings, services):
    """The app over uvicorn, with the default limit (1 MiB)."""
    assert settings.max_request_bytes == MiB
    with serving(create_app(settings, services)) as base:
        yield base


CASES = [
    # (label, [method] path, headers, piece repeated as the body)
    ("100 MB declared, to the Telegram webhook", "/webhooks/telegram",
     {"Content_Type": "application/json", "Content_Length": str(HUNDRED_MB)}, CHUNK),
    ("100 MB declared, to Twilio's", "/webhooks/twilio/sms",
     {"Content_Type": "application/x-www-form-urlencoded",
      "Content_Length": str(HUNDRED_MB)}, b"Body=" + CHUNK[5:]),
    ("100 MB chunked, to the Telegram webhook", "/webhooks/telegram",
     {"Content_Type": "application/json", "Transfer_Encoding": "chunked"}, chunked(CHUNK)),
    ("100 MB chunked, to a console form", "/admin/login",
     {"Content_Type": "application/x-www-form-urlencoded", "Transfer_Encoding": "chunked"},
     chunked(b"email=" + CHUNK)),
    ("100 MB chunked, to the moderation API", "PATCH /api/moderation/practices/1",
     {"Content_Type": "application/json", "Transfer_Encoding": "chunked"}, chunked(CHUNK)),
]


@pytest.mark.parametrize("label,path,headers,piece", CASES, ids=[c[0] for c in CASES])
def test_a_huge_body_is_refused_before_it_is_sent(server, label, path, headers, piece):
    status, sent = send_until_answered(server, head(path, **headers), piece)
    assert status.startswith("HTTP/1.1 413"), status
    assert sent < HUNDRED_MB  # answered while the client was still sending


def test_a_declared_length_over_the_limit_is_answered_before_any_body(server):
    path_head = head("/webhooks/telegram", Content_Type="application/json",
                     Content_Length=str(MiB + 1))
    address = urlsplit(server)
    with socket.create_connection((address.hostname, address.port)) as sock:
        sock.sendall(path_head)  # and not one byte of the body
        assert _status_line(sock).startswith("HTTP/1.1 413")


@pytest.mark.parametrize("size,status", [(MiB, 403), (MiB + 1, 413)])
def test_the_limit_is_the_setting(server, size, status):
    """Up to the limit a body reaches the route (here: no secret, 403); one byte more
    does not, declared or chunked."""
    body = b"{" + b" " * (size - 2) + b"}"
    response = httpx.post(server + "/webhooks/telegram", content=body,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == status
    streamed = httpx.post(server + "/webhooks/telegram", content=iter([body]),
                          headers={"Content-Type": "application/json"})
    assert streamed.status_code == status


def test_a_smaller_limit_can_be_set(settings, services):
    small = type(settings)(**{**settings.model_dump(), "max_request_bytes": 1000})
    with serving(create_app(small, services)) as base:
        assert httpx.post(base + "/webhooks/telegram", content=b"x" * 1001).status_code == 413
        assert httpx.post(base + "/webhooks/telegram", content=b"x" * 1000).status_code == 403
