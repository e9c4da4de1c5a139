"""What each kind of channel can carry, as its channel module declares it.

A channel module (webhooks/channels/) declares its kinds here when it is imported; the
engine, the services and the console then ask a kind for what they need (`phone_addressed`,
`segmented`, `markup`, `window`, ...) and never test a channel's name. The table lives at
the bottom layer because the layers above it may not import the channel modules; it holds
only frozen declarations, never a client or a setting, and is filled once, when
`webhooks.channels` is imported (the composition root and the tests' conftest do).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta


@dataclass(frozen=True)
class Capabilities:
    """How replies must be shaped for a channel, and what its addresses are."""

    channel: str  # the `channel` of identities and outbox rows: sms, telegram, ...
    buttons: bool  # a reply's options may be buttons (their data comes back on a tap)
    max_text: int  # the longest message it takes (Telegram counts UTF-16 units)
    segmented: bool = False  # SMS: count segments and page to the member's budget
    markup: str | None = None  # "HTML" where the channel renders it
    phone_addressed: bool = False  # Identity.address is an E.164 number
    max_buttons: int | None = None  # at most this many buttons a message
    button_title: int | None = None  # the longest label a button shows, in characters
    edits: bool = False  # a reply may put its buttons on the message that was tapped
    photos: bool = False  # a photo the member sends is kept with their SHARE draft
    # Messages may go to an identity only this long after its last message (Messenger's
    # 24 hours); later ones are skipped by the dispatcher, not sent and not failed.
    window: timedelta | None = None
    provider_confirms_opt_out: bool = False  # the provider answers STOP itself
    title: str = ""  # its name for people (the simulator's channel list)


_BY_PROVIDER: dict[tuple[str, str], Capabilities] = {}
_KINDS: dict[str, Capabilities] = {}


def declare(provider: str, kinds: Iterable[Capabilities]) -> None:
    """Records what `provider` carries. The first provider of a kind also gives the
    kind's neutral form (the simulator's): without what only a provider does itself."""
    for kind in kinds:
        _BY_PROVIDER[(provider, kind.channel)] = kind
        _KINDS.setdefault(kind.channel, replace(kind, provider_confirms_opt_out=False))


def kind(channel: str) -> Capabilities:
    """The kind `channel` as any provider of it carries it."""
    try:
        return _KINDS[channel]
    except KeyError:
        raise LookupError(f"no channel module declares {channel!r} "
                          "(is webhooks.channels imported?)") from None


def capabilities(provider: str, channel: str) -> Capabilities:
    """What the channel can show, as `provider` delivers it (the simulator shows a kind
    as any provider of it would)."""
    return _BY_PROVIDER.get((provider, channel)) or kind(channel)


def kinds() -> list[Capabilities]:
    """Every kind declared, in the order of declaration."""
    return list(_KINDS.values())


def phone_channels() -> frozenset[str]:
    """The channels whose identities are phone numbers."""
    return frozenset(k.channel for k in _KINDS.values() if k.phone_addressed)


def segmented_channels() -> frozenset[str]:
    """The channels whose text is counted in SMS segments."""
    return frozenset(k.channel for k in _KINDS.values() if k.segmented)
