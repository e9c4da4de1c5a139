"""Turns channel-neutral replies into what a channel shows.

SMS: options become numbered lines, consecutive replies share a message when they fit,
and every message fits the member's segment budget; a longer text is cut into pages,
the first sent now and the rest kept for `MORE`. Telegram: options become inline
buttons (a picked one ticked ✓, and the options only a button can offer, such as Done)
and text may carry HTML markup; a reply longer than a message is cut into several
(bot/cut.py), and one that `edits` an earlier message puts its buttons in place of that
message's. For a member whose phone uses Zawgyi, text with Myanmar letters is converted
to Zawgyi before it is counted and sent.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace

from bot import buttons, titles
from bot.catalog import Catalog
from bot.cut import cut_html, cut_text
from bot.replies import MORE_CHOICE, Choice, Reply
from content.channels import Capabilities
from services.delivery.parts import Part as Rendered
from services.language import to_zawgyi
from services.sms import count, fits, gsm_friendly, split_to_budget
from services.sms.vietnamese import strip_diacritics

TICK = "✓"  # on a picked option's button


@dataclass
class Rendering:
    """Messages to send now, and SMS pages held back until the member sends MORE."""

    messages: list[Rendered]
    pending: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Renderer:
    """Renders replies in one language for one channel."""

    catalog: Catalog
    caps: Capabilities
    lang: str
    budget: int = 2
    zawgyi: bool = False  # the member's phone shows Zawgyi, not Unicode Burmese
    plain: bool = False  # Vietnamese without diacritics: GSM-7, 160 letters a segment

    def render(self, replies: list[Reply]) -> Rendering:
        """All the replies of one turn."""
        if self.caps.segmented:
            return self._sms(replies)
        return Rendering([part for r in replies for part in self._rich(r)])

    def page(self, text: str) -> Rendered:
        """An SMS page held back earlier, counted as it goes out now."""
        return sms_message(text)

    def _label(self, choice: Choice, lang: str | None = None) -> str:
        literal = (self.caps.buttons and choice.button_label) or choice.label
        label = self._encode(literal or self.catalog.text(
            lang or self.lang, choice.key, self.caps.channel, **choice.params))
        return f"{TICK} {label}" if choice.picked else label

    def _choices(self, reply: Reply) -> list[Choice]:
        """The options the channel shows: without buttons, none that only a tap makes."""
        return [c for c in reply.choices if self.caps.buttons or not c.tap_only]

    def _encode(self, text: str) -> str:
        """The text as the member's phone shows it: Zawgyi when it uses Zawgyi."""
        if self.plain:
            return strip_diacritics(text)
        return to_zawgyi(text) if self.zawgyi else text

    def _text(self, reply: Reply, escape: bool = False) -> str:
        """The reply's text; for an HTML channel, plain texts and all parameters are
        escaped, and only a channel's own variant may carry markup."""
        template, own_variant = self.catalog.template(reply.lang or self.lang, reply.key,
                                                      self.caps.channel)
        if escape and not own_variant:
            template = html.escape(template, quote=False)
        params = {k: html.escape(str(v), quote=False) if escape else v
                  for k, v in reply.params.items()}
        return self._encode(template.format(**params))

    def _rich(self, reply: Reply) -> list[Rendered]:
        """The reply as one message, or as several when it is longer than the channel
        takes (cut in its text, never in its markup: bot/cut.py); the options come with
        the last."""
        escape = self.caps.markup == "HTML"
        cut = cut_html if escape else cut_text
        text = self._text(reply, escape)
        lines = [f"{c.value} {self._label(c, reply.lang)}" for c in reply.choices
                 if not c.tap_only]  # what typing a number or word can pick
        if not self.caps.buttons:
            return [Rendered(t) for t in cut("\n".join([text, *lines]), self.caps.max_text)]
        shown = [{"text": self._label(c, reply.lang), "data": c.value} for c in reply.choices]
        if not buttons.fit(self.caps, shown):  # listed by number too (bot/buttons.py)
            text, shown = "\n".join([text, *lines]), buttons.numbered(self.caps, shown)
        *first, last = cut(text, self.caps.max_text)
        edits = reply.edits if self.caps.edits else None
        return [Rendered(t) for t in first] + [Rendered(last, buttons.rows(shown), edits=edits)]

    def continue_line(self) -> str:
        """The numbered option that continues a text cut into pages, as stories have."""
        return f"1 {self._label(MORE_CHOICE)}"

    def one_continues(self, text: str) -> bool:
        """Whether a message sent ends with the numbered continue option, so that a bare
        "1" asks for the next page."""
        return text.endswith("\n" + gsm_friendly(self.continue_line()))

    def _sms(self, replies: list[Reply]) -> Rendering:
        """Replies joined into as few messages as fit; the first message that is too long
        is cut into pages, sent from there on one per MORE (or 1)."""
        merged = self._merge(self._sms_piece(self._fitted(r)) for r in replies)
        for i, piece in enumerate(merged):
            if fits(piece.text, self.budget):
                continue
            shown = any(m.choices for m in merged[:i])  # numbered options on their way
            pages, hint = self._pages(piece, numbered=not shown)
            held = self._merge(pages[1:] + merged[i + 1:])
            sent = [sms_message(m.text) for m in merged[:i]] + [
                sms_message(pages[0].text + hint)]
            return Rendering(sent, [self._with_hint(h) for h in held[:-1]] + [held[-1].text])
        return Rendering([sms_message(m.text) for m in merged])

    def _pages(self, piece: _Piece, numbered: bool) -> tuple[list[_Piece], str]:
        """Pages of one reply too long for the budget, and the line that ends the first.
        The options stay with text on the last page (never alone on a paid SMS) and,
        while they wait there, "1" continues; a list too long for one message is cut
        anywhere and continued by the MORE word."""
        hint = "\n" + self._continue_sms()
        if piece.body and numbered:
            reserves = (hint, "\n" + piece.options) if piece.options else (hint,)
            for reserve in reserves:
                try:
                    pages = split_to_budget(piece.body, self.budget, reserve=reserve)
                except ValueError:  # options longer than a whole message
                    break
                if fits(_join(pages[-1], piece.options), self.budget):
                    return [_Piece(p) for p in pages[:-1]] + [
                        _Piece(pages[-1], piece.options, piece.choices)], hint
        word = "\n" + self._more_word()
        pages = split_to_budget(piece.text, self.budget, reserve=word)
        return [_Piece(p, "", piece.choices) for p in pages], word

    def _with_hint(self, piece: _Piece) -> str:
        """A held page with the line that asks for the next, where it fits: "1 More"
        unless the page shows numbered options of its own, then the MORE word."""
        hint = "\n" + (self._more_word() if piece.choices else self._continue_sms())
        return piece.text + hint if fits(piece.text + hint, self.budget) else piece.text

    def _continue_sms(self) -> str:
        return gsm_friendly(self.continue_line())

    def _more_word(self) -> str:
        word = self.catalog.text(self.lang, "page.more", self.caps.channel)
        return gsm_friendly(self._encode(word))

    def _merge(self, pieces) -> list[_Piece]:
        """Consecutive pieces share a message while they fit the budget together."""
        merged: list[_Piece] = []
        for piece in pieces:
            if merged and fits(_join(merged[-1].text, piece.text), self.budget):
                last = merged[-1]
                merged[-1] = _Piece(_join(last.text, piece.body), piece.options,
                                    last.choices or piece.choices)
            else:
                merged.append(piece)
        return merged

    def _sms_piece(self, reply: Reply) -> _Piece:
        """The reply's text and its numbered options, GSM-friendly."""
        lines = [f"{c.value} {self._label(c, reply.lang)}" for c in self._choices(reply)]
        return _Piece(gsm_friendly(self._text(reply)), gsm_friendly("\n".join(lines)),
                      bool(lines))

    def _fitted(self, reply: Reply) -> Reply:
        """On SMS, the reply with its `fit` parameter (a title) or its choice labels cut
        only as far as the message needs to fit the budget (bot/titles.py)."""
        if not reply.fit or not self.caps.segmented:
            return reply
        def fitting(candidate: Reply) -> bool:
            return fits(self._sms_piece(candidate).text, self.budget)
        if reply.fit == "labels":
            return titles.fit_labels(reply, fitting)
        forms = titles.cuts(str(reply.params.get(reply.fit, "")), subtitle=reply.fit == "title")
        for form in forms:
            shorter = replace(reply, params={**reply.params, reply.fit: form})
            if fitting(shorter):
                return shorter
        return replace(reply, params={**reply.params, reply.fit: forms[-1]})


@dataclass(frozen=True)
class _Piece:
    """SMS text on its way into messages: its body, the numbered options that end it,
    and whether it shows numbered options anywhere (merged texts keep theirs inside)."""

    body: str
    options: str = ""
    choices: bool = False

    @property
    def text(self) -> str:
        return _join(self.body, self.options)


def _join(*texts: str) -> str:
    return "\n".join(t for t in texts if t)


def sms_message(text: str) -> Rendered:
    """An SMS with its segment count and encoding."""
    info = count(text)
    return Rendered(text, [], info.segments, info.encoding)

