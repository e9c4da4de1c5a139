"""What each kind of channel can show; adapters declare theirs from this table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capabilities:
    """How replies must be shaped for a channel."""

    channel: str
    buttons: bool
    max_text: int
    segmented: bool  # SMS: count segments and page to the member's budget
    markup: str | None = None  # "HTML" where the channel renders it


SMS = Capabilities("sms", buttons=False, max_text=1600, segmented=True)
TELEGRAM = Capabilities("telegram", buttons=True, max_text=4096, segmented=False, markup="HTML")
WHATSAPP = Capabilities("whatsapp", buttons=False, max_text=1600, segmented=False)

BY_CHANNEL: dict[str, Capabilities] = {c.channel: c for c in (SMS, TELEGRAM, WHATSAPP)}
