"""One turn of a dialog: everything a flow step may look at."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.intents import Parsed
from content.channels import Capabilities
from content.languages import content_langs
from content.models import Identity, Member

PAGES = "_pages"  # the dialog data key of SMS pages held back for MORE
BY_ONE = "_pages_by_one"  # set when the page sent ends with "1 More": "1" continues


@dataclass(frozen=True)
class Policy:
    """Deployment choices flows follow (from Settings, through the engine)."""

    hold_new_answers: bool = True  # a first-time answerer's answer waits for a moderator
    relay_days: int = 30  # how long a peer relay stays open


@dataclass
class Turn:
    """The member, what they said (raw and parsed), the channel, and the step's data.

    Steps may change `member` and `data`; the engine saves both with the replies.
    """

    session: Session
    member: Member
    identity: Identity
    caps: Capabilities
    text: str
    parsed: Parsed
    now: datetime
    data: dict = field(default_factory=dict)
    kind: str = "text"
    payload: dict = field(default_factory=dict)  # the provider's message (photos' file ids)
    policy: Policy = field(default_factory=Policy)

    @property
    def number(self) -> int | None:
        """The single number the member sent, if that is all they sent."""
        return self.parsed.numbers[0] if len(self.parsed.numbers) == 1 else None

    def content_langs(self) -> list[str]:
        """Languages to take content in, best first (English as the last resort; only
        English for an SMS phone that cannot show the script)."""
        latin_only = self.member.script == "latin" and self.caps.segmented
        return content_langs(self.member.language, latin_only=latin_only)
