"""End-to-end benchmark: 1,000 new members say `hi` at once to a real `peerlearn serve`
(one process: webhooks, processors and dispatcher, as `make run` runs it) on SQLite,
until every one of them has a reply at the fake Twilio API, send rates lifted
(TWILIO_RATE=0).

The fake Twilio (tests/webhooks/channels/fake_twilio.py) runs in this process, beside
the load client (bench/load.py: raw keep-alive HTTP/1.1, `--concurrency` connections,
every request signed and encoded before the clock starts). Printed: the webhook's
acknowledge rate while the members write, members with a reply per second from the
first request to the last member's first reply, and the load average.

Then, on the same server, the paced part (bench/paced.py): the issue's mix offered at
`--rate` messages/s for `--seconds`, open loop, and each message's wait from when it was
due to its reply at the fake Twilio.

Goals (issue 13): >= 300 members/s; at 200 messages/s for 30 s, p99 < 1 s.
Run: .venv/bin/python bench/end_to_end.py [--members 1000] [--rate 200] [--seconds 30]
     [--database-url ...]
(`--root ../main` runs another checkout's server on the same load, for comparison.)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import asyncio  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402
from alembic import command  # noqa: E402

from bench import paced  # noqa: E402
from bench.common import (  # noqa: E402
    PUBLIC_BASE_URL,
    TWILIO_FROM,
    Goal,
    arguments,
    describe,
    goals_table,
    inbound_statuses,
    percentile,
    scratch_database,
)
from bench.load import measure  # noqa: E402
from content.db import make_engine  # noqa: E402
from peerlearn.migrate import alembic_config  # noqa: E402
from tests.support.crash import clean_env  # noqa: E402
from tests.support.server import free_port  # noqa: E402
from tests.support.waiting import wait_for  # noqa: E402
from tests.webhooks.channels.fake_twilio import FakeTwilio  # noqa: E402


def hellos(count: int) -> tuple[list[str], list[bytes]]:
    """New members' numbers and their `hi`, signed and encoded."""
    numbers = [f"+8551900{i:04d}" for i in range(count)]
    return numbers, [paced.sms(number, "hi") for number in numbers]


def serve(url: str, twilio: FakeTwilio, port: int, log, root: Path) -> subprocess.Popen:
    """`peerlearn serve` of the checkout at `root`, as a process of its own."""
    env = clean_env(root, DATABASE_URL=url, TWILIO_ACCOUNT_SID=twilio.account_sid,
                    TWILIO_AUTH_TOKEN=twilio.auth_token, TWILIO_FROM=TWILIO_FROM,
                    TWILIO_API_BASE=twilio.base_url, TWILIO_RATE="0",
                    PUBLIC_BASE_URL=PUBLIC_BASE_URL)
    return subprocess.Popen([sys.executable, "-c", "from peerlearn.cli import app; app()",
                             "serve", "--port", str(port)], env=env, cwd=tempfile.gettempdir(),
                            stdout=subprocess.DEVNULL, stderr=log)


def schema_of(root: Path, url: str) -> None:
    """Takes the scratch database down to the newest migration `root` knows, so another
    checkout's server accepts it."""
    head = max(p.name[:4] for p in (root / "migrations" / "versions").glob("[0-9]*.py"))
    engine = make_engine(url)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, head)
    engine.dispose()


def answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv, _options)
    numbers, requests = hellos(args.members)
    with scratch_database(args.database_url) as url, FakeTwilio() as twilio, \
            tempfile.TemporaryFile() as log:
        root = Path(args.root).resolve()
        if root != ROOT:
            schema_of(root, url)
        port = free_port()
        process = serve(url, twilio, port, log, root)
        try:
            wait_for(lambda: answers(port), "peerlearn serve to answer", 120)
            print(f"end to end: {describe(url)}, peerlearn serve of {args.root} "
                  f"(pid {process.pid}); "
                  f"{args.members} new members at concurrency {args.concurrency}; "
                  f"load average {_load()}", flush=True)
            start = time.perf_counter()
            acked = asyncio.run(measure(port, requests, args.concurrency, pid=process.pid))
            wanted = set(numbers)
            wait_for(lambda: inbound_statuses(url)["twilio:processed"] == args.members,
                     "every message processed", 600)
            processed = time.perf_counter() - start
            wait_for(lambda: wanted <= {c.get("To") for c in twilio.sent()},
                     "a reply to every member", 600)
            wall = time.perf_counter() - start
            paced.onboard(port, url, args.concurrency)
            steady = paced.run(port, url, twilio, args.rate, args.seconds, args.concurrency,
                               process.pid)
        finally:
            process.terminate()
            process.wait(30)
            log.seek(0)
            said = log.read().decode(errors="replace")
            if sys.exc_info()[0] is not None:
                print("the server's log ends:\n" + said[-3000:], file=sys.stderr)
    errors = dict(acked.errors)
    rate = args.members / wall
    print(f"  webhook: {acked.rate:.0f} req/s acknowledged (p50 {acked.ms(50)} ms, "
          f"p99 {acked.ms(99)} ms), errors {errors or 0}")
    print(f"  every message processed after {processed:.2f} s")
    print(f"  every member replied to after {wall:.2f} s: {rate:.0f} members/s; "
          f"replies sent {len(twilio.sent())}; load average after {_load()}")
    print(paced.summary(steady))
    if "Traceback" in said:
        print("  the server logged a traceback:\n" + said[-3000:])
    p99 = percentile(steady["latencies"], 99) * 1000 if steady["latencies"] else float("inf")
    backend = describe(url).split()[0]
    goals = [Goal("end to end", f"{args.members} new members say hi ({backend})",
                  f"{rate:.0f} members/s", ">= 300", rate >= 300 and not errors),
             Goal("end to end", f"mix at {args.rate:.0f}/s for {args.seconds:.0f} s, "
                  f"inbound → reply p99 ({backend})", f"{p99:.0f} ms", "< 1000 ms",
                  p99 < 1000 and not steady["missing"] and not steady["acked"].errors)]
    print()
    print(goals_table(goals))
    return goals


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _options(parser) -> None:
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rate", type=float, default=200.0,
                        help="messages/s offered in the paced part")
    parser.add_argument("--seconds", type=float, default=30.0,
                        help="length of the paced part")
    parser.add_argument("--root", default=str(ROOT),
                        help="the checkout whose `peerlearn serve` runs (to compare)")


if __name__ == "__main__":
    main()
