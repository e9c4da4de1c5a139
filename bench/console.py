"""Console benchmark: every queue page and the member search, through HTTP, with 100,000
members and 10,000 questions (bench/console_data.py says how they are made).

The real app (`create_app`, no dispatcher) is served by uvicorn with one worker in a
spawned child process, over a fresh database (SQLite file, or a scratch PostgreSQL
database with --database-url) brought to a steady state (ANALYZE / VACUUM ANALYZE). Two
accounts are logged in through the session service: an admin (sees everything) and
CEDAC's moderator (Cambodia; Khmer and English: the scoped queries). Each page is asked
--requests times one after the other over one keep-alive connection, after a warm-up;
the latency is the whole request as the client sees it. A bare route added to the app in
this benchmark only (a fixed small HTML page) is measured the same way first: its p95 is
the floor of the HTTP stack and this client, printed as the generator's own ceiling.

Goal (issue 9): every queue page and the member search p95 <= 100 ms on SQLite and on
PostgreSQL. Run: .venv/bin/python bench/console.py [--database-url postgresql://...]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import os  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402

from bench import console_data  # noqa: E402
from bench.common import (  # noqa: E402
    Goal,
    arguments,
    bench_settings,
    cpu_seconds,
    describe,
    goals_table,
    percentile,
    scratch_database,
    spawn,
    steady,
    table,
)
from tests.support.server import free_port  # noqa: E402

GOAL_MS = 100.0
WARM_UP = 5
QUEUES = ["escalated", "held", "translations", "reports", "drafts", "faq", "waiting"]
# Member searches: a common syllable, a rarer one, an enterprise word, filters only.
SEARCHES = ["q=%E1%9E%9F%E1%9E%BB%E1%9E%81", "q=Aminah", "q=seed+bank",
            "country=KH&lang=km&role=member", "role=expert"]


def _options(parser) -> None:
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100,
                        help="requests per page and account")


def serve(conn, url: str, port: int) -> None:
    """Child process: the real app plus the bare route, under uvicorn, until "stop"."""
    import uvicorn
    from fastapi.responses import HTMLResponse

    from peerlearn.app import create_app, settle_heap
    from peerlearn.wiring import build

    settings = bench_settings(url)
    app = create_app(settings, build(settings))
    page = "<!doctype html><title>bare</title><p>" + "x" * 2000
    app.add_api_route("/bench/bare", lambda: HTMLResponse(page), methods=["GET"])
    settle_heap()  # as `peerlearn serve` does
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


def sign_in(url: str) -> dict[str, str]:
    """Session cookies of the admin and of CEDAC's moderator."""
    from sqlmodel import select

    from content.db import make_engine, session_scope
    from content.models import ConsoleAccount, Organisation, utcnow
    from services.accounts import passwords, sessions

    engine = make_engine(url)
    tokens = {}
    with session_scope(engine) as session:
        cedac = session.exec(select(Organisation).where(Organisation.slug == "cedac")).one()
        hashed = passwords.hash_password("bench password 1")
        for who, role, org, langs in (("admin", "admin", None, []),
                                      ("moderator", "moderator", cedac.id, ["km", "en"])):
            account = ConsoleAccount(email=f"{who}@bench.example.org", name=who, role=role,
                                     organisation_id=org, languages=langs,
                                     password_hash=hashed)
            session.add(account)
            session.flush()
            tokens[who], _ = sessions.start(session=session, account=account, now=utcnow(),
                                            lifetime=sessions.Lifetime())
    engine.dispose()
    return tokens


def timed(client: httpx.Client, path: str, n: int) -> list[float]:
    """Latencies (ms) of n sequential GETs after a warm-up; every answer must be 200."""
    for _ in range(WARM_UP):
        client.get(path).raise_for_status()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
    return times


def pages() -> list[tuple[str, str]]:
    """(label, path) of every page measured."""
    return ([("overview", "/admin")] + [(f"queue {q}", f"/admin/queues/{q}") for q in QUEUES]
            + [(f"members {s}", f"/admin/members?{s}") for s in SEARCHES])


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv, _options)
    goals: list[Goal] = []
    with scratch_database(args.database_url) as url:
        from content.db import make_engine

        engine = make_engine(url)
        started = time.perf_counter()
        made = console_data.populate(engine, args.members, args.questions)
        steady(engine)
        engine.dispose()
        print(f"console: {describe(url)}; {made['members']:,} members, "
              f"{args.questions:,} questions generated in "
              f"{time.perf_counter() - started:.0f} s; {args.requests} requests a page")
        cookies = sign_in(url)
        port = free_port()
        with spawn(serve, url, port) as child:
            base = f"http://127.0.0.1:{port}"
            rows = []
            with httpx.Client(base_url=base, timeout=30) as bare:
                floor = timed(bare, "/bench/bare", args.requests)
            rows.append(["bare route (client + HTTP floor)", "-", f"{percentile(floor, 50):.1f}",
                         f"{percentile(floor, 95):.1f}", f"{max(floor):.1f}", "-", "-"])
            cpu_before, wall_before = cpu_seconds(child.hello), time.perf_counter()
            for who, cookie in cookies.items():
                with httpx.Client(base_url=base, timeout=30,
                                  cookies={"peerlearn_console": cookie}) as client:
                    for label, path in pages():
                        times = timed(client, path, args.requests)
                        p95 = percentile(times, 95)
                        passed = p95 <= GOAL_MS
                        rows.append([label, who, f"{percentile(times, 50):.1f}",
                                     f"{p95:.1f}", f"{max(times):.1f}",
                                     f"<= {GOAL_MS:.0f}", "PASS" if passed else "FAIL"])
                        goals.append(Goal("console", f"{label} as {who} p95 ms",
                                          f"{p95:.1f}", f"<= {GOAL_MS:.0f}", passed))
            busy = (cpu_seconds(child.hello) - cpu_before) / (time.perf_counter()
                                                              - wall_before)
        print(table(["page", "as", "p50 ms", "p95 ms", "max ms", "goal", "result"], rows))
        print(f"server CPU while measuring: {busy:.0%} of one core")
    return goals


if __name__ == "__main__":
    results = main()
    print()
    print(goals_table(results))
    sys.exit(0 if all(g.passed for g in results) else 1)
