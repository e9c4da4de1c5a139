"""What a channel is: one module declaring its settings, kinds, rate limits, webhook
adapters and sender (`Channel`), and what every adapter does: verify, parse, acknowledge.

A channel module ends with `CHANNEL = Channel(...)`; webhooks/channels/__init__.py lists
them (the one registration line) and declares their kinds (content/channels.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

from fastapi import Response
from pydantic import BaseModel, SecretStr

from bot.inbox import InboundItem, Received
from content.channels import Capabilities
from content.models import InboundMessage
from services.delivery.ratelimit import Limit
from services.delivery.senders import Sender


class Malformed(ValueError):
    """The request cannot be read as this provider's format."""


@dataclass(frozen=True)
class Incoming:
    """The parts of an HTTP request an adapter looks at."""

    url: str  # as the provider addressed it (PUBLIC_BASE_URL + path + query)
    headers: dict[str, str]  # lower-case names
    body: bytes
    # A form's fields as sent: `form[name]` is the last value, `form.getlist(name)` all of
    # a repeated one (providers sign every value).
    form: Mapping[str, str]


class Adapter(Protocol):
    """A provider's webhook: verify the request, parse it, answer the provider."""

    name: str

    def verify(self, request: Incoming) -> bool:
        """Whether the request really comes from the provider."""
        ...

    def parse(self, request: Incoming) -> list[InboundItem]:
        """Channel-neutral inbound items; raises Malformed."""
        ...

    def acknowledge(self, items: list[InboundItem], results: list[Received]) -> Response:
        """The answer the provider expects once everything is stored."""
        ...


class Challenged(Protocol):
    """An adapter whose provider also calls its path with GET (Meta's subscription
    check); `challenge` answers it from the query parameters."""

    def challenge(self, query: Mapping[str, str]) -> Response:
        ...


@dataclass
class Built:
    """A channel's parts for one process: its webhook adapters by path (always, an
    unconfigured one answers 403) and its sender (None without credentials)."""

    adapters: dict[str, Adapter]
    sender: Sender | None = None


@dataclass(frozen=True)
class Channel:
    """Everything about one provider; nothing outside its module asks for it by name."""

    provider: str  # on identities, inbound and outbox rows, and the Sender
    kinds: tuple[Capabilities, ...]  # what it carries (sms and whatsapp for Twilio)
    settings: type[BaseModel]  # its fields, which peerlearn's Settings inherits
    configured: Callable[[Any], bool]  # real credentials are set
    limit: Callable[[Any], Limit]  # its send rates, from settings
    build: Callable[[Any], Built]
    webhooks: tuple[str, ...] = field(default=())  # its paths, for the docs


def secret(value: SecretStr | None) -> str | None:
    """A secret setting's value, None when unset."""
    return value.get_secret_value() if value is not None else None


def rate(value: float | None) -> float | None:
    """A rate setting: 0 (or unset) turns the limit off."""
    return value or None


# The item's values that go into a column of limited length, with that length.
_ITEM_FIELDS = {field.name for field in fields(InboundItem)}
LIMITS = {column.name: column.type.length for column in InboundMessage.__table__.columns
          if getattr(column.type, "length", None) and column.name in _ITEM_FIELDS}


def fitting(items: list[InboundItem]) -> list[InboundItem]:
    """The items, when every value fits its column; Malformed (400) otherwise. No real
    provider request carries such a value, and storing it fails on PostgreSQL (where a
    provider would be told to retry for ever) while SQLite keeps it: refusing it here
    gives the same answer on both."""
    for item in items:
        for name, limit in LIMITS.items():
            if len(getattr(item, name)) > limit:
                raise Malformed(f"{name} longer than {limit} characters")
    return items


def read_json(body: bytes, what: str):
    """The body's JSON; Malformed (400) when it is not JSON, is nested too deep to read,
    or holds a lone surrogate (no database stores one). `what` names it in the error."""
    try:
        data = json.loads(body)
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # a lone surrogate raises
    except (ValueError, RecursionError) as exc:  # UnicodeError is a ValueError
        raise Malformed(f"not JSON {what} can be: {type(exc).__name__}") from exc
    return data
