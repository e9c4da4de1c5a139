"""A message as a channel will send it: what the renderer makes and the outbox stores."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Part:
    """Text, inline buttons (rows of {text, data}), and for SMS its segments and encoding."""

    text: str
    buttons: list[list[dict]] = field(default_factory=list)
    segments: int | None = None
    encoding: str | None = None
