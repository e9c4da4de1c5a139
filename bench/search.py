"""Search benchmark: top-3 accuracy per language, then latency at 10,000 practices.

(a) the baseline the issue names, SQLite FTS5's default tokenizer over raw text, and
(b) ours (normalise, ICU word segmentation, FTS5 bm25 or a PostgreSQL tsvector), on the
questions in bench/data/search_questions.tsv (drafts; see its header): the share of
questions whose intended practice is among the first three hits, with the question's
language as `lang`. Then the store is grown to --practices practices by cloning the
bundled ones (bench/search_data.py), reindexed, and --queries questions drawn from the
set are timed through services.search.search.

Goals (issues): ours >= 0.9 in every language; p95 latency <= 15 ms at 10,000 practices on
SQLite and PostgreSQL, warm (word counts cached as they come) and cold (the word-count
cache emptied before every query). After growing the store the statistics are brought
up to date (bench.common.steady: what autovacuum would have done by then). The load
average is printed with the figures: the machine may be shared.
Run alone: .venv/bin/python bench/search.py [--database-url postgresql://...]
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

from sqlalchemy import func, select  # noqa: E402

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
from bench.search_data import Baseline, generate, questions  # noqa: E402
from content.db import make_engine, session_scope  # noqa: E402
from content.languages import LANGUAGE_CODES  # noqa: E402
from content.models import SearchDoc  # noqa: E402
from services.search import reindex, search  # noqa: E402
from services.search.terms import forget  # noqa: E402

ACCURACY_GOAL = 0.9
LATENCY_GOAL_MS = 15.0


def _options(parser) -> None:
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)


def accuracy(engine) -> dict[str, tuple[float, float, int]]:
    """Per language: (baseline top-3 share, ours, number of questions)."""
    found: dict[str, list[tuple[bool, bool]]] = {}
    with session_scope(engine) as session:
        baseline = Baseline(session)
        for lang, slug, question in questions():
            ours = [h.practice for h in search(session=session, query=question, lang=lang,
                                               limit=3)]
            found.setdefault(lang, []).append((slug in baseline.top(question, lang),
                                               slug in ours))
    return {lang: (sum(b for b, _ in rows) / len(rows), sum(o for _, o in rows) / len(rows),
                   len(rows)) for lang, rows in found.items()}


def grow(engine, total: int) -> tuple[int, float, float]:
    """Adds generated practices; returns (index rows, insert seconds, reindex seconds)."""
    start = time.perf_counter()
    with session_scope(engine) as session:
        new_ids = generate(session, total)
    inserted = time.perf_counter()
    with session_scope(engine) as session:
        reindex(session=session, practice_ids=new_ids)
    done = time.perf_counter()
    with session_scope(engine) as session:
        rows = session.execute(select(func.count()).select_from(SearchDoc)).scalar_one()
    steady(engine)
    return rows, inserted - start, done - inserted


def latency(engine, count: int, cold: bool = False, seed: int = 11) -> list[float]:
    """Milliseconds per search() for `count` questions drawn from the set; `cold` empties
    the word-count cache (services/search/terms.py) before every query."""
    rng = random.Random(seed)
    drawn = [rng.choice(questions()) for _ in range(count)]
    timings = []
    with session_scope(engine) as session:
        search(session=session, query="warm up", lang="en")
        for lang, _, question in drawn:
            if cold:
                forget()
            start = time.perf_counter()
            search(session=session, query=question, lang=lang, limit=10)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv, _options)
    with scratch_database(args.database_url) as url:
        engine = make_engine(url)
        label = describe(url)
        backend = label.split()[0]
        print(f"search: {label}; {len(questions())} questions; load average "
              f"{os.getloadavg()[0]:.2f}", flush=True)
        scores = accuracy(engine)
        rows, insert_s, reindex_s = grow(engine, args.practices)
        print(f"  grew to {args.practices} practices: {rows} index rows; insert "
              f"{insert_s:.1f} s, reindex {reindex_s:.1f} s", flush=True)
        timings = latency(engine, args.queries)
        cold = latency(engine, args.queries, cold=True)
        engine.dispose()
    goals = _report(scores, timings, backend, args.practices)
    p95 = percentile(cold, 95)
    print(f"  with the word-count cache emptied before each query: p50 "
          f"{percentile(cold, 50):.1f} ms, p95 {p95:.1f} ms")
    goals.append(Goal("search", f"p95 search() at {args.practices} practices, cold "
                      f"({backend})", f"{p95:.1f} ms", f"<= {LATENCY_GOAL_MS:.0f} ms",
                      p95 <= LATENCY_GOAL_MS))
    print(goals_table(goals))
    print("load average (1, 5, 15 min) at the end: "
          + ", ".join(f"{n:.2f}" for n in os.getloadavg()) + f" on {os.cpu_count()} CPUs")
    return goals


def _report(scores: dict, timings: list[float], backend: str, practices: int) -> list[Goal]:
    rows, goals = [], []
    for lang in LANGUAGE_CODES:
        base, ours, n = scores[lang]
        passed = ours >= ACCURACY_GOAL
        rows.append([lang, n, f"{base:.2f}", f"{ours:.2f}", f">= {ACCURACY_GOAL}",
                     "PASS" if passed else "FAIL"])
        goals.append(Goal("search", f"top-3 {lang} ({backend})", f"{ours:.2f}",
                          f">= {ACCURACY_GOAL}", passed))
    print(table(["lang", "questions", "(a) default FTS5, raw", "(b) ours", "goal", "result"],
                rows))
    p50, p95 = percentile(timings, 50), percentile(timings, 95)
    print(f"latency at {practices} practices, {len(timings)} queries: p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms, max {max(timings):.1f} ms")
    goals.append(Goal("search", f"p95 search() at {practices} practices, warm ({backend})",
                      f"{p95:.1f} ms", f"<= {LATENCY_GOAL_MS:.0f} ms", p95 <= LATENCY_GOAL_MS))
    return goals


if __name__ == "__main__":
    main()
