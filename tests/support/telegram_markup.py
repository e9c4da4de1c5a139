"""How the Bot API reads a message's text: its HTML parse mode and its length limit.

The fake Telegram server refuses what api.telegram.org refuses (400, final for our
sender): HTML it cannot parse (a tag it does not support, an end tag that closes nothing,
a tag left open, a `<`, `>` or `&` that is not part of a tag or an entity, an entity it
does not know) and text longer than 4096 UTF-16 code units once the entities are parsed
(https://core.telegram.org/bots/api#formatting-options, #sendmessage).
"""

from __future__ import annotations

import html
import re

MAX_TEXT = 4096  # UTF-16 code units, after entities parsing
TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
                  "tg-spoiler", "a", "tg-emoji", "code", "pre", "blockquote"})
NAMED = frozenset({"lt", "gt", "amp", "quot"})  # the only named entities it supports
_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s[^<>]*)?)>"
                    r"|&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);|([<>&])")


class Unparsable(ValueError):
    """The Bot API's "can't parse entities" answer."""


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text a member sees: for HTML, without its tags and with entities read."""
    if parse_mode != "HTML":
        return text
    shown, opened, at = [], [], 0
    for match in _TOKEN.finditer(text):
        shown.append(text[at:match.start()])
        at = match.end()
        closing, tag, _, entity, bare = match.groups()
        if bare:
            raise Unparsable(f"Unexpected character {bare!r} at offset {match.start()}")
        if entity:
            if not entity.startswith("#") and entity not in NAMED:
                raise Unparsable(f"Unsupported HTML entity &{entity}; at {match.start()}")
            shown.append(html.unescape(match.group()))
        elif tag.lower() not in TAGS:
            raise Unparsable(f'Unsupported start tag "{tag}" at offset {match.start()}')
        elif not closing:
            opened.append(tag.lower())
        elif not opened or opened.pop() != tag.lower():
            raise Unparsable(f"Unexpected end tag at offset {match.start()}")
    if opened:
        raise Unparsable(f'Can\'t find end tag corresponding to start tag "{opened[-1]}"')
    shown.append(text[at:])
    return "".join(shown)


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
