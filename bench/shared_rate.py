"""Shared send rates benchmark: dispatcher worker processes on PostgreSQL and Redis.

The loopback fakes (bench/dispatcher.py's, in a child process) take the sends; each
worker is a spawned process that builds its limiter as `peerlearn worker` does
(peerlearn.wiring.make_limiter, from settings) and runs `Dispatcher.run_once` until
nothing is due. Rows are queued beforehand (bench/dispatcher.py's prequeue), one
recipient per row for the limited runs. In one run:
- limits off: one worker on SQLite; one worker on PostgreSQL; two on PostgreSQL
  together (rows / time from "go" until both are done).
- limits on (Telegram at --rate messages/s overall, per chat off): two workers on
  PostgreSQL sharing the rate through Redis, with no --share; and, for comparison (no
  goal), two without Redis, each with --share 0.5. Achieved rate = (rows - 1) / span of `sent_at`.
Printed with the load average (the machine is shared) and the fake's CPU share (the
fake is the load generator's side here: near 100 % it, not the workers, is the limit).

Goals (issue 13): one worker on SQLite >= 2,000 msg/s; two workers' sum >= 1.6x one
worker (PostgreSQL); limits on, two workers together within 5 % of the configured rate.
Run: .venv/bin/python bench/shared_rate.py [--database-url postgresql://...] [--redis URL]
(--database-url names the PostgreSQL server; the SQLite run uses a temporary file.)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import asyncio  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from contextlib import ExitStack  # noqa: E402

from bench.common import (  # noqa: E402
    Goal,
    arguments,
    bench_settings,
    cpu_seconds,
    describe,
    goals_table,
    scratch_database,
    spawn,
    table,
)
from bench.dispatcher import SENT, fakes, outcome, prequeue, rate, recipients  # noqa: E402
from content.db import make_engine  # noqa: E402

PG = "postgresql://root@127.0.0.1:5432/test"  # the machine's, unless --database-url


def worker(conn) -> None:
    """Child process: on {"settings": (url, values), "share": ...} drains the outbox and
    answers rows handled and its limiter's state; until "stop"."""
    conn.send(os.getpid())
    while (command := conn.recv()) != "stop":
        url, values = command["settings"]
        conn.send(asyncio.run(drain(bench_settings(url, **values), command["share"])))


async def drain(settings, share: float | None) -> dict:
    """Runs one dispatcher, built as a worker builds it, until nothing is due."""
    from content.db import make_engine
    from peerlearn.wiring import make_limiter
    from services.delivery.dispatcher import Dispatcher
    from webhooks.channels import registry

    db = make_engine(settings.database_url)
    senders = registry.senders(registry.build(settings))
    for sender in senders.values():
        await sender.start()
    limiter = make_limiter(settings, share)
    dispatcher = Dispatcher(db, senders, limiter=limiter)
    handled = 0
    try:
        async with dispatcher.heart.alive():
            while done := await dispatcher.run_once():
                handled += done
    finally:
        status = limiter.status()
        await limiter.aclose()
        for sender in senders.values():
            await sender.close()
        db.dispose()
    return {"rows": handled, **status}


def run(workers, fake, db, order, values: tuple, share: float | None = None) -> dict:
    """Queues `order`, lets `workers` drain it together; one result row."""
    fake.ask("reset")
    first = prequeue(db, order)
    cpu0, start = cpu_seconds(fake.hello[2]), time.perf_counter()
    for child in workers:
        child.conn.send({"settings": values, "share": share})
    answers = [_answer(child) for child in workers]
    wall = time.perf_counter() - start
    statuses, times = outcome(db, first)
    got, wanted = fake.ask("count"), Counter(p for p, _, _ in order)
    problems = [f"{p}:{s}x{n}" for (p, s), n in statuses.items() if s != SENT[p]]
    problems += [f"fake {p} got {got[p]}, expected {wanted[p]}" for p in SENT
                 if got[p] != wanted[p]]
    every = sorted(t for p in SENT for t in times[p])
    return {"n": len(order), "wall": wall, "per_worker": [a["rows"] for a in answers],
            "rates": [a["send_rates"] for a in answers], "achieved": rate(every),
            "fake_cpu": (cpu_seconds(fake.hello[2]) - cpu0) / wall, "problems": problems}


def _answer(child) -> dict:
    if not child.conn.poll(600):
        raise TimeoutError("a worker did not finish in 600 s")
    return child.conn.recv()


