"""Indicators benchmark: the dashboard's pages over 100,000 members and 1,000,000
messages (half inbound, half outbound), with readings, questions, introductions,
replication reports and visit interest (bench/indicators_data.py).

The data go in through the outbox's triggers (the SMS roll-up, migration 0020); the
scheduler's scan then folds the roll-up and measures the goals, as it does every ten
minutes, and its time is printed. Each page (the overview with its goals' stored
progress, every figure's page, a CSV) is fetched through
the app with a logged-in client, as an admin (every member) and as a partner
organisation's moderator (its members), `--rounds` times after one warm-up; the p95 of
each is printed beside the goal.

Goal (issue 14): dashboard pages p95 <= 300 ms on SQLite and PostgreSQL.
Run alone: .venv/bin/python bench/indicators.py [--database-url postgresql://...]
[--members N] [--messages N] [--rounds N]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import time  # noqa: E402
from datetime import timedelta  # noqa: E402

from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.common import (  # noqa: E402
    Goal,
    arguments,
    bench_settings,
    describe,
    goals_table,
    percentile,
    scratch_database,
    steady,
    table,
)
from bench.indicators_data import populate  # noqa: E402
from content.db import make_engine  # noqa: E402
from content.models import utcnow  # noqa: E402
from peerlearn.app import create_app, settle_heap  # noqa: E402
from peerlearn.wiring import build  # noqa: E402
from services.indicators import FIGURES, goals  # noqa: E402
from services.indicators.goals import ADMIN, remeasure  # noqa: E402
from services.indicators.rollup import squash  # noqa: E402
from tests.support.console import logged_in, make_world  # noqa: E402

GOAL_MS = 300.0


def _options(parser) -> None:
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20)


def pages() -> list[str]:
    found = ["/admin/indicators"]
    found += [f"/admin/indicators/{key}" for key in FIGURES]
    return found + ["/admin/indicators/onboarded.csv?by=channel"]


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv, _options)
    with scratch_database(args.database_url) as url:
        db = make_engine(url)
        backend = db.dialect.name
        print(f"indicators: {describe(url)}; {args.members:,} members, "
              f"{args.messages:,} messages", flush=True)
        world = make_world(db)
        now = utcnow()
        start = time.perf_counter()
        populate(db, members=args.members, messages=args.messages, now=now,
                 orgs=list(world.orgs.values()))
        print(f"  inserted in {time.perf_counter() - start:.1f} s", flush=True)
        _goals(db, world, now)
        start = time.perf_counter()
        with Session(db) as session:  # what the scheduler's scan does every 10 minutes
            folded = squash(session)
            measured = remeasure(session=session, now=now)
            session.commit()
        print(f"  scheduler scan: {folded:,} roll-up rows folded, {measured} goals "
              f"measured in {time.perf_counter() - start:.1f} s", flush=True)
        steady(db)
        services = build(bench_settings(url), db=db)
        rows = []
        app = create_app(services.settings, services)
        settle_heap()  # as `peerlearn serve` does before serving
        with TestClient(app) as client:
            for person in ("admin", "moderator"):
                logged_in(client, db, world.accounts[person])
                for path in pages():
                    times = _time(client, path, args.rounds)
                    rows.append([person, path, f"{percentile(times, 50):.0f}",
                                 f"{percentile(times, 95):.0f}"])
                    print(f"  {person} {path}: p95 {rows[-1][3]} ms", flush=True)
        db.dispose()
    print(table(["as", "page", "p50 ms", "p95 ms"], rows))
    worst = max(rows, key=lambda r: float(r[3]))
    result = [Goal("indicators", f"dashboard pages p95, {args.members:,} members, "
                   f"{args.messages:,} messages ({backend}); worst: {worst[1]}",
                   f"{worst[3]} ms", f"<= {GOAL_MS:.0f} ms", float(worst[3]) <= GOAL_MS)]
    print(goals_table(result))
    return result


def _goals(db, world, now) -> None:
    """Three goals per organisation, so the overview measures some."""
    with Session(db) as session:
        for org in world.orgs.values():
            for indicator in ("onboarded", "replication", "active"):
                goals.create(session=session, principal=ADMIN, organisation_id=org,
                             indicator=indicator, country=None,
                             start=(now - timedelta(weeks=12)).date(), end=now.date(),
                             target=1000)
        session.commit()


def _time(client: TestClient, path: str, rounds: int) -> list[float]:
    answer = client.get(path)  # warm-up
    assert answer.status_code == 200, (path, answer.status_code)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    return times


if __name__ == "__main__":
    main()
