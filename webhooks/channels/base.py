"""What every channel adapter does: verify, parse, acknowledge (and, apart, send)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from fastapi import Response

from bot.inbox import InboundItem, Received


class Malformed(ValueError):
    """The request cannot be read as this provider's format."""


@dataclass(frozen=True)
class Incoming:
    """The parts of an HTTP request an adapter looks at."""

    url: str  # as the provider addressed it (PUBLIC_BASE_URL + path + query)
    headers: dict[str, str]  # lower-case names
    body: bytes
    form: dict[str, str]


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
