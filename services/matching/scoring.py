"""The Python half of peer matching: the final score, its reasons, and the profile.

The score adds up the same weights as the SQL pre-score (services/matching/candidates.py)
plus reachability — is it outside the candidate's quiet hours, on their own clock, now —
and a small penalty per Introduction the candidate already received this week, so that
resource people share the load. The shared language is checked again here: a candidate
without one is never scored, whatever the SQL said.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from content.models import Member
from services.localtime import reachable
from services.matching.candidates import (
    CLMV,
    RESOURCE,
    W_EXPERT,
    W_LANGUAGE,
    W_LOAD,
    W_OFFERS,
    W_PEER_BORDER,
    W_REACHABLE,
    W_RECIPROCAL,
    W_RESOURCE_BORDER,
    W_SECTOR,
    languages_of,
)


def score(member: Member, row: Any, topic: str, now: datetime,
          weekly: int = 0) -> tuple[float, list[str]]:
    """(score, reasons) of one candidate row, who received `weekly` introductions in
    the last seven days; score < 0 means "not eligible"."""
    theirs = [row.language, *(row.languages or [])]
    shared = [lang for lang in languages_of(member) if lang in theirs]
    if not shared or topic not in (row.topics_offered or []):
        return -1.0, []
    total, reasons = W_OFFERS, [f"offers:{topic}", f"shared-language:{shared[0]}"]
    if row.language == member.language:
        total += W_LANGUAGE
    wanted = [t for t in member.topics_offered or [] if t in (row.topics_wanted or [])]
    if wanted:
        total += W_RECIPROCAL
        reasons.append(f"wants:{wanted[0]}")
    border = _border(member.country, row.country)
    if border:
        total += border
        reasons.append(f"cross-border:{member.country}-{row.country}")
    if member.sector and row.sector == member.sector:
        total += W_SECTOR
        reasons.append("same-sector")
    if row.role == "expert":
        total += W_EXPERT
        reasons.append("expert")
    if reachable(row.timezone, row.quiet_start, row.quiet_end, now):
        total += W_REACHABLE
        reasons.append("reachable")
    else:
        reasons.append("quiet-hours")
    total += W_LOAD * weekly
    return total, reasons


def _border(mine: str | None, theirs: str | None) -> float:
    if not mine or not theirs or mine == theirs:
        return 0.0
    if mine in CLMV and theirs in RESOURCE:
        return W_RESOURCE_BORDER
    return W_PEER_BORDER


def profile(row: Any) -> dict[str, Any]:
    """What the member may see of a proposed peer: never a name, phone or chat id."""
    langs = [row.language, *(lang for lang in row.languages or [] if lang != row.language)]
    return {"country": row.country, "languages": langs, "sector": row.sector,
            "topics_offered": list(row.topics_offered or []), "role": row.role}
