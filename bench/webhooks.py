"""Webhook benchmark: the acknowledge path (verify, parse, group commit, 2xx) against a
bare endpoint on the same app, with a load client whose own ceiling is measured too.

The real app (`create_app`) is served by uvicorn (one worker) in a spawned process,
with two routes added here only: `/bench/bare-twilio` (reads the body, answers the same
empty TwiML) and `/bench/bare-telegram` (reads the body, answers `{}`): the floor. Its
processors are off (RUN_PROCESSOR=false: they run in `peerlearn worker` when the web
process is to answer at the speed of a write; bench/end_to_end.py runs them inside).
Every request is a new member saying `hi` (an SMS from a new number, a Telegram update
from a new chat), signed and encoded before the clock starts.

In one run: the load client's ceiling (bench/load.py, against a server that does
nothing); then per channel, interleaved floor / full / floor / full (closed loop,
`--concurrency` keep-alive connections); then each full webhook at an offered
`--rate` requests/s (open loop) -> p50, p99. Every answer must be 200, and every full
request's row must be stored once. The load average is printed before and after.

Goals (issue 13): full >= 0.5 x floor with no errors; p99 < 50 ms at 1,000 requests/s.
Run: .venv/bin/python bench/webhooks.py [--database-url postgresql://...]
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
from urllib.parse import urlencode  # noqa: E402

from fastapi import Request as HttpRequest  # noqa: E402
from fastapi import Response  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402

from bench.common import (  # noqa: E402
    PUBLIC_BASE_URL,
    SECRET,
    TWILIO_FROM,
    Goal,
    arguments,
    bench_settings,
    describe,
    goals_table,
    inbound_statuses,
    scratch_database,
    spawn,
    table,
)
from bench.load import Request, Run, ceiling, encode, measure  # noqa: E402
from tests.support.server import free_port  # noqa: E402
from tests.webhooks.channels.fake_twilio import sign  # noqa: E402

FULL = {"sms": "/webhooks/twilio/sms", "telegram": "/webhooks/telegram"}
FLOOR = {"sms": "/bench/bare-twilio", "telegram": "/bench/bare-telegram"}
_numbers = itertools.count(1)


def serve(conn, url: str, port: int) -> None:
    """Child process: the real app plus the bare routes, under uvicorn, until "stop"."""
    import uvicorn

    from peerlearn.app import create_app, settle_heap
    from peerlearn.wiring import build
    from webhooks.channels.twilio_sms import EMPTY_TWIML

    settings = bench_settings(url, run_processor=False)
    app = create_app(settings, build(settings))

    async def bare_twilio(request: HttpRequest) -> Response:
        await request.body()
        return Response(EMPTY_TWIML, media_type="application/xml")

    async def bare_telegram(request: HttpRequest) -> Response:
        await request.body()
        return JSONResponse({})

    app.add_api_route(FLOOR["sms"], bare_twilio, methods=["POST"])
    app.add_api_route(FLOOR["telegram"], bare_telegram, methods=["POST"])
    settle_heap()  # as `peerlearn serve` does before serving
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


def new_members(channel: str, path: str, n: int) -> list[Request]:
    """n requests, each from a new member saying hi, encoded for `path`."""
    out = []
    for _ in range(n):
        k = next(_numbers)
        if channel == "sms":
            form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                    "From": f"+8551{k:08d}", "To": TWILIO_FROM, "Body": "hi",
                    "NumMedia": "0"}
            signature = sign(PUBLIC_BASE_URL + FULL["sms"], form)
            out.append(encode(path, urlencode(form).encode(), {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature}))
        else:
            person = {"id": 7_000_000 + k, "is_bot": False, "first_name": "Bench"}
            update = {"update_id": k, "message": {
                "message_id": k, "date": int(time.time()), "from": person,
                "chat": {**person, "type": "private"}, "text": "hi"}}
            out.append(encode(path, json.dumps(update).encode(), {
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": SECRET}))
    return out


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv, _options)
    n, conc = args.requests, args.concurrency
    with scratch_database(args.database_url) as url:
        port = free_port()
        print(f"webhooks: {describe(url)}, uvicorn (1 worker, processors off) in a child "
              f"process; {n} requests a round at concurrency {conc}; then "
              f"{args.rate:g}/s for {args.seconds:g} s; load average {loadavg()}",
              flush=True)
        client = ceiling(new_members("sms", FLOOR["sms"], n), conc)
        print(f"  load client ceiling: {client.rate:.0f} req/s", flush=True)
        rounds: list[tuple[str, str, Run]] = []
        paced: dict[str, Run] = {}
        sent = {"sms": 0, "telegram": 0}
        with spawn(serve, url, port) as child:
            for channel in ("sms", "telegram"):
                for paths in (FLOOR, FULL):  # warm-up
                    asyncio.run(measure(port, new_members(channel, paths[channel], 300),
                                        conc))
                sent[channel] += 300
                for kind, paths in (("floor", FLOOR), ("full", FULL)) * 2:
                    run = asyncio.run(measure(port, new_members(channel, paths[channel], n),
                                              conc, pid=child.hello))
                    rounds.append((channel, kind, run))
                    sent[channel] += n if kind == "full" else 0
                    print(f"  {channel} {kind}: {run.rate:.0f} req/s", flush=True)
                count = int(args.rate * args.seconds)
                paced[channel] = asyncio.run(measure(
                    port, new_members(channel, FULL[channel], count), 64, rate=args.rate,
                    pid=child.hello))
                sent[channel] += count
        statuses = inbound_statuses(url)
    return report(client, rounds, paced, statuses, sent, args)


def report(client: Run, rounds, paced: dict[str, Run], statuses, sent, args) -> list[Goal]:
    rows = [["client ceiling", f"{client.rate:.0f}", client.ms(50), client.ms(99), "-",
             f"{client.client_cpu:.0%}", _errors(client)]]
    rows += [[f"{channel} {kind}", f"{run.rate:.0f}", run.ms(50), run.ms(99),
              f"{run.server_cpu:.0%}", f"{run.client_cpu:.0%}", _errors(run)]
             for channel, kind, run in rounds]
    rows += [[f"{channel} full at {args.rate:g}/s", f"{run.rate:.0f}", run.ms(50),
              run.ms(99), f"{run.server_cpu:.0%}", f"{run.client_cpu:.0%}", _errors(run)]
             for channel, run in paced.items()]
    print()
    print(table(["run", "req/s", "p50 ms", "p99 ms", "srv cpu", "client cpu", "errors"],
                rows))
    stored = {"sms": statuses["twilio:received"], "telegram": statuses["telegram:received"]}
    print(f"stored inbound rows: {dict(statuses)}; full requests sent: {sent}")
    print(f"load average after: {loadavg()} (2 cores, shared)")
    goals = []
    for channel in ("sms", "telegram"):
        mine = [(kind, run) for c, kind, run in rounds if c == channel]
        floor = sum(r.rate for k, r in mine if k == "floor") / 2
        full = sum(r.rate for k, r in mine if k == "full") / 2
        ok = (not any(r.errors for _, r in mine) and not paced[channel].errors
              and stored[channel] == sent[channel])
        suffix = "" if ok else " (errors or rows missing)"
        ratio = full / floor if floor else 0.0
        p99 = float(paced[channel].ms(99))
        goals.append(Goal("webhooks", f"{channel} full/floor req/s ({full:.0f}/{floor:.0f})",
                          f"{ratio:.2f}{suffix}", ">= 0.5", ok and ratio >= 0.5))
        goals.append(Goal("webhooks", f"{channel} p99 at {args.rate:g}/s",
                          f"{p99:.1f} ms{suffix}", "< 50 ms", ok and p99 < 50))
    print()
    print(goals_table(goals))
    return goals


def _errors(run: Run) -> str:
    return ",".join(f"{k}x{v}" for k, v in run.errors.items()) or "0"


def _options(parser) -> None:
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=5.0)


if __name__ == "__main__":
    main()
