"""A message as a channel will send it: what the renderer makes and the outbox stores."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Part:
    """Text, inline buttons (rows of {text, data}), and for SMS its segments and encoding.
    With `edits` (the provider's id of a message sent earlier), the buttons replace that
    message's buttons instead of coming as a new message."""

    text: str
    buttons: list[list[dict]] = field(default_factory=list)
    segments: int | None = None
    encoding: str | None = None
    edits: str | None = None
