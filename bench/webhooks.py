"""Webhook benchmark: the full pipeline against a bare endpoint on the same app.

The real app (`create_app`, no dispatcher) is served by uvicorn with one worker in a
spawned process, with two extra routes added here only: `/bench/bare-twilio` (reads the
body, answers the same empty TwiML) and `/bench/bare-telegram` (reads the body, answers
`{}`). An httpx.AsyncClient (HTTP/1.1 keep-alive) in this process posts signed Twilio
forms and Telegram updates from ~500 members walking through onboarding and stories.

Per endpoint: (a) closed loop, concurrency 32: warm-up, then a fixed number of requests
-> requests/s, p50, p99; (b) open loop at 100 requests/s for ~10 s (sent on schedule,
latency counted from the scheduled time) -> achieved rate, p50, p99. Every response
must be 200; afterwards every stored inbound message must have been processed.

Goals (issue): full >= 0.5 x bare throughput; p99 < 50 ms at 100 requests/s.
Run alone: .venv/bin/python bench/webhooks.py [--database-url postgresql://...]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import asyncio  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

import httpx  # noqa: E402
from fastapi import Request, Response  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402

from bench.common import (  # noqa: E402
    PUBLIC_BASE_URL,
    SECRET,
    TWILIO_FROM,
    Goal,
    arguments,
    bench_settings,
    cpu_seconds,
    describe,
    goals_table,
    inbound_statuses,
    percentile,
    scratch_database,
    spawn,
    table,
)
from tests.support.server import free_port  # noqa: E402
from tests.webhooks.channels.fake_twilio import sign  # noqa: E402

SCRIPT = ["hi", "1", "1", "1", "1"]  # onboarding; then stories:
STORIES = ["1", "MORE", "NEXT"]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def serve(conn, url: str, port: int) -> None:
    """Child process: the real app plus the bare routes, under uvicorn, until "stop"."""
    import uvicorn

    from peerlearn.app import create_app
    from peerlearn.wiring import build
    from webhooks.channels.twilio_sms import EMPTY_TWIML

    settings = bench_settings(url)
    app = create_app(settings, build(settings))

    async def bare_twilio(request: Request) -> Response:
        await request.body()
        return Response(EMPTY_TWIML, media_type="application/xml")

    async def bare_telegram(request: Request) -> Response:
        await request.body()
        return JSONResponse({})

    app.add_api_route("/bench/bare-twilio", bare_twilio, methods=["POST"])
    app.add_api_route("/bench/bare-telegram", bare_telegram, methods=["POST"])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, workers=1,
                                           log_level="warning", access_log=False))

    def control() -> None:
        while not server.started:
            time.sleep(0.05)
        conn.send(os.getpid())
        conn.recv()  # "stop"
        server.should_exit = True

    threading.Thread(target=control, daemon=True).start()
    server.run()


@dataclass
class Members:
    """~`users` members of one channel; request k is member k % users's next message."""

    channel: str  # "twilio" | "telegram"
    users: int
    counter: itertools.count = field(default_factory=itertools.count)

    def text(self, step: int) -> str:
        return SCRIPT[step] if step < len(SCRIPT) else STORIES[(step - len(SCRIPT)) % 3]

    def requests(self, path: str, n: int) -> list[tuple[str, bytes, dict]]:
        """The next n requests, signed and encoded ahead of the clock."""
        out = []
        for k in itertools.islice(self.counter, n):
            user, text = k % self.users, self.text(k // self.users)
            if self.channel == "twilio":
                form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                        "From": f"+85512{100000 + user}", "To": TWILIO_FROM, "Body": text,
                        "NumMedia": "0"}
                headers = {**FORM, "X-Twilio-Signature": sign(PUBLIC_BASE_URL + path, form)}
                out.append((path, urlencode(form).encode(), headers))
            else:
                chat = 7_000_000 + user
                person = {"id": chat, "is_bot": False, "first_name": "Bench"}
                update = {"update_id": 1_000_000 + k, "message": {
                    "message_id": k + 1, "date": int(time.time()), "from": person,
                    "chat": {**person, "type": "private"}, "text": text}}
                headers = {"Content-Type": "application/json",
                           "X-Telegram-Bot-Api-Secret-Token": SECRET}
                out.append((path, json.dumps(update).encode(), headers))
        return out


