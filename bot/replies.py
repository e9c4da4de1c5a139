"""What a flow step returns: channel-neutral replies and the next step.

Texts are catalog keys with parameters; `bot/render.py` turns them into SMS text or
Telegram messages with buttons.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Choice:
    """One option: the member sends `value` (or taps a button carrying it)."""

    value: str
    key: str
    params: dict = field(default_factory=dict)
    label: str | None = None  # a literal label (language names) instead of a key
    button_label: str | None = None  # the literal label on a button, if it differs
    picked: bool = False  # ticked: one of several picked so far (a button shows ✓)
    tap_only: bool = False  # only where options are buttons (Done), not a numbered line


# "1 More": continues a story, and an SMS text cut into pages (bot/render.py), alike.
MORE_CHOICE = Choice("1", "story.more")


@dataclass(frozen=True)
class Reply:
    """One message to the member: a catalog key, its parameters and the options."""

    key: str
    params: dict = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    lang: str | None = None  # render in this language, not the member's
    # On SMS, what may be cut to fit the budget: a parameter's name (a title), or
    # "labels" for the choices' labels (bot/titles.py).
    fit: str = ""
    # Where options are buttons: the provider's id of an earlier message whose buttons
    # these replace in place (a tick added on tap), instead of a new message.
    edits: str | None = None


@dataclass(frozen=True)
class Step:
    """Where the dialog continues: a flow and one of its steps."""

    flow: str
    step: str


@dataclass(frozen=True)
class Notice:
    """Replies to another member (an answerer, the asker, a peer), rendered in their
    language for their channel. With `next`, their dialog continues at that step (with
    `data`), so that a bare "1" answers the question the notice asked."""

    member_id: int
    replies: tuple[Reply, ...]
    next: Step | None = None
    data: dict = field(default_factory=dict)
    purpose: str = "reply"


@dataclass
class Outcome:
    """The replies of a turn, where the member goes next (None = the menu), and notices
    to other members queued in the same transaction."""

    replies: list[Reply]
    next: Step | None = None
    data: dict = field(default_factory=dict)
    keep_data: bool = False
    notices: list[Notice] = field(default_factory=list)
