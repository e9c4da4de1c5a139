"""The Sender protocol every provider adapter implements, its typed errors, and the
simulator's sender (delivery to the browser or terminal is the row itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from content.models import OutboundMessage


class RetryLater(Exception):
    """Try again after `delay` seconds: 429, 5xx, network trouble."""

    def __init__(self, delay: float | None = None, code: str | None = None, message: str = ""):
        super().__init__(message or f"retry later ({code})")
        self.delay, self.code = delay, code


class Rejected(Exception):
    """Never try again: invalid number, blocked, opted out at the provider."""

    def __init__(self, code: str, message: str = "", opt_out: bool = False):
        super().__init__(message or f"rejected ({code})")
        self.code, self.opt_out = code, opt_out


class Skipped(Exception):  # noqa: N818 - an outcome, not a failure
    """Not sent, by the channel's rules, and not an error: the row becomes `skipped`
    with `code` (a message outside Messenger's 24-hour window)."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or f"skipped ({code})")
        self.code = code


@dataclass(frozen=True)
class SendResult:
    """The provider's id for the message and the status it reached."""

    provider_id: str | None
    status: str = "sent"
    segments: int | None = None


class Sender(Protocol):
    """Sends one outbox row through one provider."""

    provider: str

    async def send(self, message: OutboundMessage) -> SendResult:
        """Sends, or raises RetryLater / Rejected."""
        ...

    async def start(self) -> None:
        """Connects where the provider needs it before the first send."""
        ...

    async def close(self) -> None:
        """Releases connections."""
        ...


SIMULATOR_PREFIX = "sim-"


def simulator_id(row_id: int) -> str:
    """The simulator's provider id for an outbox row (what a reply `edits` names)."""
    return f"{SIMULATOR_PREFIX}{row_id}"


def simulator_row(provider_id: str | None) -> int | None:
    """The outbox row a simulator provider id names, None for another provider's id."""
    if provider_id and provider_id.startswith(SIMULATOR_PREFIX):
        number = provider_id[len(SIMULATOR_PREFIX):]
        return int(number) if number.isascii() and number.isdigit() else None
    return None


class SimulatorSender:
    """The simulator shows outbox rows as they are: sending one is delivering it (a row
    that edits an earlier one changes that one's buttons on the page)."""

    provider = "simulator"

    async def send(self, message: OutboundMessage) -> SendResult:
        """Marks the message delivered."""
        return SendResult(provider_id=simulator_id(message.id), status="delivered")

    async def start(self) -> None:
        """Nothing to open."""

    async def close(self) -> None:
        """Nothing to release."""
