"""Crash drills: `kill -9` of a worker mid-dispatch, and PostgreSQL stopped under load,
for this checkout and a baseline revision, side by side.

Each drill queues ROWS SMS (default 300, one per number, each text unique) and runs real
`peerlearn worker` processes (tests/support/crash.py) against FakeTwilio, made slow
(`--slow`, 0.2 s a request: with the dispatcher's 32 sends in flight, about 160 msg/s a
worker, far below what the fake serves). The provider's requests per row tell what went
out once, twice or never.
- kill -9: one worker; SIGKILL once a third of the rows went out; a new worker started
  at once. "Takeover" is the time from the kill until no row is held by the dead worker
  any more.
- outage: two workers on a throwaway PostgreSQL server (tests/support/throwaway_pg.py,
  never the machine's shared one); `pg_ctl stop -m immediate` once a fifth of the rows
  went out, started again `--outage` seconds later (9).
kill -9 runs on SQLite and on the throwaway PostgreSQL. Every drill has a fresh database,
migrated by the revision's own code. The baseline (`--baseline REV`, default 6504f87, the
last revision before results were written as they come and workers beat a heartbeat)
runs from a temporary `git worktree` of that revision: its own migrations, its own
worker. Rows not sent within `--patience` seconds (180: the old lease is 120) count as
lost. About ten minutes, most of it the
baseline waiting for its lease.

Run: .venv/bin/python bench/crash.py [--baseline REV] [--rows 300] [--only outage]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from bench.common import table  # noqa: E402
from tests.support.crash import (  # noqa: E402
    Tally,
    all_final,
    claimers,
    migrate,
    queue_rows,
    start_worker,
)
from tests.support.throwaway_pg import throwaway_postgres  # noqa: E402
from tests.support.waiting import wait_for  # noqa: E402
from tests.webhooks.channels.fake_twilio import FakeTwilio  # noqa: E402

DRILLS = ("kill-sqlite", "kill-postgresql", "outage")
CONCURRENCY = 32  # the dispatcher's sends in flight, in both revisions


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """A temporary worktree of `revision`, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="peerlearn-baseline-")) / "tree"
    git("worktree", "add", "--detach", str(folder), revision)
    try:
        yield folder
    finally:
        git("worktree", "remove", "--force", str(folder))
        shutil.rmtree(folder.parent, ignore_errors=True)


class Drill:
    """One drill on one revision: a fresh database, the fake, a scratch folder."""

    def __init__(self, args, root: Path, url: str, folder: Path):
        self.args, self.root, self.url, self.folder = args, root, url, folder
        self.twilio = FakeTwilio()
        self.twilio.start()
        self.twilio.delay = args.slow
        migrate(url, root=root)
        queue_rows(url, args.rows, root=root)

    def calls(self) -> int:
        return len(self.twilio.calls_to("createMessage"))

    def mid_dispatch(self, sent: int) -> bool:
        """`sent` rows went out, and sends are in flight now."""
        return self.calls() >= sent and self.twilio.in_flight >= 8

    def worker(self, name: str):
        return start_worker(self.url, self.twilio, self.folder, root=self.root, name=name)

    def finish(self, started: float) -> float | None:
        """Seconds from `started` until every row was sent, None if not within patience."""
        return since(started, lambda: all_final(self.url, self.args.rows),
                     self.args.patience)

    def close(self) -> None:
        self.twilio.stop()


def since(start: float, condition, patience: float) -> float | None:
    """Seconds from `start` until `condition` holds; None if not within `patience`."""
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            return None
        time.sleep(0.1)
    return time.monotonic() - start


