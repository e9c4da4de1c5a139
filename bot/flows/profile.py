"""The member's first name and enterprise name: asked in onboarding (each may be
skipped), shown to peers on cards and in the relay, changed from SETTINGS (6).

```mermaid
flowchart LR
  settings -->|6| name -->|a name / 1 keep / 2 remove| enterprise
  enterprise -->|a name / 1 keep / 2 remove| saved([what peers see]) --> menu
```

Both are the member's own words (steps in FREE_TEXT): stored as typed, with spaces
tidied and cut to the column's length, never folded; text without a letter (emoji, only
digits) is refused with a polite re-ask. Zawgyi is already Unicode here (bot/reading.py).
"""

from __future__ import annotations

import unicodedata

from bot.flows.common import to_menu
from bot.flows.flow import Flow
from bot.flows.peer_cards import about, name_of, typed_labels
from bot.intents import fold, strip_edges
from bot.replies import Choice, Outcome, Reply, Step
from bot.turn import Turn
from content.models import Member
from services.matching.cards import cut, first_name
from services.sms import graphemes

FREE_TEXT = frozenset({"name", "enterprise"})
NAME_MAX = Member.__table__.c.name.type.length
ENTERPRISE_MAX = Member.__table__.c.enterprise.type.length
SKIP = Choice("1", "profile.skip")  # in onboarding; a name is never only digits
KEEP, REMOVE = Choice("1", "profile.keep"), Choice("2", "profile.remove")
INVALID = Reply("profile.invalid")
SHOWN = 30  # characters of a name shown back: a long one would not fit two SMS segments


def clean(text: str, limit: int) -> str | None:
    """The member's words with spaces tidied and cut to `limit` characters (never
    between a letter and its vowel signs); None when they hold no letter."""
    words = " ".join(text.split())
    if not any(unicodedata.category(ch)[0] == "L" for ch in words):
        return None
    if len(words) <= limit:
        return words
    kept = ""
    for cluster in graphemes(words):
        if len(kept) + len(cluster) > limit:
            break
        kept += cluster
    return kept.rstrip()


def name_question() -> Reply:
    """Onboarding: the first name, saying who sees it; 1 skips."""
    return Reply("profile.name_ask", choices=(SKIP,))


def enterprise_question() -> Reply:
    """Onboarding: the enterprise's name, saying who sees it; 1 skips."""
    return Reply("profile.enterprise_ask", choices=(SKIP,))


def name_reply(member: Member) -> Reply:
    """SETTINGS: the first name as it stands, to keep, remove or replace."""
    if member.name is None:
        return Reply("profile.name_none", choices=(SKIP,))
    return Reply("profile.name_now", {"name": cut(member.name, SHOWN)}, (KEEP, REMOVE))


def enterprise_reply(member: Member) -> Reply:
    """SETTINGS: the enterprise's name as it stands, to keep, remove or replace."""
    if member.enterprise is None:
        return Reply("profile.enterprise_none", choices=(SKIP,))
    return Reply("profile.enterprise_now", {"enterprise": cut(member.enterprise, SHOWN)},
                 (KEEP, REMOVE))


def seen_by_peers(member: Member) -> Reply:
    """What a peer's card shows of the member now."""
    return Reply("profile.saved", {"name": name_of(member, member, "peer.someone"),
                                   "about": about(member, member)})


def thanks(name: str) -> Reply:
    """Onboarding: thanks by first name, so the member sees what was kept."""
    return Reply("profile.thanks", {"name": first_name(name)})


def start(turn: Turn) -> Outcome:
    """Settings 6: the first name first."""
    return Outcome([name_reply(turn.member)], Step("profile", "name"))


def _said(turn: Turn, choice: Choice) -> bool:
    """Whether the member picked the choice: its number, or its label typed out."""
    if turn.number is not None:
        return str(turn.number) == choice.value
    return strip_edges(fold(turn.text)) in typed_labels(turn.member, choice.key)


def skipped(turn: Turn) -> bool:
    """Onboarding: whether the member skipped the question (1, or "Skip" typed)."""
    return _said(turn, SKIP)


def _changed(turn: Turn, field: str, limit: int) -> bool:
    """Applies the answer to one field: 1 keeps the value (or skips), 2 removes it,
    words replace it; False when the answer cannot be used."""
    held = getattr(turn.member, field) is not None
    if _said(turn, KEEP if held else SKIP):
        return True
    if held and _said(turn, REMOVE):
        setattr(turn.member, field, None)
        return True
    typed = clean(turn.text, limit)
    if typed is None:
        return False
    setattr(turn.member, field, typed)
    return True


def name(turn: Turn) -> Outcome:
    """Saves the first name as answered, then shows the enterprise's name."""
    if not _changed(turn, "name", NAME_MAX):
        return Outcome([INVALID, name_reply(turn.member)], Step("profile", "name"))
    return Outcome([enterprise_reply(turn.member)], Step("profile", "enterprise"))


def enterprise(turn: Turn) -> Outcome:
    """Saves the enterprise's name as answered and shows what peers now see."""
    if not _changed(turn, "enterprise", ENTERPRISE_MAX):
        return Outcome([INVALID, enterprise_reply(turn.member)],
                       Step("profile", "enterprise"))
    return to_menu(seen_by_peers(turn.member))


STEPS = {"name": name, "enterprise": enterprise}
FLOW = Flow(name="profile", steps=STEPS, free_text=FREE_TEXT)
