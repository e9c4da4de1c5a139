"""Peer matching for the PEER flow: propose one peer for a topic, then record it.

`propose` filters candidates in SQL (services/matching/candidates.py: consent,
onboarding, topic offered, a shared language, no repeat pair, the weekly cap) and scores
the best few hundred in Python (services/matching/scoring.py: complementarity, the
cross-border preference of the programme — CLMV learners with resource people from
MY/PH/ID first, then peers from another country — same sector, reachability now, load).
`create_introduction` stores the proposal as a "proposed" Introduction after checking the
pair and the cap again, with the candidate's row locked on PostgreSQL, so that two
requests racing for the same resource person cannot push them over the cap.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session

from content.languages import TOPICS
from content.models import Introduction, Member
from services.localtime import reachable
from services.matching.candidates import (
    LIMIT,
    PROFILE,
    W_LOAD,
    W_OFFERS,
    W_REACHABLE,
    WEEK,
    candidate_query,
    weekly_counts,
)
from services.matching.cards import Card, card
from services.matching.scoring import profile, score

__all__ = ["Card", "Proposal", "StaleProposal", "card", "create_introduction", "propose"]


@dataclass(frozen=True)
class Proposal:
    """One proposed peer: who, how well they fit and why, and what may be shown of them."""

    member_id: int
    topic: str
    score: float
    reasons: tuple[str, ...]
    profile: dict[str, Any] = field(default_factory=dict)


class StaleProposal(ValueError):
    """The proposal no longer holds: the pair met already or the peer's week is full."""


def _utc(now: datetime) -> datetime:
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def propose(*, session: Session, member_id: int, topic: str, now: datetime,
            weekly_cap: int = 3, limit: int = LIMIT,
            exclude: Collection[int] = ()) -> Proposal | None:
    """The best peer for `member_id` to learn `topic` from, or None if nobody fits;
    `limit` candidates (by SQL pre-score) are scored in Python. `exclude`: peers already
    shown in this PEER session ("Another"), passed over after the SQL fetch."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")
    member = session.get(Member, member_id)
    if member is None or not member.consent_matching or weekly_cap <= 0:
        return None
    now = _utc(now)
    dialect = session.get_bind().dialect.name
    query = candidate_query(member=member, topic=topic, now=now, cap=None, dialect=dialect,
                            limit=limit)
    rows = session.exec(query).all()
    skip = frozenset(exclude)
    best = _best(session, member, topic, now, weekly_cap, rows, skip)
    if best is None and len(rows) == limit:
        # everyone fetched had a full week: ask again with the cap in SQL
        query = candidate_query(member=member, topic=topic, now=now, cap=weekly_cap,
                                dialect=dialect, limit=limit)
        best = _best(session, member, topic, now, weekly_cap, session.exec(query).all(),
                     skip)
    if best is None:
        return None
    total, row, reasons = best
    return Proposal(member_id=row.id, topic=topic, score=round(total, 3),
                    reasons=tuple(reasons), profile=profile(row))


def _best(session: Session, member: Member, topic: str, now: datetime, cap: int,
          rows: list[Any], skip: frozenset[int] = frozenset()
          ) -> tuple[float, Any, list[str]] | None:
    """The best row under the cap, with its score and reasons. The pre-score plus
    reachability and load orders them; the full score (which checks the language and the
    topic again) is computed on the full row of the first one, then the next if need be."""
    load = weekly_counts(session, [row.id for row in rows], now)
    ranked = sorted(((row.prescore + W_OFFERS + W_LOAD * load.get(row.id, 0)
                      + W_REACHABLE * reachable(row.timezone, row.quiet_start,
                                                row.quiet_end, now), -i, row.id)
                     for i, row in enumerate(rows)
                     if load.get(row.id, 0) < cap and row.id not in skip),
                    reverse=True)
    for _, _, member_id in ranked:
        full = session.exec(select(*PROFILE).where(PROFILE[0] == member_id)).one()
        total, reasons = score(member, full, topic, now, load.get(member_id, 0))
        if total >= 0:
            return total, full, reasons
    return None


def create_introduction(*, session: Session, proposal: Proposal, member_id: int,
                        topic: str, now: datetime, weekly_cap: int = 3) -> Introduction:
    """Stores the proposal as a "proposed" Introduction (member_a asked, member_b
    proposed); raises StaleProposal if the pair or the cap no longer allows it."""
    now, peer = _utc(now), proposal.member_id
    # lock the peer's row (PostgreSQL; SQLite writes are serialised anyway) so that
    # concurrent proposals count each other's introductions
    locked = session.exec(select(Member.blocked_at, Member.sandbox).where(Member.id == peer)
                          .with_for_update()).first()
    if locked is not None and locked[0] is not None:
        raise StaleProposal(f"member {peer} was blocked by a moderator")
    learner = session.get(Member, member_id)
    if locked is not None and learner is not None and locked[1] != learner.sandbox:
        raise StaleProposal(f"members {member_id} and {peer} are on two sides of a sandbox")
    met = session.exec(select(Introduction.id).where(or_(
        (Introduction.member_a == member_id) & (Introduction.member_b == peer),
        (Introduction.member_a == peer) & (Introduction.member_b == member_id)))).first()
    if met is not None or peer == member_id:
        raise StaleProposal(f"members {member_id} and {peer} cannot be introduced again")
    week = session.exec(select(func.count()).select_from(Introduction).where(
        Introduction.member_b == peer, Introduction.created_at >= now - WEEK)).scalar_one()
    if week >= weekly_cap:
        raise StaleProposal(f"member {peer} already has {week} introductions this week")
    intro = Introduction(member_a=member_id, member_b=peer, topic=topic,
                         reasons=list(proposal.reasons), status="proposed", created_at=now)
    session.add(intro)
    session.flush()
    return intro
