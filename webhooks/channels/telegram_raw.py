"""What the bot reads of an update python-telegram-bot will not parse.

PTB builds its objects with every field the current Bot API requires; an update from an
older or unusual sender (a `from` without `is_bot`, a chat without `type`) makes it raise,
and the member would get no answer. For a message or a button press, the essentials are
read from the JSON itself instead: the chat, the text (or the button's data), the
sender's username, the message a pressed button belongs to. Anything else stays unread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Telegram's usernames: letters, digits and underscores, at most 32 (anything else is not
# one, and is never shown to a peer as a contact).
USERNAME = re.compile(r"[A-Za-z0-9_]{1,32}")
MAX_MESSAGE_ID = 2**63  # ids are 64-bit at most (the outbox keeps them as text)
MEDIA = ("photo", "voice", "audio", "video", "document", "sticker", "location", "contact")


@dataclass(frozen=True)
class Essentials:
    """An update as far as the bot needs it."""

    kind: str  # text, a MEDIA kind, callback, edited or other
    chat: int | None = None
    text: str = ""
    private: bool = True
    username: str | None = None
    tapped: str | None = None  # the message whose button was pressed


def essentials(data: dict) -> Essentials:
    """The essentials of a message, an edit or a button press; kind `other` otherwise."""
    if isinstance(data.get("callback_query"), dict):
        return _pressed(data["callback_query"])
    for key in ("message", "edited_message"):
        if isinstance(data.get(key), dict):
            return _message(data[key], edited=key == "edited_message")
    return Essentials("other")


def username(user: object) -> str | None:
    """`@name` for a sender's username shaped like Telegram's, else None."""
    name = user.get("username") if isinstance(user, dict) else getattr(user, "username", None)
    return f"@{name}" if isinstance(name, str) and USERNAME.fullmatch(name) else None


def message_id(value) -> str | None:
    """A message's id as a reply that edits it keeps it (the outbox's `edits`), or None
    when it is no message id: a reply to it then goes as a new message."""
    return str(value) if type(value) is int and 0 < value < MAX_MESSAGE_ID else None


def _pressed(query: dict) -> Essentials:
    message, sender = _dict(query.get("message")), _dict(query.get("from"))
    chat = _id(_dict(message.get("chat")).get("id"))
    chat = chat if chat is not None else _id(sender.get("id"))
    pressed = query.get("data") if isinstance(query.get("data"), str) else ""
    return Essentials("callback" if pressed else "other", chat, pressed,
                      username=username(sender), tapped=message_id(message.get("message_id")))


def _message(message: dict, *, edited: bool) -> Essentials:
    chat = _dict(message.get("chat"))
    chat_id = _id(chat.get("id"))
    text = message.get("text", message.get("caption", ""))
    if not isinstance(text, str):
        return Essentials("other", chat_id)
    kind = "edited" if edited else next((name for name in MEDIA if name in message), "text")
    # A private chat's id is the user's (positive); groups and channels are negative.
    chat_type = chat.get("type") or ("private" if (chat_id or 0) > 0 else "group")
    return Essentials(kind, chat_id, text, private=chat_type == "private",
                      username=username(message.get("from")))


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _id(value) -> int | None:
    """An id is an integer (JSON true is not)."""
    return value if type(value) is int else None
