"""What every channel adapter does: verify, parse, acknowledge (and, apart, send)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Protocol

from fastapi import Response

from bot.inbox import InboundItem, Received
from content.models import InboundMessage


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
