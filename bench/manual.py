"""Printed manual benchmark: a Khmer manual of 12 published practices, gathered from the
database and set as PDF (HarfBuzz shaping, ICU line breaks, QR codes), timed end to end.

The scratch database holds the bundled packs: 12 published practices, each with a Khmer
title and Khmer snippets, the rest of the template in English (printed as the English
fallback). A second run makes the same 12 practices Khmer throughout, to time the most
Khmer there can be: in the scratch database only, every template text and the article of
each Khmer translation is filled with that practice's own Khmer snippets and FAQ answers
(real Khmer, put in sections where it does not belong: load, never content anyone
reads). Each is made three times; the slowest run counts.

Goal (issue 14): a 12-practice Khmer manual in <= 10 s.
Run alone: .venv/bin/python bench/manual.py [--database-url postgresql://...]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import os  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402

from sqlmodel import Session, select  # noqa: E402

from bench.common import Goal, arguments, describe, goals_table, table  # noqa: E402
from bot.catalog import Catalog  # noqa: E402
from bot.manual_words import manual_words  # noqa: E402
from content.db import make_engine, session_scope  # noqa: E402
from content.models import Faq, PracticeTranslation, Snippet, utcnow  # noqa: E402
from services.manuals import pdf  # noqa: E402
from services.manuals.gather import TEMPLATE, gather  # noqa: E402

GOAL_SECONDS = 10.0
PRACTICES = 12
RUNS = 3


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv)
    from bench.common import scratch_database

    with scratch_database(args.database_url) as url:
        backend = describe(url)
        db = make_engine(url)
        words = manual_words(Catalog.load(), "km")
        rows, goals = [], []
        for label, prepare in (("as bundled (Khmer story, English fallbacks)", None),
                               ("Khmer in every section", _khmer_throughout)):
            if prepare:
                prepare(db)
            times, cpu, size, pages, count = [], [], 0, 0, 0
            for _ in range(RUNS):
                start, used = time.perf_counter(), time.process_time()
                with Session(db) as session:
                    manual = gather(session=session, lang="km", now=utcnow(),
                                    bot="peerlearn_bot")
                made = pdf.render(manual, words)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - used)
                size, count = len(made), len(manual.entries)
                pages = len(re.findall(rb"/Type /Page[^s]", made))
            assert count == PRACTICES, f"{count} practices, not {PRACTICES}"
            rows.append([label, count, pages, f"{size / 1024:.0f} KiB",
                         " / ".join(f"{t:.2f}" for t in times),
                         " / ".join(f"{t:.2f}" for t in cpu)])
            goals.append(Goal("manual", f"Khmer manual, {count} practices, {label} ({backend})",
                              f"{max(times):.2f} s", f"<= {GOAL_SECONDS:.0f} s",
                              max(times) <= GOAL_SECONDS))
        db.dispose()
    # CPU seconds beside the wall clock: on a shared machine the second tells the cost.
    print(table(["manual", "practices", "pages", "PDF", "seconds (3 runs)", "CPU seconds"],
                rows))
    print(goals_table(goals))
    print("load average at the end: " + ", ".join(f"{n:.2f}" for n in os.getloadavg())
          + f" (1, 5, 15 min) on {os.cpu_count()} CPUs")
    return goals


def _khmer_throughout(db) -> None:
    """Fills every Khmer text of the scratch database (see the module docstring)."""
    with session_scope(db) as session:
        for row in session.exec(select(PracticeTranslation).where(
                PracticeTranslation.lang == "km")):
            told = list(session.exec(select(Snippet.text).where(
                Snippet.practice_id == row.practice_id, Snippet.lang == "km")
                .order_by(Snippet.position)))
            told += list(session.exec(select(Faq.answer).where(
                Faq.practice_id == row.practice_id, Faq.lang == "km").order_by(Faq.position)))
            text = " ".join(told)
            row.body = "\n\n".join(told)
            for field in TEMPLATE:
                setattr(row, field, text)


if __name__ == "__main__":
    main()
