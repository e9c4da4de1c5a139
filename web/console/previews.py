"""A snippet as members get it, for the editor's previews: the story's replies
(bot/flows/stories.py) through the real renderer (bot/render.py), on an SMS phone (the
message sent now and the pages held for MORE, with their segments) and on Telegram
(text and buttons). Telegram's HTML is turned into plain pieces marked bold, so the page
escapes every character of the practice text and never trusts markup."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.catalog import Catalog
from bot.flows.stories import snippet_replies
from bot.render import Renderer
from content.channels import kind
from services.sms.prices import Price
from services.stories import StoryPiece

_TAG = re.compile(r"(</?b>)")


@dataclass(frozen=True)
class Sms:
    """One SMS: its text, segments and encoding; `later` once the member sends MORE;
    its cost where the price is known."""

    text: str
    segments: int | None
    encoding: str | None
    later: bool
    cost: float | None = None


@dataclass(frozen=True)
class Chat:
    """One Telegram message: pieces of text (bold or not) and rows of button labels."""

    pieces: tuple[tuple[str, bool], ...]
    buttons: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Preview:
    """Snippet `position` (0-based) of `total` in one language, on both channels."""

    lang: str
    position: int
    total: int
    sms: tuple[Sms, ...]
    telegram: tuple[Chat, ...]
    price: Price | None = None  # per SMS segment, to the language's country

    @property
    def sms_cost(self) -> float | None:
        """What the SMS sent now costs (the pages after MORE cost when asked for)."""
        costs = [m.cost for m in self.sms if not m.later]
        return None if not costs or None in costs else round(sum(costs), 6)


def preview(catalog: Catalog, *, practice_id: int, slug: str, lang: str, title: str,
            snippets: list[str], position: int = 0, price: Price | None = None
            ) -> Preview | None:
    """The preview of one snippet; None when the language has no snippets."""
    if not snippets:
        return None
    position = min(max(position, 0), len(snippets) - 1)
    story = StoryPiece(practice_id, slug, title or slug, lang, position, len(snippets),
                       snippets[position])
    replies = snippet_replies(story)
    sms = Renderer(catalog, kind("sms"), lang).render(replies)
    held = [Renderer(catalog, kind("sms"), lang).page(text) for text in sms.pending]
    telegram = Renderer(catalog, kind("telegram"), lang).render(replies)
    unit = price.price if price is not None else None

    def cost(segments: int | None) -> float | None:
        return None if unit is None or segments is None else round(unit * segments, 6)

    return Preview(lang, position, len(snippets),
                   tuple(Sms(m.text, m.segments, m.encoding, False, cost(m.segments))
                         for m in sms.messages)
                   + tuple(Sms(m.text, m.segments, m.encoding, True, cost(m.segments))
                           for m in held),
                   tuple(Chat(_pieces(m.text), tuple(tuple(b["text"] for b in row)
                                                     for row in m.buttons))
                         for m in telegram.messages), price)


def _pieces(markup: str) -> tuple[tuple[str, bool], ...]:
    """Telegram HTML (the renderer escaped every parameter; only <b> is its own) as
    plain text pieces, bold or not."""
    pieces: list[tuple[str, bool]] = []
    bold = False
    for part in _TAG.split(markup):
        if part in ("<b>", "</b>"):
            bold = part == "<b>"
        elif part:
            pieces.append((html.unescape(part), bold))
    return tuple(pieces)
