"""A way to the test database that a test can cut, so the database is really unreachable.

`cuttable(database_url)` yields an Outage whose `engine` reaches the test database until
`cut()`: on PostgreSQL through a TCP proxy on 127.0.0.1 that the test owns (cut closes its
port and every connection through it; the shared server is never touched), on SQLite
through a symbolic link to the database file (cut puts a directory in its place, so
SQLite cannot open it). Either way every new connection fails as it would in an outage,
and the engine's pool is emptied so no connection opened before survives it.
"""

from __future__ import annotations

import os
import select
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from content.db import make_engine, normalize_url


class Proxy:
    """Forwards TCP connections from a local port to `target` until cut."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, name="db-proxy", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # cut
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.closed:
                    client.close()
                    server.close()
                    return
                self.sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        try:
            while True:
                readable, _, _ = select.select(list(peers), [], [])
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except (OSError, ValueError):  # a socket closed by cut
            return
        finally:
            a.close()
            b.close()

    def cut(self) -> None:
        """Stops listening and drops every connection through the proxy."""
        with self.lock:
            self.closed = True
            sockets, self.sockets = self.sockets, []
        self.listener.close()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


@dataclass
class Outage:
    """An engine on the test database, and the way to cut it off."""

    engine: Engine
    _cut: list = field(default_factory=list)

    def cut(self) -> None:
        """Makes the database unreachable through `engine` (once; later calls do nothing)."""
        steps, self._cut = self._cut, []
        for step in steps:
            step()
        self.engine.dispose()


@contextmanager
def cuttable(database_url: str, tmp_path: Path) -> Iterator[Outage]:
    """An Outage over the database at `database_url` (see the module docstring)."""
    url = make_url(normalize_url(database_url))
    if url.get_backend_name() == "sqlite":
        link = tmp_path / "reachable.db"
        os.symlink(url.database, link)
        engine = make_engine(f"sqlite:///{link}")

        def unlink() -> None:
            link.unlink()
            link.mkdir()

        outage = Outage(engine, [unlink])
    else:
        proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
        engine = make_engine(url.set(host="127.0.0.1", port=proxy.port)
                             .render_as_string(hide_password=False))
        outage = Outage(engine, [proxy.cut])
    try:
        yield outage
    finally:
        outage.cut()
