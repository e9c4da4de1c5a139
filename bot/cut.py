"""Text longer than a chat channel takes, cut into messages it accepts.

Telegram takes at most 4096 characters a message, counted in UTF-16 code units (an emoji,
or any character beyond the Basic Multilingual Plane, counts two), and refuses with a
final 400 a text whose HTML it cannot read: cut through a tag or an entity (`&amp;`), the
message is lost. So a long text is cut in the member's words, never in the markup: the
HTML is read back into its tags and its plain text; the plain text is cut between
grapheme clusters (a Khmer syllable, a letter with its marks, an emoji with its skin tone
or its zero-width-joined family stay whole), at the last line break or space when one is
near; each grapheme is counted as it goes out, escaped. A part closes the tags still open
where it ends, and the next part opens them again. Joined, the parts' texts are the text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from html.parser import HTMLParser

from services.sms import graphemes, utf16_units

NEAR = 0.5  # a break at a line or a space is taken when the part is at least this full


@dataclass(frozen=True)
class _Piece:
    """A grapheme as it goes out (escaped in HTML), or a tag ("open", "close", "void")."""

    text: str
    kind: str = "text"
    tag: str = ""

    @property
    def cost(self) -> int:
        return utf16_units(self.text)


def cut_text(text: str, limit: int) -> list[str]:
    """Plain text in parts of at most `limit` UTF-16 units."""
    if utf16_units(text) <= limit:
        return [text]
    return _cut([_Piece(g) for g in _clusters(text, limit)], limit)


def cut_html(markup: str, limit: int) -> list[str]:
    """HTML in parts of at most `limit` UTF-16 units, each one valid HTML on its own."""
    if utf16_units(markup) <= limit:
        return [markup]
    reader = _Reader(limit)
    reader.feed(markup)
    reader.close()
    return _cut(reader.pieces, limit)


def _clusters(text: str, limit: int, escape: bool = False) -> list[str]:
    """The text's grapheme clusters (escaped for HTML); one too long for half a part (a
    letter under hundreds of marks) is given code point by code point."""
    out = []
    for cluster in graphemes(text):
        shown = html.escape(cluster, quote=False) if escape else cluster
        if utf16_units(shown) <= limit // 2:
            out.append(shown)
        else:
            out += [html.escape(c, quote=False) if escape else c for c in cluster]
    return out


class _Reader(HTMLParser):
    """HTML read back into pieces: its tags as written, its text as graphemes."""

    def __init__(self, limit: int):
        super().__init__(convert_charrefs=True)
        self.limit = limit
        self.pieces: list[_Piece] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.pieces.append(_Piece(self.get_starttag_text() or f"<{tag}>", "open", tag))

    def handle_startendtag(self, tag, attrs) -> None:
        self.pieces.append(_Piece(self.get_starttag_text() or f"<{tag}/>", "void", tag))

    def handle_endtag(self, tag) -> None:
        self.pieces.append(_Piece(f"</{tag}>", "close", tag))

    def handle_data(self, data) -> None:
        self.pieces += [_Piece(g) for g in _clusters(data, self.limit, escape=True)]


def _cut(pieces: list[_Piece], limit: int) -> list[str]:
    parts: list[str] = []
    start, opened = 0, ()
    while start < len(pieces):
        end = _end(pieces, start, opened, limit)
        still_open = _open_after(pieces[start:end], opened)
        body = "".join(p.text for p in (*opened, *pieces[start:end]))
        parts.append(body + _closing(still_open))
        start, opened = end, still_open
    return parts


def _end(pieces: list[_Piece], start: int, opened: tuple[_Piece, ...], limit: int) -> int:
    """Where the part that starts at `start` ends: the last line break or space when
    the part is full enough there, else the last grapheme that fits; never right after
    an opening tag nor right before a closing one. Each prefix is counted with the
    closing tags it would need."""
    used, stack = sum(p.cost for p in opened), opened
    line = space = (start, 0)  # a break after a line end, after a space; units used
    for i in range(start, len(pieces)):
        piece = pieces[i]
        after = _open_after([piece], stack)
        if used + piece.cost + len(_closing(after)) > limit and i > start:
            end = next((at for at, full in (line, space) if full >= NEAR * limit), i)
            while end - 1 > start and pieces[end - 1].kind == "open":
                end -= 1
            while end < len(pieces) and pieces[end].kind == "close":  # costs nothing more:
                end += 1  # the part would close it anyway, and the next needs no "<b></b>"
            return end
        used, stack = used + piece.cost, after
        if piece.kind == "text" and "\n" in piece.text:
            line = (i + 1, used)
        elif piece.kind == "text" and piece.text.isspace():
            space = (i + 1, used)
    return len(pieces)


def _open_after(pieces, opened: tuple[_Piece, ...]) -> tuple[_Piece, ...]:
    """The opening tags still open after the pieces, given those open before."""
    stack = list(opened)
    for piece in pieces:
        if piece.kind == "open":
            stack.append(piece)
        elif piece.kind == "close":
            at = next((j for j in range(len(stack) - 1, -1, -1) if stack[j].tag == piece.tag),
                      None)
            if at is not None:
                del stack[at]
    return tuple(stack)


def _closing(opened: tuple[_Piece, ...]) -> str:
    return "".join(f"</{p.tag}>" for p in reversed(opened))
