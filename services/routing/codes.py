"""Reply codes of routes: a letter and two or three digits ("A57"), unique among the
routes still waiting for an answer, typed at the start of an answerer's reply.

I and O are left out: on a basic phone's keypad they are read as 1 and 0. P is left out
too: "P12" codes belong to peer relays (bot/relay.py).
"""

from __future__ import annotations

import random
import re

from sqlmodel import Session, select

from content.models import QuestionRoute

LETTERS = "ABCDEFGHJKLMNQRSTUVWXYZ"
TWO_DIGIT_TRIES = 20  # then three digits: 21,600 codes instead of 2,160
CODE_RE = re.compile(r"^\s*([A-Za-z]\d{2,3})(?![\w])[\s:.,;-]*(.*)$", re.DOTALL)


def parse_code(text: str | None) -> tuple[str, str] | None:
    """("A57", "the rest") when the text starts with a code, in any case; else None."""
    match = CODE_RE.match(text or "")
    if match is None:
        return None
    return match.group(1).upper(), match.group(2).strip()


def new_code(session: Session, rng: random.Random, taken: set[str] | None = None) -> str:
    """A code no waiting route holds (nor any in `taken`, the ones given out just now)."""
    taken = taken or set()
    for attempt in range(TWO_DIGIT_TRIES + 200):
        digits = 2 if attempt < TWO_DIGIT_TRIES else 3
        code = rng.choice(LETTERS) + str(rng.randrange(10 ** (digits - 1), 10 ** digits))
        if code not in taken and not _waiting(session, code):
            return code
    raise RuntimeError("no free route code; expire old routes")


def _waiting(session: Session, code: str) -> bool:
    query = select(QuestionRoute.id).where(QuestionRoute.code == code,
                                           QuestionRoute.status == "sent").limit(1)
    return session.exec(query).first() is not None
