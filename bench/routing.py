"""Routing benchmark: route() latency with 100,000 members.

Members are generated and bulk-inserted (Core inserts in batches): about 5% experts,
0-3 offered topics each (the topics of the bundled practices), a language of the region
and sometimes English or a neighbour's language, an Asia/* timezone with the default
quiet hours (21-7), 95% onboarded. Then --questions fresh questions, drawn from
bench/data/search_questions.tsv in their own languages and asked at random hours of the
day (so many candidates are in their quiet hours), are routed one by one: route() with
the topic inferred through search, then committed; each call is timed (route + commit).
Routes pile up as it runs, so later calls see loaded answerers. The members' offers
reach member_offer through its triggers, as they would in production; then the database
is brought to a steady state (PostgreSQL: VACUUM ANALYZE, as autovacuum would; SQLite:
ANALYZE and the bulk insert checkpointed out of the WAL).

Goal (issue): p95 route() <= 50 ms at 100,000 members. Printed next to it: the CPU time
of this process per call (our own cost when other work shares the machine; on
PostgreSQL the server's time is not in it).
Run alone: .venv/bin/python bench/routing.py [--database-url postgresql://...]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import os  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from bench.common import (  # noqa: E402
    Goal,
    arguments,
    describe,
    goals_table,
    percentile,
    scratch_database,
    steady,
    table,
)
from bench.search_data import questions  # noqa: E402
from content.db import make_engine, session_scope  # noqa: E402
from content.models import Member, Question  # noqa: E402
from services.routing import route  # noqa: E402

GOAL_MS = 50.0
BATCH = 5_000
TOPICS = ["farming", "food-security", "environment", "marketing", "cooperatives",
          "forestry", "policy", "handicrafts", "fair-trade", "women", "microfinance",
          "savings-credit", "self-help-groups", "social-enterprise", "peacebuilding",
          "fisheries", "seeds", "value-chains"]
PEERS = {"km": "Asia/Phnom_Penh", "lo": "Asia/Vientiane", "my": "Asia/Yangon",
         "vi": "Asia/Ho_Chi_Minh", "th": "Asia/Bangkok"}
EXPERTS = {"ms": "Asia/Kuala_Lumpur", "fil": "Asia/Manila", "id": "Asia/Jakarta",
           "en": "Asia/Singapore"}
START = datetime(2025, 3, 10, tzinfo=UTC)


def _options(parser) -> None:
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=200)


def member_row(rng: random.Random, now: datetime) -> dict:
    """One generated member as a row of the member table."""
    expert = rng.random() < 0.05
    lang = rng.choice(list(EXPERTS if expert else PEERS))
    zone = (EXPERTS if expert else PEERS)[lang]
    reads = [x for x in ("en", rng.choice(list(PEERS))) if x != lang and rng.random() < 0.3]
    offered = rng.sample(TOPICS, rng.randint(2, 4) if expert else rng.choice((0, 0, 1, 2, 3)))
    return dict(name=None, country=None, language=lang, language_chosen=True,
                script="native", zawgyi=False, role="expert" if expert else "member",
                organisation_id=None, enterprise=None, sector=None,
                topics_wanted=rng.sample(TOPICS, 2), topics_offered=offered,
                consent_data_at=now, consent_declined_at=None, consent_stories=True,
                consent_matching=True, consent_contact=False, timezone=zone,
                quiet_start=21, quiet_end=7, segment_budget=2, languages=reads,
                story_subscribed=False, onboarded_at=now if rng.random() < 0.95 else None,
                created_at=now)


def populate(engine, total: int, seed: int = 5) -> list[int]:
    """Inserts `total` generated members in batches; returns their ids."""
    rng = random.Random(seed)
    members = Member.__table__
    with engine.begin() as conn:
        for start in range(0, total, BATCH):
            conn.execute(members.insert(), [member_row(rng, START)
                                            for _ in range(min(BATCH, total - start))])
    steady(engine)
    with engine.connect() as conn:
        return list(conn.execute(members.select().with_only_columns(members.c.id)).scalars())


def timed_routes(engine, ids: list[int], count: int, seed: int = 9):
    """Wall and CPU milliseconds per route()+commit, and counts of what happened."""
    rng = random.Random(seed)
    asked = questions()
    timings, cpu, outcome = [], [], Counter()
    for n in range(count):
        lang, _, text = rng.choice(asked)
        now = START + timedelta(days=1, minutes=rng.randrange(24 * 60))
        with session_scope(engine) as session:
            row = Question(member_id=rng.choice(ids), lang=lang, text=text, status="open")
            session.add(row)
            session.flush()
            started, used = time.perf_counter(), time.process_time()
            result = route(session=session, question_id=row.id, now=now,
                           rng=random.Random(n))
            session.commit()
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
        outcome[_kind(result)] += 1
        outcome["routes"] += len(result.routes)
    return timings, cpu, outcome


def _kind(result) -> str:
    if result.routes:
        return "translation" if result.needs_translation else "shared language"
    return "quiet: left open" if any("quiet" in r for r in result.reasons) else "moderators"


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv, _options)
    with scratch_database(args.database_url) as url:
        engine = make_engine(url)
        label = describe(url)
        backend = label.split()[0]
        print(f"routing: {label}", flush=True)
        started = time.perf_counter()
        ids = populate(engine, args.members)
        print(f"  inserted {len(ids)} members in {time.perf_counter() - started:.1f} s",
              flush=True)
        with session_scope(engine) as session:  # warm up: caches, zoneinfo, plans
            route(session=session, question_id=0, now=START)
        timings, cpu, outcome = timed_routes(engine, ids, args.questions)
        engine.dispose()
    p50, p95 = percentile(timings, 50), percentile(timings, 95)
    print(f"  {len(timings)} route() calls: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"max {max(timings):.1f} ms (this process's CPU: p50 {percentile(cpu, 50):.1f} "
          f"ms, p95 {percentile(cpu, 95):.1f} ms); load average {os.getloadavg()[0]:.1f}")
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items())))
    print(table(["route()", "p50", "p95", "CPU p95", "goal p95"],
                [[backend, f"{p50:.1f} ms", f"{p95:.1f} ms", f"{percentile(cpu, 95):.1f} ms",
                  f"<= {GOAL_MS:.0f} ms"]]))
    goals = [Goal("routing", f"p95 route() at {args.members} members ({backend})",
                  f"{p95:.1f} ms", f"<= {GOAL_MS:.0f} ms", p95 <= GOAL_MS)]
    print(goals_table(goals))
    return goals


if __name__ == "__main__":
    main()