def kill(drill: Drill) -> dict:
    first = drill.worker("first")
    wait_for(lambda: drill.mid_dispatch(drill.args.rows // 3), "the first sends", 120)
    in_flight = drill.twilio.in_flight
    first.kill()
    killed, dead = time.monotonic(), claimers(drill.url)
    wait_for(lambda: drill.twilio.in_flight == 0, "the requests in flight answered", 30)
    sent_before = drill.calls()
    second = drill.worker("second")
    try:
        resumed = since(killed, lambda: drill.calls() > sent_before, drill.args.patience)
        takeover = since(killed, lambda: not dead & claimers(drill.url), drill.args.patience)
        done = drill.finish(killed)
    finally:
        second.stop()
    return {"in_flight": in_flight, "resumed": resumed, "takeover": takeover, "done": done}


def outage(drill: Drill, server) -> dict:
    workers = [drill.worker(f"worker{i}") for i in (1, 2)]
    try:
        wait_for(lambda: drill.mid_dispatch(drill.args.rows // 5), "the first sends", 120)
        in_flight = drill.twilio.in_flight
        server.stop()
        time.sleep(drill.args.outage)  # the outage itself
        server.start()
        back = time.monotonic()
        done = drill.finish(back)
        alive = sum(worker.alive() for worker in workers)
    finally:
        for worker in workers:
            worker.stop()
    return {"in_flight": in_flight, "done": done, "alive": f"{alive}/2"}


def run(name: str, label: str, root: Path, args, server, number: int) -> list:
    folder = Path(tempfile.mkdtemp(prefix="peerlearn-drill-"))
    url = (f"sqlite:///{folder}/drill.db" if name == "kill-sqlite"
           else server.create_database(f"drill{number}"))
    drill = Drill(args, root, url, folder)
    print(f"  {name} on {label} ...", flush=True)
    try:
        found = outage(drill, server) if name == "outage" else kill(drill)
        tally = Tally.of(drill.twilio, args.rows)
    finally:
        drill.close()
        shutil.rmtree(folder, ignore_errors=True)

    def seconds(key):
        value = found.get(key, "-")
        return "-" if value == "-" else (f"> {args.patience:.0f}" if value is None
                                         else f"{value:.1f}")

    return [name, label, tally.rows, tally.once, tally.twice, tally.lost, found["in_flight"],
            seconds("resumed"), seconds("takeover"), seconds("done"), found.get("alive", "-")]


# The last revision whose dispatcher wrote a batch's results at its end and had only
# the 2-minute lease to recover a dead worker's rows.
BEFORE_CRASH_SAFETY = "6504f87"


def main() -> int:
    args = options()
    baseline = git("rev-parse", args.baseline or BEFORE_CRASH_SAFETY)
    head = git("rev-parse", "HEAD")
    dirty = " (+ uncommitted changes)" if git("status", "--porcelain", "--", "services",
                                              "peerlearn", "migrations", "content") else ""
    print(f"crash drills: {args.rows} rows, provider {args.slow} s a request "
          f"(ceiling {CONCURRENCY / args.slow:.0f} msg/s a worker), outage {args.outage} s; "
          f"baseline {baseline[:8]}, this checkout {head[:8]}{dirty}", flush=True)
    rows = []
    with checkout(baseline) as old, throwaway_postgres() as server:
        for name in args.only:
            for label, root in ((f"baseline {baseline[:8]}", old), ("this checkout", ROOT)):
                rows.append(run(name, label, root, args, server, len(rows)))
    print()
    print(table(["drill", "revision", "rows", "sent once", "twice+", "lost",
                 "at the provider at kill/stop", "new worker's 1st send s", "takeover s",
                 "all sent s", "workers alive"], rows))
    print("\nseconds count from the kill (kill -9) or from the database's return (outage); "
          "twice+ = rows the provider got more than once; lost = never sent; at the "
          "provider = requests it was answering then (a worker also holds results not yet "
          "written: together at most 32 a worker in this checkout)")
    return 0


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="revision to compare with (default: "
                                           f"{BEFORE_CRASH_SAFETY})")
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--slow", type=float, default=0.2,
                        help="seconds the fake provider takes per request")
    parser.add_argument("--outage", type=float, default=9.0)
    parser.add_argument("--patience", type=float, default=180.0)
    parser.add_argument("--only", nargs="+", choices=DRILLS, default=list(DRILLS))
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
