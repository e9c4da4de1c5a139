"""What members see of each other before and during a masked relay: a short card.

A card holds the first name (if the member gave a name), country, sector, enterprise and
topics. It never holds a phone number, a chat id or a username: those live on Identity
rows and inbound payloads, which this module does not read. Long values are cut so
that a profile question still fits two SMS segments.
"""

from __future__ import annotations

from dataclasses import dataclass

from content.models import Member

FIRST_NAME_MAX = 20
ENTERPRISE_MAX = 32


@dataclass(frozen=True)
class Card:
    """The shareable part of a member's profile."""

    first_name: str | None
    country: str | None
    sector: str | None
    enterprise: str | None
    topics_offered: tuple[str, ...]
    topics_wanted: tuple[str, ...]


def first_name(name: str | None) -> str | None:
    """The first word of a name, cut to FIRST_NAME_MAX characters; None if no name."""
    words = (name or "").split()
    return words[0][:FIRST_NAME_MAX] if words else None


def cut(text: str | None, limit: int) -> str | None:
    """The text with spaces tidied, cut to `limit` characters with an ellipsis; None
    if empty."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text or None
    return text[:limit - 1].rstrip() + "…"


def card(member: Member) -> Card:
    """The card of one member."""
    return Card(first_name=first_name(member.name), country=member.country,
                sector=member.sector, enterprise=cut(member.enterprise, ENTERPRISE_MAX),
                topics_offered=tuple(member.topics_offered or ()),
                topics_wanted=tuple(member.topics_wanted or ()))
