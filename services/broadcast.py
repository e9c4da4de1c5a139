"""Broadcasts: one text to many members, at broadcast priority, through the outbox.

Only members who finished onboarding and agreed to receive stories are included, only
real members or, when asked, only the simulator's (services/sandbox.py: a broadcast's
count and cost are the real members'), and only identities that have not opted out;
the dispatcher checks opt-out again at send time, so a STOP that arrives after queueing
still wins.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from sqlmodel import Session, select

from content.channels import kind
from content.models import Identity, Member
from content.models.messages import PRIORITY_BROADCAST
from services.delivery.outbox import queue
from services.delivery.parts import Part
from services.sms import count, gsm_friendly


class TooLong(ValueError):
    """The text does not fit a member's SMS segment budget."""


@dataclass(frozen=True)
class Audience:
    """Who gets the broadcast: everyone, or one language and/or country; real members,
    or the simulator's members (to try a broadcast out)."""

    language: str | None = None
    country: str | None = None
    sandbox: bool = False


def broadcast(*, session: Session, text: str, audience: Audience = Audience(),
              sms_budget: int = 2) -> int:
    """Queues the text for every reachable member of the audience; returns how many."""
    sms_text = gsm_friendly(text)
    info = count(sms_text)
    if info.segments > sms_budget:
        raise TooLong(f"{info.segments} SMS segments ({info.encoding}); "
                      f"the budget is {sms_budget}")
    query = select(Identity).join(Member, Member.id == Identity.member_id).where(
        Member.onboarded_at.is_not(None), Member.consent_stories, Identity.opted_out.is_(False),
        Member.sandbox.is_not(None) if audience.sandbox else Member.sandbox.is_(None))
    if audience.language:
        query = query.where(Member.language == audience.language)
    if audience.country:
        query = query.where(Member.country == audience.country)
    queued = 0
    for identity in session.exec(query):
        caps = kind(identity.channel)
        if caps.segmented:
            part = Part(sms_text, segments=info.segments, encoding=info.encoding)
        else:  # an HTML channel gets the text escaped, as typed
            part = Part(html.escape(text, quote=False) if caps.markup == "HTML" else text)
        queue(session=session, identity=identity, parts=[part], priority=PRIORITY_BROADCAST,
              purpose="broadcast")
        queued += 1
    return queued
