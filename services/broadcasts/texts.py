"""What each recipient of a broadcast gets: the text in their language, or the fallback
(English, else the first language written) when there is none, or a practice's first
snippet in their content language; rendered for their channel as a story would be (an
SMS with look-alikes replaced, Vietnamese without diacritics or Zawgyi where the member
asked for it, cut to their segment budget if it is a practice; an HTML channel escaped).

Rendering is memoised per variant (language, channel, budget, Zawgyi, plain), so
100,000 recipients cost a few dozen renderings."""

from __future__ import annotations

import html
from dataclasses import dataclass

from sqlmodel import Session

from content.channels import kind
from content.languages import content_langs
from services.language import to_zawgyi
from services.sms import count, gsm_friendly, split_to_budget
from services.sms.vietnamese import strip_diacritics
from services.stories import StoryPiece, piece

FALLBACK = "en"


@dataclass(frozen=True)
class Rendered:
    """One outbox row's text for a variant; `lang` is the language it is in (another
    than the member's when it fell back); `over` when an SMS is over the member's
    segment budget (a text is not cut: the moderator shortens it)."""

    text: str
    lang: str
    segments: int | None
    encoding: str | None
    over: bool = False


def fallback(texts: dict[str, str], lang: str) -> str | None:
    """The language whose text a member reading `lang` gets."""
    if texts.get(lang, "").strip():
        return lang
    if texts.get(FALLBACK, "").strip():
        return FALLBACK
    return next((code for code in sorted(texts) if texts[code].strip()), None)


class Texts:
    """The broadcast's text for each recipient row (audience.COLUMNS)."""

    def __init__(self, session: Session, texts: dict[str, str], practice_id: int | None):
        self.session, self.texts, self.practice_id = session, texts, practice_id
        self._pieces: dict[str, StoryPiece | None] = {}
        self._memo: dict[tuple, Rendered | None] = {}

    def for_row(self, row) -> Rendered | None:
        """None when there is nothing in any language this member can be sent."""
        key = (row.language, row.script, row.channel, row.segment_budget, row.zawgyi)
        found = self._memo.get(key, self)
        if found is self:  # not rendered yet (None is a result)
            sms = kind(row.channel).segmented
            found = self._memo[key] = self._render(
                row, sms and max(1, row.segment_budget), bool(row.zawgyi),
                sms and row.script == "latin" and row.language == "vi")
        return found

    def _render(self, row, budget: int, zawgyi: bool, plain: bool) -> Rendered | None:
        found = self._source(row)
        if found is None:
            return None
        text, lang = found
        if plain:
            text = strip_diacritics(text)
        elif zawgyi and lang == "my":
            text = to_zawgyi(text)
        if not budget:  # not an SMS: whole, escaped for an HTML channel
            markup = kind(row.channel).markup == "HTML"
            return Rendered(html.escape(text, quote=False) if markup else text, lang,
                            None, None)
        sent = gsm_friendly(text)
        if self.practice_id is not None:  # a story is paged like the bot pages it
            sent = split_to_budget(sent, budget)[0]
        info = count(sent)
        return Rendered(sent, lang, info.segments, info.encoding, info.segments > budget)

    def _source(self, row) -> tuple[str, str] | None:
        if self.practice_id is None:
            lang = fallback(self.texts, row.language)
            return None if lang is None else (self.texts[lang], lang)
        for lang in content_langs(row.language, latin_only=row.script == "latin"):
            if lang not in self._pieces:
                self._pieces[lang] = piece(session=self.session,
                                           practice_id=self.practice_id, lang=lang,
                                           position=0)
            story = self._pieces[lang]
            if story is not None:
                return f"{story.title}\n{story.text}", lang
        return None