def mixed(rows: int, people: int) -> list[tuple[str, str, str]]:
    """Rows round-robin over `people` recipients, half Telegram, half SMS."""
    half = people // 2
    everyone = [p for pair in zip(recipients("telegram", half, 0),
                                  recipients("twilio", half, 0), strict=True) for p in pair]
    return [everyone[i % len(everyone)] for i in range(rows)]


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv, _options)
    load = [os.getloadavg()]
    results: dict[str, dict] = {}
    with ExitStack() as stack:
        fake = stack.enter_context(spawn(fakes))
        pool = [stack.enter_context(spawn(worker)) for _ in range(2)]
        apis = {"telegram_api_base": fake.hello[0], "twilio_api_base": fake.hello[1]}
        off = {**apis, "telegram_rate": 0, "telegram_chat_rate": 0, "twilio_rate": 0}
        on = {**apis, "telegram_rate": args.rate, "telegram_chat_rate": 0, "twilio_rate": 0}
        limited = recipients("telegram", int(args.rate * args.seconds), 10**6)
        for url_name, server in (("sqlite", None), ("postgresql", args.database_url or PG)):
            url = stack.enter_context(scratch_database(server))
            db = make_engine(url)
            print(f"shared_rate: {describe(url)}", flush=True)
            values = (url, off)
            order = mixed(args.rows, args.recipients)
            results[f"{url_name}, limits off, 1 worker"] = run(pool[:1], fake, db, order,
                                                                values)
            if server is None:
                continue
            results[f"{url_name}, limits off, 2 workers"] = run(pool, fake, db, order, values)
            prefix = f"peerlearn-bench:{uuid.uuid4().hex[:8]}:"
            shared = (url, {**on, "redis_url": args.redis, "redis_prefix": prefix})
            results[f"{url_name} + Redis, {args.rate:g}/s, 2 workers"] = run(
                pool, fake, db, limited, shared)
            alone = (url, on)
            results[f"{url_name}, no Redis, {args.rate:g}/s, 2 workers --share 0.5"] = run(
                pool, fake, db, limited, alone, share=0.5)
            db.dispose()
    load.append(os.getloadavg())
    return report(results, args.rate, load)


def report(results: dict[str, dict], configured: float, load: list) -> list[Goal]:
    print()
    print(table(["run", "rows", "s", "msg/s", "rows per worker", "achieved/s",
                 "send rates", "fake cpu", "check"],
                [[name, r["n"], f"{r['wall']:.2f}", f"{r['n'] / r['wall']:.0f}",
                  "+".join(map(str, r["per_worker"])), f"{r['achieved']:.1f}",
                  "/".join(r["rates"]), f"{r['fake_cpu']:.0%}",
                  "; ".join(r["problems"]) or "ok"] for name, r in results.items()]))
    print(f"\nload average (1, 5, 15 min) before: {_load(load[0])}; after: {_load(load[1])}"
          f"; {os.cpu_count()} cores")
    figure = {name: r["n"] / r["wall"] for name, r in results.items()}
    clean = {name: not r["problems"] for name, r in results.items()}
    goals = [Goal("shared_rate", "1 worker, SQLite, limits off, msg/s",
                  f"{figure['sqlite, limits off, 1 worker']:.0f}", ">= 2000",
                  figure["sqlite, limits off, 1 worker"] >= 2000
                  and clean["sqlite, limits off, 1 worker"])]
    one, two = (figure[f"postgresql, limits off, {n}"] for n in ("1 worker", "2 workers"))
    goals.append(Goal("shared_rate", "2 workers / 1 worker, PostgreSQL, limits off",
                      f"{two / one:.2f}x ({two:.0f} / {one:.0f} msg/s)", ">= 1.6x",
                      two / one >= 1.6 and clean["postgresql, limits off, 2 workers"]))
    for name, r in results.items():  # the --share run is shown above, for comparison
        if "/s, 2 workers" in name and "--share" not in name:
            diff = r["achieved"] / configured - 1
            goals.append(Goal("shared_rate", name.replace("postgresql", "PG"),
                              f"{r['achieved']:.1f}/s ({diff:+.1%})", "within 5 %",
                              abs(diff) <= 0.05 and not r["problems"]))
    print()
    print(goals_table(goals))
    return goals


def _load(triple) -> str:
    return ", ".join(f"{x:.2f}" for x in triple)


def _options(parser) -> None:
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--rows", type=int, default=10_000, help="rows of each run, limits off")
    parser.add_argument("--recipients", type=int, default=2_000)
    parser.add_argument("--rate", type=float, default=200.0, help="the configured rate")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="length of each rate-limited run")


if __name__ == "__main__":
    main()
