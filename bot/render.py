"""Turns channel-neutral replies into what a channel shows.

SMS: options become numbered lines, consecutive replies share a message when they fit,
and every message fits the member's segment budget; a longer text is cut into pages,
the first sent now and the rest kept for `MORE`. Telegram: options become inline
buttons (a picked one ticked ✓, and the options only a button can offer, such as Done)
and text may carry HTML markup; a reply that `edits` an earlier message puts its buttons
in place of that message's. For a member whose phone uses Zawgyi, text with Myanmar
letters is converted to Zawgyi before it is counted and sent.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from bot.capabilities import Capabilities
from bot.catalog import Catalog
from bot.replies import Choice, Reply
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
        return Rendering([self._rich(r) for r in replies])

    def page(self, text: str) -> Rendered:
        """An SMS page held back earlier, counted as it goes out now."""
        return sms_message(text)

    def _label(self, choice: Choice, lang: str | None = None) -> str:
        label = self._encode(choice.label or self.catalog.text(
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

    def _rich(self, reply: Reply) -> Rendered:
        escape = self.caps.markup == "HTML"
        text = self._text(reply, escape)[: self.caps.max_text]
        if not self.caps.buttons:
            lines = [f"{c.value} {self._label(c, reply.lang)}" for c in self._choices(reply)]
            return Rendered("\n".join([text, *lines]))
        buttons = [{"text": self._label(c, reply.lang), "data": c.value} for c in reply.choices]
        rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
        return Rendered(text, rows, edits=reply.edits)

    def _sms(self, replies: list[Reply]) -> Rendering:
        """Replies joined into as few messages as fit; the first message that is too long
        is cut into pages, sent from there on one per MORE."""
        merged = self._merge(self._sms_text(r) for r in replies)
        for i, text in enumerate(merged):
            if not fits(text, self.budget):
                hint = "\n" + self.catalog.text(self.lang, "page.more", "sms")
                pages = split_to_budget(text, self.budget, reserve=hint)
                held = self._merge(pages[1:] + merged[i + 1:])
                held = [t + hint if fits(t + hint, self.budget) else t for t in held[:-1]] \
                    + held[-1:]
                sent = [sms_message(t) for t in merged[:i]] + [sms_message(pages[0] + hint)]
                return Rendering(sent, held)
        return Rendering([sms_message(t) for t in merged])

    def _merge(self, texts) -> list[str]:
        """Consecutive texts share a message while they fit the budget together."""
        merged: list[str] = []
        for text in texts:
            if merged and fits(f"{merged[-1]}\n{text}", self.budget):
                merged[-1] = f"{merged[-1]}\n{text}"
            else:
                merged.append(text)
        return merged

    def _sms_text(self, reply: Reply) -> str:
        lines = [self._text(reply)] + [f"{c.value} {self._label(c, reply.lang)}"
                                       for c in self._choices(reply)]
        return gsm_friendly("\n".join(line for line in lines if line))


def sms_message(text: str) -> Rendered:
    """An SMS with its segment count and encoding."""
    info = count(text)
    return Rendered(text, [], info.segments, info.encoding)

