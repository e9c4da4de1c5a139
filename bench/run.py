"""Runs the benchmarks (webhooks, dispatcher, language, search, store matching, console,
the printed manual) and prints their goals side by side.

`make bench` runs this on a fresh SQLite database in a temporary directory; pass
`--database-url postgresql://root@127.0.0.1:5432/test` to run on a scratch database
created on that server (and dropped afterwards). Takes about fifteen minutes on two
cores (growing the search index to 10,000 practices is most of it).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import time  # noqa: E402

from bench import (  # noqa: E402
    console,
    dispatcher,
    language,
    manual,
    search,
    store_match,
    webhooks,
)
from bench.common import arguments, goals_table  # noqa: E402


def main() -> int:
    args = arguments(__doc__.splitlines()[0])
    forwarded = ["--database-url", args.database_url] if args.database_url else []
    start = time.perf_counter()
    goals = webhooks.main(forwarded)
    print("\n" + "=" * 100 + "\n")
    goals += dispatcher.main(forwarded)
    print("\n" + "=" * 100 + "\n")
    goals += language.main([])
    print("\n" + "=" * 100 + "\n")
    goals += search.main(forwarded)
    print("\n" + "=" * 100 + "\n")
    goals += store_match.main(forwarded)
    print("\n" + "=" * 100 + "\n")
    goals += console.main(forwarded)
    print("\n" + "=" * 100 + "\n")
    goals += manual.main(forwarded)
    print("\n" + "=" * 100)
    print(f"SUMMARY ({args.database_url or 'sqlite'}; {time.perf_counter() - start:.0f} s)")
    print(goals_table(goals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
