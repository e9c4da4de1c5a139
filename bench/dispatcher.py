"""Dispatcher benchmark: draining the outbox into the loopback fake providers.

FakeTelegram and FakeTwilio (tests/support, stdlib ThreadingHTTPServer) run in a spawned
process. N outbox rows (half Telegram chats, half Twilio SMS numbers, ~2,000 recipients,
queued round by round so a batch holds many recipients) are written with
services.members.identify + services.delivery.outbox.queue in one transaction; then
`Dispatcher(db, senders, limiter=Limiter({}))` runs `run_once` until nothing is due.
Reported: messages/s overall (rows / drain time) and per provider (rows / the span of
their `sent_at`), a split of each batch into claim / opt-out check / sends / record,
and checks that every row ended `sent`/`accepted` and the fakes got exactly N requests.
Then the limiter from `peerlearn.wiring.limits` (telegram 50/s, per chat off, twilio
20/s) over ~10 s of rows to distinct recipients, mixed in proportion to the rates:
achieved rate per provider = (rows - 1) / span of `sent_at`.

Goals (issue): >= 2,000 messages/s with limits off (SQLite); achieved rates within 5 %.
Run alone: .venv/bin/python bench/dispatcher.py [--database-url ...] [--profile]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import asyncio  # noqa: E402
import cProfile  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from functools import wraps  # noqa: E402

from sqlmodel import select  # noqa: E402

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
from content.db import make_engine, session_scope  # noqa: E402
from content.models import OutboundMessage  # noqa: E402
from peerlearn.wiring import limits  # noqa: E402
from services.delivery import outbox  # noqa: E402
from services.delivery.dispatcher import Dispatcher  # noqa: E402
from services.delivery.parts import Part  # noqa: E402
from services.delivery.ratelimit import Limiter  # noqa: E402
from services.members import identify  # noqa: E402
from services.sms.segments import count  # noqa: E402
from webhooks.channels.registry import build as build_channels  # noqa: E402
from webhooks.channels.registry import senders as make_senders  # noqa: E402

SMS = "Tip: keep seed from your best plants, dry it well and store it in a cool place."
CHAT = "<b>Seed saving</b>\nKeep seed from your best plants, dry it well, store it cool."
BUTTONS = [[{"text": "More", "data": "more"}, {"text": "Next", "data": "next"}]]
SENT = {"telegram": "sent", "twilio": "accepted"}


def fakes(conn) -> None:
    """Child process: both fakes on free ports; answers "count" and "reset" until "stop"."""
    from tests.webhooks.channels.fake_telegram import FakeTelegram
    from tests.webhooks.channels.fake_twilio import FakeTwilio

    telegram, twilio = FakeTelegram(), FakeTwilio()
    conn.send((telegram.start(), twilio.start(), os.getpid()))
    while (command := conn.recv()) != "stop":
        if command == "reset":
            telegram.reset()
            twilio.reset()
        conn.send({"telegram": len(telegram.calls_to("sendMessage")),
                   "twilio": len(twilio.calls_to("createMessage")),
                   "unexpected": telegram.unexpected + twilio.unexpected})
    telegram.stop()
    twilio.stop()


def recipients(provider: str, n: int, first: int) -> list[tuple[str, str, str]]:
    """(provider, channel, address) of n distinct recipients."""
    if provider == "telegram":
        return [("telegram", "telegram", str(9_000_000 + first + i)) for i in range(n)]
    return [("twilio", "sms", f"+8551{first + i + 2_000_000:07d}") for i in range(n)]


def prequeue(db, order: list[tuple[str, str, str]]) -> int:
    """Queues one row per entry, in order, in one transaction; returns the first id."""
    sms = count(SMS)
    chat, text = Part(CHAT, BUTTONS), Part(SMS, segments=sms.segments, encoding=sms.encoding)
    with session_scope(db) as session:
        identities, first = {}, None
        for provider, channel, address in order:
            key = (provider, address)
            if key not in identities:
                identities[key] = identify(session=session, provider=provider,
                                           channel=channel, address=address)[1]
            row_id, = outbox.queue(session=session, identity=identities[key],
                                parts=[chat if provider == "telegram" else text])
            first = first or row_id
    return first


def timed(dispatcher: Dispatcher, spent: Counter, profile: cProfile.Profile | None) -> None:
    """Wraps the dispatcher's database steps (they run in worker threads) to time them
    and, when profiling, to profile them in the thread they run in. Results are written
    by the recorder while the sends go on, so "record" overlaps "send"."""
    steps = (("claim", dispatcher, "claim"), ("_opted_out", dispatcher, "_opted_out"),
             ("_write", dispatcher.recorder, "_record"))
    for name, owner, label in steps:
        method = getattr(owner, name, None)
        if method is None:  # renamed in the product: its time shows under "send"
            continue

        @wraps(method)
        def wrapper(*args, _method=method, _name=label):
            start = time.perf_counter()
            if profile:
                profile.enable()
            try:
                return _method(*args)
            finally:
                if profile:
                    profile.disable()
                spent[_name] += time.perf_counter() - start
        setattr(owner, name, wrapper)


async def drain(db, settings, limiter: Limiter, batch: int, profiles=None) -> dict:
    """Runs the dispatcher until nothing is due; wall time, batches, time split."""
    senders = make_senders(build_channels(settings))
    await senders["telegram"].start()  # getMe, as the app does at start-up
    dispatcher = Dispatcher(db, senders, limiter=limiter, batch=batch)
    spent: Counter = Counter()
    timed(dispatcher, spent, profiles[1] if profiles else None)
    batches, start = 0, time.perf_counter()
    try:
        async with dispatcher.heart.alive():  # as Dispatcher.run: one heartbeat throughout
            while True:
                t0 = time.perf_counter()
                if profiles:
                    profiles[0].enable()
                handled = await dispatcher.run_once()
                if profiles:
                    profiles[0].disable()
                if not handled:
                    break
                batches += 1
                spent["batch"] += time.perf_counter() - t0
    finally:
        for sender in senders.values():
            await sender.close()
    return {"wall": time.perf_counter() - start, "batches": batches, "spent": spent}


def outcome(db, first: int) -> tuple[Counter, dict[str, list]]:
    """Row statuses by provider, and the sent_at times by provider, of rows >= first."""
    statuses, times = Counter(), defaultdict(list)
    with session_scope(db) as session:
        for provider, status, sent_at in session.exec(select(
                OutboundMessage.provider, OutboundMessage.status, OutboundMessage.sent_at)
                .where(OutboundMessage.id >= first)):
            statuses[provider, status] += 1
            if sent_at is not None:
                times[provider].append(sent_at.timestamp())
    return statuses, times


def rate(times: list[float]) -> float:
    """Messages a second between the first and the last send, (n - 1) / span."""
    span = max(times) - min(times) if len(times) > 1 else 0
    return (len(times) - 1) / span if span else float("nan")


def scenario(db, child, settings, order, limiter, batch, profiles=None) -> dict:
    """Pre-queues `order`, drains it, checks it; one result row."""
    child.ask("reset")
    t0 = time.perf_counter()
    first = prequeue(db, order)
    queued = time.perf_counter() - t0
    cpu0 = cpu_seconds(child.hello[2])
    result = asyncio.run(drain(db, settings, limiter, batch, profiles))
    result["fake_cpu"] = (cpu_seconds(child.hello[2]) - cpu0) / result["wall"]
    statuses, times = outcome(db, first)
    got, wanted = child.ask("count"), Counter(p for p, _, _ in order)
    problems = [f"{p}:{s}x{n}" for (p, s), n in statuses.items() if s != SENT[p]]
    problems += [f"fake {p} got {got[p]}, expected {wanted[p]}" for p in SENT
                 if got[p] != wanted[p]]
    problems += [f"unexpected {u}" for u in got["unexpected"][:3]]
    return {**result, "n": len(order), "queued_s": queued, "problems": problems,
            "rates": {p: rate(times[p]) for p in SENT}, "count": wanted}


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv, _options)
    with scratch_database(args.database_url) as url, spawn(fakes) as child:
        telegram_api, twilio_api, _ = child.hello
        settings = bench_settings(url, telegram_api_base=telegram_api,
                                  twilio_api_base=twilio_api, telegram_rate=50,
                                  telegram_chat_rate=0, twilio_rate=20)
        db = make_engine(url)
        print(f"dispatcher: {describe(url)}; fakes in a child process; {args.rows} rows, "
              f"{args.recipients} recipients", flush=True)
        half = args.recipients // 2
        people = [p for pair in zip(recipients("telegram", half, 0),
                                    recipients("twilio", half, 0), strict=True) for p in pair]
        rounds = -(-args.rows // len(people))
        order = [person for _ in range(rounds) for person in people][:args.rows]
        results = {}
        for batch in args.batches:
            profiles = (cProfile.Profile(), cProfile.Profile()) if args.profile else None
            results[f"limits off, batch {batch}"] = res = scenario(
                db, child, settings, order, Limiter({}), batch, profiles)
            print(f"  batch {batch}: {res['n'] / res['wall']:.0f} msg/s", flush=True)
            if profiles:
                show_profiles(profiles)
        seconds = args.seconds
        tg, tw = int(50 * seconds), int(20 * seconds)
        mix = sorted([(i / 50, p) for i, p in enumerate(recipients("telegram", tg, 10**6))]
                     + [(i / 20, p) for i, p in enumerate(recipients("twilio", tw, 10**6))])
        results["limits on"] = scenario(db, child, settings, [p for _, p in mix],
                                        Limiter(limits(settings)), 200)
        db.dispose()
    return report(results, {"telegram": 50.0, "twilio": 20.0})


def report(results: dict[str, dict], configured: dict[str, float]) -> list[Goal]:
    rows = []
    for name, r in results.items():
        s, b = r["spent"], max(1, r["batches"])
        sends = s["batch"] - s["claim"] - s["_opted_out"]  # results are written meanwhile
        rows.append([name, r["n"], f"{r['queued_s']:.1f}", f"{r['wall']:.2f}",
                     f"{r['n'] / r['wall']:.0f}", f"{r['rates']['telegram']:.0f}",
                     f"{r['rates']['twilio']:.0f}", r["batches"],
                     f"{s['claim'] / b * 1000:.0f}/{s['_opted_out'] / b * 1000:.0f}/"
                     f"{sends / b * 1000:.0f}/{s['_record'] / b * 1000:.0f}",
                     f"{r['fake_cpu']:.0%}", "; ".join(r["problems"]) or "ok"])
    print()
    print(table(["run", "rows", "queue s", "drain s", "msg/s", "telegram/s", "twilio/s",
                 "batches", "ms/batch claim/optout/send(record)", "fake cpu", "check"], rows))
    goals = []
    for name, r in results.items():
        if name == "limits on":
            continue
        figure = r["n"] / r["wall"]
        goals.append(Goal("dispatcher", f"{name}, msg/s", f"{figure:.0f}"
                          + (" (errors)" if r["problems"] else ""), ">= 2000",
                          figure >= 2000 and not r["problems"]))
    limited = results["limits on"]
    print()
    print(table(["provider", "rows", "configured/s", "achieved/s", "diff"],
                [[p, limited["count"][p], f"{c:.1f}", f"{limited['rates'][p]:.2f}",
                  f"{(limited['rates'][p] / c - 1) * 100:+.1f}%"]
                 for p, c in configured.items()]))
    for provider, wanted in configured.items():
        got = limited["rates"][provider]
        goals.append(Goal("dispatcher", f"{provider} limit {wanted:g}/s", f"{got:.2f}/s"
                          + (" (errors)" if limited["problems"] else ""), "within 5 %",
                          abs(got / wanted - 1) <= 0.05 and not limited["problems"]))
    print()
    print(goals_table(goals))
    return goals


def show_profiles(profiles) -> None:
    for title, profile in zip(("event loop (sends)", "database steps (threads)"), profiles,
                              strict=True):
        print(f"\n--- cProfile, {title}: top 20 by own time")
        pstats.Stats(profile).sort_stats("tottime").print_stats(20)


def _options(parser) -> None:
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--recipients", type=int, default=2_000)
    parser.add_argument("--batches", type=int, nargs="+", default=[200, 500])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="length of the rate-limited run")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the drains (slower) and print where time goes")


if __name__ == "__main__":
    main()
