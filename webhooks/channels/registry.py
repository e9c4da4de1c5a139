"""Every channel's parts for one process, built from settings (the composition root's)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from services.delivery.ratelimit import Limit
from services.delivery.senders import Sender, SimulatorSender
from webhooks.channels import CHANNELS
from webhooks.channels.base import Adapter, Built


def build(settings: Any) -> dict[str, Built]:
    """Provider -> its adapters and sender."""
    return {channel.provider: channel.build(settings) for channel in CHANNELS}


def adapters(built: dict[str, Built]) -> dict[str, Adapter]:
    """Webhook path -> adapter. An unconfigured channel answers 403 to everything."""
    return {path: adapter for parts in built.values() for path, adapter in parts.adapters.items()}


def senders(built: dict[str, Built]) -> dict[str, Sender]:
    """Provider -> sender, for the providers that have credentials (and the simulator)."""
    found: dict[str, Sender] = {"simulator": SimulatorSender()}
    found.update({name: parts.sender for name, parts in built.items() if parts.sender})
    return found


def limits(settings: Any, share: float = 1.0) -> dict[str, Limit]:
    """Send rates per provider, times `share` when several workers split them."""
    def part(value: float | None) -> float | None:
        return value * share if value else None

    found = {}
    for channel in CHANNELS:
        limit = channel.limit(settings)
        found[channel.provider] = replace(limit, overall=part(limit.overall),
                                          per_recipient=part(limit.per_recipient))
    return found


def overall_rates(settings: Any) -> dict[str, float | None]:
    """Messages a second each provider sends at in all (None: no limit)."""
    return {provider: limit.overall for provider, limit in limits(settings).items()}


def configured(settings: Any) -> bool:
    """Whether any real provider has credentials."""
    return any(channel.configured(settings) for channel in CHANNELS)
