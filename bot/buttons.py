"""Options as buttons, within what a channel's buttons can hold.

Telegram takes any number of inline buttons with long labels. Messenger's quick replies
are at most 13 a message with titles of at most 20 characters: where the options do not
fit that, they are also listed as numbered lines in the text (numbers select options on
every channel), and each button shows its number and the start of its label.
"""

from __future__ import annotations

from content.channels import Capabilities
from services.sms import graphemes

ELLIPSIS = "…"


def fit(caps: Capabilities, buttons: list[dict]) -> bool:
    """Whether every button shows whole, as labelled."""
    many = caps.max_buttons is not None and len(buttons) > caps.max_buttons
    long = caps.button_title is not None and any(
        len(b["text"]) > caps.button_title for b in buttons)
    return not (many or long)


def rows(buttons: list[dict]) -> list[list[dict]]:
    """Two buttons a row (Telegram shows them side by side)."""
    return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]


def numbered(caps: Capabilities, buttons: list[dict]) -> list[dict]:
    """Buttons for options also listed by number: "3 Label…", as many as the channel
    takes, the numbered ones first."""
    ordered = sorted(buttons, key=lambda b: not b["data"].isdigit())
    shown = ordered[:caps.max_buttons] if caps.max_buttons else ordered
    return [{"text": short(f"{b['data']} {b['text']}" if b["data"].isdigit() else b["text"],
                           caps.button_title), "data": b["data"]} for b in shown]


def short(label: str, limit: int | None) -> str:
    """The label, cut between graphemes to `limit` characters with an ellipsis."""
    if limit is None or len(label) <= limit:
        return label
    kept = ""
    for cluster in graphemes(label):
        if len(kept) + len(cluster) > limit - len(ELLIPSIS):
            break
        kept += cluster
    return kept.rstrip() + ELLIPSIS
