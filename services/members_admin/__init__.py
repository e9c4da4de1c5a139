"""What moderators do with members in the console and the moderation API.

- search.py: find members (name, enterprise, country, language, role, blocked,
  organisation) in the account's scope, with their channels and masked numbers;
- record.py: one member's record (profile, identities, questions, answers,
  introductions, replication reports, visits, readings) and their conversation history;
- actions.py: make or unmake a resource person, block and unblock;
- export.py: everything about one member as JSON (their own data only);
- erase.py: remove a member's personal data, keeping the counts;
- relays.py: the messages of one relay, for a reported relay's page.

Every function takes the Principal and narrows itself with services.access: a member
outside the account's scope is NotFound, like one that does not exist. Every change and
every view of a conversation writes one audit row in the caller's transaction. What the
member is told about a change is bot/member_notices.py's business (services send nothing).
"""

from __future__ import annotations

import re

from sqlmodel import Session

from content.channels import phone_channels
from content.models import Member
from services.access import Principal, sees_member
from services.language import normalize
from services.language.scripts import NATIVE_SCRIPT_LANGS, dominant_native, script_counts
from services.moderation import Conflict, NotFound, Refused
from services.phones import HIDDEN, masked_phone

__all__ = ["Conflict", "NotFound", "Refused", "mask", "numbers_hidden", "shown",
           "text_lang", "visible_member"]

# A phone number inside a message (a contact exchanged through a relay, "my number is
# 012 345 678"): 8 to 15 digits, perhaps after "+", perhaps in groups.
NUMBER_IN_TEXT = re.compile(r"(?<![\w+])\+?\d(?:[ .-]?\d){7,14}(?!\w)")


def visible_member(*, session: Session, principal: Principal, member_id: int,
                   lock: bool = False) -> Member:
    """The member if the account may see them; NotFound otherwise (never "forbidden")."""
    member = session.get(Member, member_id, with_for_update=lock)
    if member is None or not sees_member(principal, member):
        raise NotFound(f"no member {member_id}")
    return member


def mask(*, channel: str, address: str, principal: Principal) -> str:
    """An address as the account may see it: whole for admins; otherwise a phone number
    keeps its country code and last three digits, and a chat id is not shown at all."""
    if principal.is_admin:
        return address
    if channel not in phone_channels():
        return HIDDEN * 3
    return masked_phone(address)


def shown(text: str | None) -> str:
    """Member text as the console shows it: Unicode (a Zawgyi message, or a reply sent in
    Zawgyi to a member whose phone uses it, is converted), never raw Zawgyi."""
    return normalize(text) if text else ""


def text_lang(text: str, lang: str) -> str:
    """The `lang` attribute of a message to or from a member who uses `lang`: a Khmer,
    Lao, Burmese or Thai script in the text decides; Latin text of a member whose
    language has its own script (an English menu, romanised Khmer) is "und"."""
    native = dominant_native(script_counts(text), 2)
    if native:
        return native
    return "und" if lang in NATIVE_SCRIPT_LANGS else lang


def numbers_hidden(text: str, principal: Principal) -> str:
    """Message text as the account may see it: phone numbers in it masked (all but the
    last three digits) for every account but admins."""
    if principal.is_admin or not text:
        return text
    return NUMBER_IN_TEXT.sub(lambda m: HIDDEN * (len(m.group()) - 3) + m.group()[-3:], text)
