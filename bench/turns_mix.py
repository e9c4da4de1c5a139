"""One measurement of bench/turns.py, run in a fresh interpreter against one source tree.

`python bench/turns_mix.py TREE URL TURNS [--profile]` imports the product (bot, content,
services, peerlearn) from TREE, so the same mix runs against this checkout or a baseline
worktree; it imports nothing from bench/, whose helpers a baseline may not have. It
migrates the empty database at URL with TREE's own migrations, loads the bundled content,
onboards a pool of SMS members (English and Khmer; not timed, and it warms the process),
then times TURNS turns through `services.inbox.receive`, the path the simulator takes
(store, then process). It prints one JSON line: the duration of every timed turn by kind,
wall and CPU seconds, and checks (turns without a reply, questions answered from the store).
"""

from __future__ import annotations

import sys
from pathlib import Path

TREE = Path(sys.argv[1]).resolve()
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(TREE))

import cProfile  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import defaultdict  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from importlib.util import module_from_spec, spec_from_file_location  # noqa: E402

# The mix is the benchmark's (this checkout's bench/mix.py), whatever tree is measured.
_spec = spec_from_file_location("mix", Path(__file__).resolve().parent / "mix.py")
mix = module_from_spec(_spec)
_spec.loader.exec_module(mix)
ONBOARDING, KINDS, cycle, language = mix.ONBOARDING, mix.KINDS, mix.cycle, mix.language

POOL = 60  # onboarded members; each walks mix.cycle again and again


def load(url: str) -> None:
    """Migrates the database with this tree's migrations and loads the bundled packs."""
    from sqlalchemy import text

    from content.db import make_engine, session_scope
    from content.importer import import_drafts
    from content.validate import load_pack
    from peerlearn.migrate import upgrade
    from peerlearn.settings import BUNDLED_PACKS
    from services.search import reindex

    engine = make_engine(url)
    upgrade(engine)
    for pack in sorted(p for p in BUNDLED_PACKS.iterdir() if p.is_dir()):
        drafts, _ = load_pack(pack)
        with session_scope(engine) as session:
            result = import_drafts(session, drafts)
            reindex(session=session, practice_ids=result.changed_ids)
    with engine.begin() as conn:  # published long ago, as in a running service
        conn.execute(text("UPDATE practice SET updated_at = :then"),
                     {"then": datetime(2025, 1, 1, tzinfo=UTC)})
    engine.dispose()


def script(turns: int) -> list[tuple[str, str, str]]:
    """The timed turns as (address, text, kind): rounds of one new member saying hi and
    one pool member's cycle, so each of the five kinds is a fifth of the mix."""
    out: list[tuple[str, str, str]] = []
    for n in range(turns // 5 + 1):
        out.append((f"+8551600{n:04d}", "hi", "new member hi"))
        member = n % POOL
        for text, kind in cycle(language(member), n // POOL):
            out.append((pool_address(member), text, kind))
    return out[:turns]




def pool_address(member: int) -> str:
    return f"+8551200{member:04d}"


def main() -> None:
    url, turns, profile = sys.argv[2], int(sys.argv[3]), "--profile" in sys.argv
    load(url)
    from bot.inbox import InboundItem
    from peerlearn.settings import Settings
    from peerlearn.wiring import build

    services = build(Settings(database_url=url, run_dispatcher=False,
                              public_base_url="https://peerlearn.example.org"))

    def say(address: str, text: str) -> list:
        return services.inbox.receive(InboundItem(
            provider="twilio", channel="sms", address=address,
            provider_key=uuid.uuid4().hex, text=text)).replies

    for member in range(POOL):
        for text in ONBOARDING[language(member)]:
            say(pool_address(member), text)
    durations: dict[str, list[float]] = defaultdict(list)
    cpu_used: dict[str, list[float]] = defaultdict(list)  # this thread's CPU per turn
    profiles = {kind: cProfile.Profile() for kind in KINDS} if profile else {}
    silent = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for address, text, kind in script(turns):
        profiler = profiles.get(kind)
        start, on_cpu = time.perf_counter(), time.thread_time()
        if profiler:
            profiler.enable()
        replies = say(address, text)
        if profiler:
            profiler.disable()
        durations[kind].append(time.perf_counter() - start)
        cpu_used[kind].append(time.thread_time() - on_cpu)
        silent += not replies
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps(dict(durations=durations, cpu_used=cpu_used, wall=wall, cpu=cpu, silent=silent,
                          questions=questions(services.db),
                          profiles={k: top(p) for k, p in profiles.items()})))
    services.db.dispose()




def questions(db) -> dict[str, int]:
    """Questions asked in the whole run (onboarding asks none) by status."""
    from sqlalchemy import func, select

    from content.models import Question

    with db.connect() as conn:
        return dict(conn.execute(select(Question.status, func.count())
                                 .group_by(Question.status)).all())


def top(profiler: cProfile.Profile, lines: int = 30) -> str:
    """The tree's own functions by cumulative share of the kind's time, then the
    heaviest functions anywhere by own time."""
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = max(stats.total_tt, 1e-9)
    ours = sorted(((cum, f"{Path(file).relative_to(TREE)}:{line}({name})", calls)
                   for (file, line, name), (_, calls, _, cum, _) in stats.stats.items()
                   if file.startswith(str(TREE)) and "/.venv/" not in file
                   and "turns_mix" not in file), reverse=True)
    out = [f"{'cum %':>6} {'calls':>6}  function (this tree's own, by cumulative time)"]
    out += [f"{cum / total:6.1%} {calls:6}  {name}" for cum, name, calls in ours[:lines]]
    out.append(f"{'own %':>6} {'calls':>6}  function (anywhere, by own time)")
    own = sorted(((tt, f"{file}:{line}({name})", calls)
                  for (file, line, name), (_, calls, tt, _, _) in stats.stats.items()),
                 reverse=True)
    out += [f"{tt / total:6.1%} {calls:6}  {name.replace(str(TREE), '.')}"
            for tt, name, calls in own[:lines // 2]]
    return "\n".join(out)


if __name__ == "__main__":
    main()
