"""Store matching benchmark: how often ASK answers from the store, before and after.

On a scratch database with the bundled content (SQLite by default, or a scratch database
on the PostgreSQL server given), every question of the set is put to
`services.store_match.best_answer` as a member of its language reading native script
would ask it (their language, then English: bot.turn.Turn.content_langs). Then the index
is rewritten in its previous form and the previous judge answers the same questions
(bench/store_match_old.py): the old figure, measured in the same run.

Per language: recall (the share of answerable questions answered with the expected
practice), wrong (answered with another practice) and, on the questions the store cannot
answer (expected "none"), false answers; and the SMS segments an answer of the new
judge takes on average (its text alone, as `ASK` sends it on SMS). The default set is
the held-out one, bench/data/eval_questions_heldout.tsv (its header says how it was
made; nothing was tuned on it); --questions bench/data/tune_questions.tsv gives the set
the judge was tuned on.

Run: .venv/bin/python bench/store_match.py [--database-url postgresql://...]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # so `webhooks` is the product package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import csv  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from bench.common import (  # noqa: E402
    Goal,
    arguments,
    describe,
    goals_table,
    scratch_database,
    table,
)
from bench.store_match_old import previous_answer, previous_index  # noqa: E402
from content.db import make_engine, session_scope  # noqa: E402
from content.languages import LANGUAGE_CODES  # noqa: E402
from services.search.terms import forget  # noqa: E402
from services.sms import count  # noqa: E402
from services.store_match import StoredAnswer, best_answer  # noqa: E402

HELD_OUT = ROOT / "bench" / "data" / "eval_questions_heldout.tsv"
NONE = "none"


@dataclass
class Tally:
    """What one language's questions got."""

    answerable: int = 0
    right: int = 0
    wrong: int = 0
    unanswerable: int = 0
    false: int = 0
    segments: int = 0  # SMS segments of the answers sent (new judge only)
    answered: int = 0

    def recall(self) -> float:
        return self.right / self.answerable if self.answerable else 0.0

    def cost(self) -> str:
        return f"{self.segments / self.answered:.1f}" if self.answered else "-"


def _options(parser) -> None:
    parser.add_argument("--questions", type=Path, default=HELD_OUT,
                        help="a question set (lang, expected slug or none, question)")
    parser.add_argument("--show", action="store_true",
                        help="also print every question the new judge gets wrong")


def questions(path: Path) -> list[tuple[str, str, str]]:
    """(lang, expected slug or none, question) rows of a set."""
    with path.open(encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")),
                          delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(lang, slug, text) for lang, slug, text in rows]


def member_langs(lang: str) -> list[str]:
    """The languages a member reading `lang` in its own script gets content in."""
    return [lang, "en"] if lang != "en" else ["en"]


def measure(engine, rows, answer: Callable[..., str | None],
            misses: list | None = None) -> dict[str, Tally]:
    """Puts every question to `answer` (session, text, langs -> slug or None)."""
    tallies = {lang: Tally() for lang in LANGUAGE_CODES}
    forget()
    with session_scope(engine) as session:
        for lang, expected, text in rows:
            got = answer(session=session, text=text, langs=member_langs(lang))
            tally = tallies[lang]
            if isinstance(got, StoredAnswer):
                tally.answered += 1
                tally.segments += count(got.text).segments
                got = got.slug
            if expected == NONE:
                tally.unanswerable += 1
                tally.false += got is not None
            else:
                tally.answerable += 1
                tally.right += got == expected
                tally.wrong += got is not None and got != expected
            if misses is not None and got != (None if expected == NONE else expected):
                misses.append((lang, expected, got, text))
    return tallies


def new_answer(*, session, text: str, langs: list[str]) -> StoredAnswer | None:
    return best_answer(session=session, text=text, langs=langs)


def main(argv: list[str] | None = None) -> list[Goal]:
    args = arguments(__doc__.splitlines()[0], argv, _options)
    rows = questions(args.questions)
    misses: list = []
    with scratch_database(args.database_url) as url:
        engine = make_engine(url)
        label = describe(url)
        print(f"store matching: {label}; {args.questions.name}, {len(rows)} questions",
              flush=True)
        new = measure(engine, rows, new_answer, misses)
        with session_scope(engine) as session:
            previous_index(session)
        old = measure(engine, rows, previous_answer)
        engine.dispose()
    goals = _report(old, new, label.split()[0])
    if args.show:
        for lang, expected, got, text in misses:
            print(f"  {lang}\t{expected}\t-> {got}\t{text}")
    print(goals_table(goals))
    return goals


def _report(old: dict[str, Tally], new: dict[str, Tally], backend: str) -> list[Goal]:
    rows, goals = [], []
    for lang in [*LANGUAGE_CODES, "all"]:
        o, n = (_total(t) if lang == "all" else t[lang] for t in (old, new))
        if not n.answerable and not n.unanswerable:
            continue
        rows.append([lang, n.answerable, f"{o.recall():.2f}", f"{n.recall():.2f}",
                     o.wrong, n.wrong, n.unanswerable, o.false, n.false, n.cost()])
        if lang != "all":
            goals.append(Goal("store match", f"recall {lang} ({backend})",
                              f"{n.recall():.2f} (old {o.recall():.2f})", ">= old",
                              n.recall() >= o.recall()))
    print(table(["lang", "answerable", "recall old", "recall new", "wrong old",
                 "wrong new", "no answer", "false old", "false new", "SMS/answer"], rows))
    return goals


def _total(tallies: dict[str, Tally]) -> Tally:
    total = Tally()
    for t in tallies.values():
        for name in ("answerable", "right", "wrong", "unanswerable", "false", "segments",
                     "answered"):
            setattr(total, name, getattr(total, name) + getattr(t, name))
    return total


if __name__ == "__main__":
    main()
