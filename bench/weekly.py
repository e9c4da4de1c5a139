"""Weekly story benchmark: queue_weekly_stories over 100,000 subscribed members.

Members are bulk-inserted (Core executemany), each subscribed, consenting and onboarded,
with one identity: Telegram for every third, an SMS number otherwise. Timezones cycle
through Asia/Phnom_Penh, Vientiane, Yangon, Ho_Chi_Minh, Jakarta, Kuala_Lumpur, Manila
and Bangkok; the language is the country's (English for one in five); topics are what
onboarding stores for none, one or two of its topic groups (bot.choices.TOPIC_GROUPS,
"all" being none); quiet hours 21-7. The clock is frozen at
13:30 UTC, when Kuala Lumpur and Manila (21:30) are in quiet hours and the rest are not:
~75 % get a story now (outbox rows), ~25 % a deferred `story` job. Then two more runs
are timed: the same hour again (nothing to do) and 23:00 UTC, when the deferred ones are
due (07:00 in Manila and Kuala Lumpur).

Goal (issues): the first run takes <= 10 s for 100,000 members, on SQLite and PostgreSQL.
After the members are inserted the statistics are brought up to date (bench.common.steady:
what autovacuum would have done by then). The load average is printed with the figures.
Run alone: .venv/bin/python bench/weekly.py [--database-url postgresql://...] [--members N]
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
from datetime import UTC, datetime, timedelta  # noqa: E402

from sqlalchemy import func, insert, select  # noqa: E402

from bench.common import (  # noqa: E402
    Goal,
    arguments,
    describe,
    goals_table,
    scratch_database,
    steady,
    table,
)
from bot.choices import TOPIC_GROUPS, topics_for  # noqa: E402
from content.db import make_engine  # noqa: E402
from content.models import Identity, Job, Member, OutboundMessage  # noqa: E402
from services.scheduling import queue_weekly_stories  # noqa: E402

GOAL_SECONDS = 10.0
NOW = datetime(2025, 3, 5, 13, 30, tzinfo=UTC)
ZONES = [("Asia/Phnom_Penh", "km", "+855"), ("Asia/Vientiane", "lo", "+856"),
         ("Asia/Yangon", "my", "+95"), ("Asia/Ho_Chi_Minh", "vi", "+84"),
         ("Asia/Jakarta", "id", "+62"), ("Asia/Kuala_Lumpur", "ms", "+60"),
         ("Asia/Manila", "fil", "+63"), ("Asia/Bangkok", "th", "+66")]


def _options(parser) -> None:
    parser.add_argument("--members", type=int, default=100_000)


def populate(db, n: int, seed: int = 7) -> None:
    """n subscribed members with one identity each, in two executemany inserts."""
    rng = random.Random(seed)
    groups = list(range(1, len(TOPIC_GROUPS)))  # the last, "all", is the same as none
    base = Member(story_subscribed=True, consent_stories=True, consent_data_at=NOW,
                  onboarded_at=NOW - timedelta(days=60), language_chosen=True).model_dump()
    base.pop("id")
    members = []
    for k in range(n):
        zone, lang, _ = ZONES[k % len(ZONES)]
        members.append({**base, "timezone": zone, "language": "en" if k % 5 == 0 else lang,
                        "topics_wanted": topics_for(rng.sample(groups, rng.randint(0, 2))),
                        "created_at": NOW, "onboarded_at": base["onboarded_at"]})
    start = time.perf_counter()
    with db.begin() as conn:
        conn.execute(insert(Member.__table__), members)
        ids = list(conn.execute(select(Member.id).order_by(Member.id)).scalars())
        identities = []
        for k, member_id in enumerate(ids):
            prefix = ZONES[k % len(ZONES)][2]
            telegram = k % 3 == 0
            identities.append({
                "member_id": member_id, "provider": "telegram" if telegram else "twilio",
                "channel": "telegram" if telegram else "sms",
                "address": str(10**9 + k) if telegram else f"{prefix}9{k:08d}",
                "opted_out": False, "created_at": NOW})
        conn.execute(insert(Identity.__table__), identities)
    print(f"  inserted {n:,} members + identities in {time.perf_counter() - start:.1f} s",
          flush=True)


def counts(db) -> tuple[int, int, int]:
    """(outbox rows, story jobs done, story jobs due)."""
    with db.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(OutboundMessage)).scalar_one()
        jobs = dict(conn.execute(select(Job.status, func.count()).where(Job.kind == "story")
                                 .group_by(Job.status)).all())
    return rows, jobs.get("done", 0), jobs.get("due", 0)


def timed(db, now: datetime) -> tuple[float, int]:
    start = time.perf_counter()
    queued = queue_weekly_stories(db=db, now=now)
    return time.perf_counter() - start, queued


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv, _options)
    with scratch_database(args.database_url) as url:
        db = make_engine(url)
        backend = db.dialect.name
        print(f"weekly: {describe(url)}; {args.members:,} members", flush=True)
        populate(db, args.members)
        steady(db)
        print(f"  load average before the runs: {_load()}", flush=True)
        runs = []
        for label, now in [("first run, 13:30 UTC", NOW),
                           ("again, 13:45 UTC", NOW + timedelta(minutes=15)),
                           ("deferred due, 23:00 UTC", NOW.replace(hour=23))]:
            seconds, queued = timed(db, now)
            rows, done, due = counts(db)
            runs.append([label, f"{seconds:.2f}", queued, rows, done, due])
            print(f"  {label}: {seconds:.2f} s, {queued:,} rows queued", flush=True)
        with db.connect() as conn:
            segments = conn.execute(select(func.max(OutboundMessage.segments))).scalar_one()
        db.dispose()
    print(table(["run", "seconds", "rows queued", "outbox total", "story done",
                 "story deferred"], runs))
    print(f"  largest SMS: {segments} segment(s) (budget 2)")
    first = float(runs[0][1])
    goals = [Goal("weekly", f"queue_weekly_stories, {args.members:,} members ({backend})",
                  f"{first:.2f} s ({runs[0][2]:,} rows)", f"<= {GOAL_SECONDS:.0f} s",
                  first <= GOAL_SECONDS)]
    print(goals_table(goals))
    print(f"load average at the end: {_load()}")
    return goals


def _load() -> str:
    return (", ".join(f"{n:.2f}" for n in os.getloadavg()) + f" (1, 5, 15 min) on "
            f"{os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
