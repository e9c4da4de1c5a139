"""A small HTTP/1.1 keep-alive load client on raw asyncio streams, and the ceiling it
can reach.

httpx spends more CPU per request than a bare FastAPI endpoint under uvicorn does (it
saturated near 600 requests/s on this machine), so it measures itself, not the server.
This client writes requests encoded ahead of the clock and reads only the status line,
the Content-Length and the body. `ceiling` measures what it can drive at all, against a
raw asyncio server in a child process that answers every request with a fixed 200: a
server figure near that ceiling says more about the client than about the server.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.common import cpu_seconds, percentile, spawn
from tests.support.server import free_port

Request = bytes  # a whole HTTP/1.1 request, encoded


def encode(path: str, body: bytes, headers: dict[str, str]) -> Request:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
            f"{head}\r\n").encode() + body


@dataclass
class Run:
    """Latencies (s) and outcomes of one measurement."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    wall: float = 0.0
    started: float = 0.0  # time.monotonic() when the first request was due
    server_cpu: float = 0.0
    client_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def ms(self, q: float) -> str:
        return f"{percentile(self.latencies, q) * 1000:.1f}"


class Connection:
    """One keep-alive connection; one request at a time."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, request: Request) -> int:
        """The response's status (the body is read and dropped)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await self.reader.readexactly(length)
        return int(head[9:12])

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _one(connection: Connection, request: Request, run: Run, started: float,
               ok: int = 200) -> None:
    try:
        status = await connection.send(request)
        if status != ok:
            run.errors[str(status)] += 1
    except (OSError, asyncio.IncompleteReadError) as exc:
        run.errors[type(exc).__name__] += 1
        connection.writer = None
    run.latencies.append(time.perf_counter() - started)


async def measure(port: int, requests: list[Request], connections: int, *,
                  rate: float = 0, pid: int | None = None) -> Run:
    """Closed loop over `connections` (rate 0: each sends its next request when the
    last one is answered), or open loop at `rate` requests/s (request i is due at
    start + i/rate, on the next free connection; its latency counts from when it was
    due, so waiting for a connection counts too)."""
    run, pool = Run(), [Connection(port) for _ in range(connections)]
    # The client's own garbage collection would stall every request in flight: a full
    # collection over the requests built for a run showed as a 100 ms server p99.
    gc.collect()
    gc.disable()
    cpu0 = cpu_seconds(pid) if pid else 0.0
    own0, t0 = time.process_time(), time.perf_counter()
    try:
        if rate:
            await _open_loop(pool, requests, run, rate)
        else:
            queue = iter(requests)

            async def worker(connection: Connection) -> None:
                for request in queue:
                    await _one(connection, request, run, time.perf_counter())

            await asyncio.gather(*(worker(c) for c in pool))
    finally:
        gc.enable()
    run.wall = time.perf_counter() - t0
    run.server_cpu = (cpu_seconds(pid) - cpu0) / run.wall if pid else 0.0
    run.client_cpu = (time.process_time() - own0) / run.wall
    await asyncio.gather(*(c.close() for c in pool))
    return run


async def _open_loop(pool: list[Connection], requests: list[Request], run: Run,
                     rate: float) -> None:
    free: asyncio.Queue = asyncio.Queue()
    for connection in pool:
        free.put_nowait(connection)

    async def one(request: Request, due: float) -> None:
        connection = await free.get()
        try:
            await _one(connection, request, run, due)
        finally:
            free.put_nowait(connection)

    start, tasks = time.perf_counter(), []
    run.started = time.monotonic()
    for i, request in enumerate(requests):
        due = start + i / rate
        if (delay := due - time.perf_counter()) > 0.0005:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(request, due)))
    await asyncio.gather(*tasks)


def _raw_server(conn, port: int) -> None:
    """Child process: answers every request with a fixed 200 and an empty body."""
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line[15:]) for line in head.split(b"\r\n")
                               if line[:15].lower() == b"content-length:"), 0)
                await reader.readexactly(length)
                writer.write(answer)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
        conn.send(os.getpid())
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        server.close()

    asyncio.run(main())


def ceiling(requests: list[Request], connections: int) -> Run:
    """The client's own ceiling: the same requests against a server that does nothing."""
    port = free_port()
    with spawn(_raw_server, port) as child:
        asyncio.run(measure(port, requests[:500], connections))  # warm-up
        return asyncio.run(measure(port, requests, connections, pid=child.hello))
