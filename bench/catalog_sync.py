"""What keeping the catalog in step with the console's texts costs (bot/catalog_sync.py).

Every interface text of every language is saved as a console row (9 languages x every
key: the most there can be), then: a check when none is due (a clock reading), the
stamp query a due check runs, and a full reload (what follows a change, and every check
while the newest save is under 30 s old).

Goals (ours, for the module's promise of "no query per message"): a check that is not
due under 2 µs (nothing next to a turn's milliseconds); the stamp query under 5 ms (at
one look every 5 s, under 0.1 % of a core); a full reload under 100 ms.
Run alone: .venv/bin/python bench/catalog_sync.py [--database-url postgresql://...]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.common import Goal, arguments, describe, goals_table, scratch_database  # noqa: E402
from bot.catalog import Catalog  # noqa: E402
from bot.catalog_sync import CatalogSync  # noqa: E402
from content.db import make_engine  # noqa: E402
from content.languages import LANGUAGE_CODES  # noqa: E402
from content.models import CatalogText  # noqa: E402
from services import catalog_texts  # noqa: E402

OLD = datetime(2025, 3, 5, tzinfo=UTC)  # saves long past: checks reload only on change


def timed(what, times: int) -> float:
    """Mean seconds of one call."""
    start = time.perf_counter()
    for _ in range(times):
        what()
    return (time.perf_counter() - start) / times


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv)
    with scratch_database(args.database_url) as url:
        db = make_engine(url)
        catalog = Catalog.load()
        rows = [dict(lang=lang, key=key, text=catalog.texts[lang][key], reviewed=True,
                     reviewed_by="bench", reviewed_at=OLD, updated_by="bench",
                     updated_at=OLD + timedelta(seconds=n))
                for n, (lang, key) in enumerate((lang, key) for lang in LANGUAGE_CODES
                                                for key in catalog.keys())]
        with db.begin() as conn:
            conn.execute(insert(CatalogText), rows)
        sync = CatalogSync(catalog, db, every=5.0)
        sync.refresh()
        idle = timed(sync.refresh_if_due, 200_000)

        def stamp():
            with Session(db) as session:
                catalog_texts.stamp(session=session)

        query = timed(stamp, 300)
        reload = timed(lambda: sync.refresh(force=True), 20)
        db.dispose()
        backend = describe(url)
    print(f"catalog_sync: {backend}; {len(rows):,} console texts")
    goals = [
        Goal("catalog_sync", "check when none is due", f"{idle * 1e6:.2f} µs", "< 2 µs",
             idle < 2e-6),
        Goal("catalog_sync", f"stamp query, {len(rows):,} rows", f"{query * 1e3:.2f} ms",
             "< 5 ms", query < 5e-3),
        Goal("catalog_sync", f"full reload, {len(rows):,} rows", f"{reload * 1e3:.1f} ms",
             "< 100 ms", reload < 0.1),
    ]
    print(goals_table(goals))
    return goals


if __name__ == "__main__":
    main()
