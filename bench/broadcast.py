"""Broadcast benchmark: preview and queue a broadcast to 100,000 members.

The members are bench/weekly.py's (every one onboarded, agreeing to stories, a third on
Telegram, the rest SMS numbers in the eight countries, the language the country's or
English for one in five), with the country their number gives. The broadcast has a
Khmer, a Lao and an English text; the other languages fall back to English. Prices:
0.05 a segment to every country, a bench figure (no provider's). Timed:
- the preview (services.broadcasts.plan: the recipients read, each one's text rendered
  and priced, grouped per channel and language), three times;
- queueing it (services.broadcasts.queue and the commit): one outbox row per recipient.
The count of rows and the preview's recipients are checked against each other.

Goals (issue 14): preview <= 1 s and queueing <= 10 s for 100,000 recipients, on SQLite
and PostgreSQL.
Run alone: .venv/bin/python bench/broadcast.py [--database-url postgresql://...]
           [--members N]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import os  # noqa: E402
import time  # noqa: E402

from sqlalchemy import case, func, select, update  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.common import (  # noqa: E402
    Goal,
    arguments,
    describe,
    goals_table,
    scratch_database,
    steady,
    table,
)
from bench.weekly import ZONES, populate  # noqa: E402
from content.db import make_engine  # noqa: E402
from content.models import Broadcast, Member, OutboundMessage  # noqa: E402
from services.broadcasts import plan, queue  # noqa: E402
from services.sms import prices  # noqa: E402
from services.sms.prices import Price, Pricer  # noqa: E402

COUNTRIES = ("KH", "LA", "MM", "VN", "ID", "MY", "PH", "TH")
TEXTS = {"km": "ថ្ងៃសៅរ៍នេះ មានទស្សនកិច្ចស្រែ SRI។ ផ្ញើ VISIT ដើម្បីចូលរួម។",
         "lo": "ວັນເສົາມື້ນີ້ ມີການຢ້ຽມຢາມນາ SRI. ສົ່ງ VISIT ເພື່ອເຂົ້າຮ່ວມ.",
         "en": "This Saturday: a visit to an SRI rice field. Send VISIT to join."}
RATES = {"twilio": 100.0, "telegram": 30.0}


def _options(parser) -> None:
    parser.add_argument("--members", type=int, default=100_000)


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv, _options)
    with scratch_database(args.database_url) as url:
        db = make_engine(url)
        backend = db.dialect.name
        print(f"broadcast: {describe(url)}; {args.members:,} members", flush=True)
        populate(db, args.members)
        with db.begin() as conn:  # the country identify takes from the number
            conn.execute(update(Member.__table__).values(country=case(
                *((Member.timezone == zone, country)
                  for (zone, _, _), country in zip(ZONES, COUNTRIES, strict=True)))))
        steady(db)
        prices.sync(db, [Price("twilio", c, 0.05, source="bench figure") for c in COUNTRIES])
        pricer = Pricer(prices.stored(db))
        print(f"  load average before the runs: {_load()}", flush=True)
        previews = []
        for _ in range(3):
            with Session(db) as session:
                start = time.perf_counter()
                found = plan(session, Broadcast(title="bench", texts=TEXTS, audience={}),
                             pricer, RATES)
                previews.append(time.perf_counter() - start)
        with Session(db) as session:
            row = Broadcast(title="bench", texts=TEXTS, audience={})
            session.add(row)
            session.flush()
            start = time.perf_counter()
            queued = queue(session, row, pricer)
            session.commit()
            queueing = time.perf_counter() - start
        with db.connect() as conn:
            rows = conn.execute(select(func.count()).select_from(OutboundMessage)).scalar_one()
        db.dispose()
    assert queued == rows == found.recipients, (queued, rows, found.recipients)
    print(table(["channel", "language", "recipients", "text in", "segments", "cost"],
                [[line.channel, line.lang, line.recipients,
                  line.sample.lang if line.sample else "-", line.segments,
                  f"{line.cost:.2f}"] for line in found.lines]))
    print(f"  preview runs: {', '.join(f'{s:.2f} s' for s in previews)}; queueing "
          f"{queued:,} rows: {queueing:.2f} s; sending at {RATES}: "
          + ", ".join(f"{p} {s / 60:.0f} min" for p, s in found.seconds.items()))
    goals = [Goal("broadcast", f"preview, {found.recipients:,} recipients ({backend})",
                  f"{max(previews):.2f} s (slowest of 3)", "<= 1 s", max(previews) <= 1.0),
             Goal("broadcast", f"queue, {queued:,} rows ({backend})", f"{queueing:.2f} s",
                  "<= 10 s", queueing <= 10.0)]
    print(goals_table(goals))
    print(f"load average at the end: {_load()}")
    return goals


def _load() -> str:
    return (", ".join(f"{n:.2f}" for n in os.getloadavg()) + f" (1, 5, 15 min) on "
            f"{os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
