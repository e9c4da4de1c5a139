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
    provider_confirms_opt_out: bool = False  # the provider answers STOP itself


SMS = Capabilities("sms", buttons=False, max_text=1600, segmented=True)
TELEGRAM = Capabilities("telegram", buttons=True, max_text=4096, segmented=False, markup="HTML")
WHATSAPP = Capabilities("whatsapp", buttons=False, max_text=1600, segmented=False)

BY_CHANNEL: dict[str, Capabilities] = {c.channel: c for c in (SMS, TELEGRAM, WHATSAPP)}

# Twilio answers STOP, UNSUBSCRIBE, ... itself and then refuses to send (error 21610),
# so our own confirmation would only fail.
TWILIO_SMS = Capabilities("sms", buttons=False, max_text=1600, segmented=True,
                          provider_confirms_opt_out=True)


def capabilities(provider: str, channel: str) -> Capabilities:
    """What the channel can show, as the provider delivers it."""
    if provider == "twilio" and channel == "sms":
        return TWILIO_SMS
    return BY_CHANNEL[channel]