@dataclass
class Run:
    """Latencies (s) and outcomes of one measurement."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    wall: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def ms(self, q: float) -> str:
        return f"{percentile(self.latencies, q) * 1000:.1f}"


async def _post(client: httpx.AsyncClient, request, run: Run, started: float) -> None:
    path, body, headers = request
    try:
        response = await client.post(path, content=body, headers=headers)
        if response.status_code != 200:
            run.errors[str(response.status_code)] += 1
    except httpx.HTTPError as exc:
        run.errors[type(exc).__name__] += 1
    run.latencies.append(time.perf_counter() - started)


async def closed_loop(clients, requests, run: Run) -> None:
    """One worker per client, each sending its next request when the last one is done."""
    queue = iter(requests)

    async def worker(client) -> None:
        for request in queue:
            await _post(client, request, run, time.perf_counter())

    await asyncio.gather(*(worker(client) for client in clients))


async def open_loop(clients, requests, run: Run, rate: float) -> None:
    """Sends request i at start + i/rate whatever the answers (on a free connection);
    latency counts from the scheduled time, so waiting for a connection counts too."""
    free: asyncio.Queue = asyncio.Queue()
    for client in clients:
        free.put_nowait(client)

    async def one(request, due: float) -> None:
        client = await free.get()
        try:
            await _post(client, request, run, due)
        finally:
            free.put_nowait(client)

    start, tasks = time.perf_counter(), []
    for i, request in enumerate(requests):
        due = start + i / rate
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(request, due)))
    await asyncio.gather(*tasks)


async def measure(base: str, pid: int, requests, connections: int, rate: float = 0) -> Run:
    """Closed loop over `connections` (rate 0) or open loop at `rate`. One client per
    connection: one shared 32-connection pool made httpx 3x slower (O(pool)/request)."""
    run, one = Run(), httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(base_url=base, limits=one, timeout=30)
               for _ in range(connections)]
    try:
        cpu0, own0, t0 = cpu_seconds(pid), time.process_time(), time.perf_counter()
        if rate:
            await open_loop(clients, requests, run, rate)
        else:
            await closed_loop(clients, requests, run)
        run.wall = time.perf_counter() - t0
        run.server_cpu = (cpu_seconds(pid) - cpu0) / run.wall
        run.client_cpu = (time.process_time() - own0) / run.wall
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    return run


def endpoint(base, pid, members: Members, path: str, args) -> tuple[Run, Run]:
    """Warm-up, max throughput, then paced: (throughput run, paced run)."""
    conc = args.concurrency
    asyncio.run(measure(base, pid, members.requests(path, args.warmup), conc))
    fast = asyncio.run(measure(base, pid, members.requests(path, args.requests), conc))
    paced_n = int(args.rate * args.seconds)
    paced = asyncio.run(measure(base, pid, members.requests(path, paced_n), 64, args.rate))
    return fast, paced


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv, _options)
    with scratch_database(args.database_url) as url:
        port = free_port()
        print(f"webhooks: {describe(url)}, uvicorn (1 worker) in a child process; "
              f"{args.requests} requests at concurrency {args.concurrency} after "
              f"{args.warmup} warm-up; then {args.rate:g}/s for {args.seconds:g} s",
              flush=True)
        plan = [("twilio full", Members("twilio", args.users), "/webhooks/twilio/sms"),
                ("twilio bare", Members("twilio", args.users), "/bench/bare-twilio"),
                ("telegram full", Members("telegram", args.users), "/webhooks/telegram"),
                ("telegram bare", Members("telegram", args.users), "/bench/bare-telegram")]
        runs: dict[str, tuple[Run, Run]] = {}
        with spawn(serve, url, port) as child:
            for name, members, path in plan:
                runs[name] = endpoint(f"http://127.0.0.1:{port}", child.hello, members,
                                      path, args)
                print(f"  {name}: {runs[name][0].rate:.0f} req/s", flush=True)
        statuses = inbound_statuses(url)
    return report(runs, statuses, args)


def report(runs: dict[str, tuple[Run, Run]], statuses: Counter, args) -> list[Goal]:
    rows = []
    for name, (fast, paced) in runs.items():
        errors = fast.errors + paced.errors
        rows.append([name, f"{fast.rate:.0f}", fast.ms(50), fast.ms(99),
                     f"{fast.server_cpu:.0%}", f"{fast.client_cpu:.0%}",
                     f"{paced.rate:.1f}", paced.ms(50), paced.ms(99),
                     ",".join(f"{k}x{v}" for k, v in errors.items()) or "0"])
    print()
    print(table(["endpoint", "req/s", "p50 ms", "p99 ms", "srv cpu", "client cpu",
                 f"paced {args.rate:g}/s", "p50 ms", "p99 ms", "errors"], rows))
    unprocessed = {k: v for k, v in statuses.items() if not k.endswith(":processed")}
    expected = args.warmup + args.requests + int(args.rate * args.seconds)
    print(f"stored inbound rows: {dict(statuses)} (expected {expected} per provider)"
          + (f"; NOT PROCESSED: {unprocessed}" if unprocessed else ""))
    goals = []
    for provider in ("twilio", "telegram"):
        full, bare = runs[f"{provider} full"], runs[f"{provider} bare"]
        ok = not (full[0].errors or full[1].errors or bare[0].errors or bare[1].errors
                  or unprocessed or statuses[f"{provider}:processed"] != expected)
        ratio = full[0].rate / bare[0].rate if bare[0].rate else 0.0
        p99 = percentile(full[1].latencies, 99) * 1000
        suffix = "" if ok else " (errors)"
        goals.append(Goal("webhooks", f"{provider} full/bare req/s",
                          f"{ratio:.2f}{suffix}", ">= 0.5", ok and ratio >= 0.5))
        goals.append(Goal("webhooks", f"{provider} p99 at {args.rate:g}/s",
                          f"{p99:.1f} ms{suffix}", "< 50 ms", ok and p99 < 50))
    print()
    print(goals_table(goals))
    return goals


def _options(parser) -> None:
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=500)


if __name__ == "__main__":
    main()
