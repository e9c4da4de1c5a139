"""The weekly story's text, computed once per group of members, not once per member.

Members who share topics and content languages get the same story: the practice is
picked with services.stories.pick_practice as if for a member who has read nothing
(their own readings and country are not consulted), which is fine for a broadcast. The
pick depends on the topics only through which published practices they match, so it is
made once per (languages, set of matching practices): a few dozen to a couple of hundred
picks for 100,000 members, and each practice's first snippet is read once. The first
snippet is rendered once per (channel, segment budget, Zawgyi,
Vietnamese without diacritics, which only SMS drops); an SMS is cut to the budget (the
first page is sent) and carries its exact segment count and encoding. Lookups are
memoised per member profile.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, select

from content.channels import kind
from content.languages import content_langs
from content.models import Practice
from services.language import to_zawgyi
from services.sms import count, gsm_friendly, split_to_budget
from services.sms.vietnamese import strip_diacritics
from services.stories import StoryPiece, pick_practice, piece

NOBODY = 0  # the member id a group's pick is made for: no readings, no history

Render = Callable[[StoryPiece], str]
RendererFactory = Callable[[str, str], Render]  # (channel, language) -> StoryPiece -> text


def default_renderer(channel: str, lang: str) -> Render:
    """Title and snippet; an HTML channel gets the markup the bot's story snippets use."""
    try:
        markup = kind(channel).markup
    except LookupError:  # a channel no module declares any more
        markup = None
    if markup == "HTML":
        return lambda s: (f"<b>{html.escape(s.title, quote=False)}</b> "
                          f"({s.position + 1}/{s.total})\n\n{html.escape(s.text, quote=False)}")
    return lambda s: f"{s.title}\n{s.text}"


@dataclass(frozen=True)
class Text:
    """What one outbox row carries."""

    text: str
    segments: int | None
    encoding: str | None
    practice_id: int


class StoryTexts:
    """Caches picks per (topics, languages) and texts per rendering variant."""

    def __init__(self, session: Session, factory: RendererFactory | None = None):
        self.session = session
        self.factory = factory or default_renderer
        self._topics: dict[str, set[int]] | None = None
        self._stories: dict[tuple, StoryPiece | None] = {}
        self._pieces: dict[tuple[int, str], StoryPiece | None] = {}
        self._texts: dict[tuple, Text | None] = {}
        self._profiles: dict[tuple, Text | None] = {}

    def story(self, topics: list[str] | None, langs: tuple[str, ...]) -> StoryPiece | None:
        """The first snippet of the practice told to members with these topics."""
        if self._topics is None:
            self._topics = {}
            for practice_id, practice_topics in self.session.exec(select(
                    Practice.id, Practice.topics).where(Practice.status == "published")):
                for topic in practice_topics:
                    self._topics.setdefault(topic, set()).add(practice_id)
        matching = frozenset().union(*(self._topics.get(t, ()) for t in topics or ()))
        key = (langs, matching)
        if key not in self._stories:
            found = pick_practice(session=self.session, topics=list(topics or ()),
                                  langs=list(langs), member_id=NOBODY)
            self._stories[key] = None if found is None else self._first(*found)
        return self._stories[key]

    def _first(self, practice_id: int, lang: str) -> StoryPiece | None:
        # many groups are told the same practice: read its first snippet once
        if (practice_id, lang) not in self._pieces:
            self._pieces[practice_id, lang] = piece(session=self.session,
                                                    practice_id=practice_id, lang=lang,
                                                    position=0)
        return self._pieces[practice_id, lang]

    def text(self, member, channel: str) -> Text | None:
        """The story text for a member (a row with topics_wanted, language, script,
        zawgyi, segment_budget) on a channel; None when no practice has snippets."""
        profile = (tuple(member.topics_wanted or ()), member.language, member.script,
                   member.zawgyi, member.segment_budget, channel)
        if profile not in self._profiles:
            self._profiles[profile] = self._text(member, channel)
        return self._profiles[profile]

    def _text(self, member, channel: str) -> Text | None:
        langs = tuple(content_langs(member.language, latin_only=member.script == "latin"))
        story = self.story(member.topics_wanted, langs)
        if story is None:
            return None
        sms = kind(channel).segmented
        plain = sms and member.script == "latin" and member.language == "vi"  # SMS only
        key = (story.practice_id, story.lang, channel, sms and max(1, member.segment_budget),
               bool(member.zawgyi) and story.lang == "my", plain)
        if key not in self._texts:
            self._texts[key] = self._render(story, channel, *key[3:])
        return self._texts[key]

    def _render(self, story: StoryPiece, channel: str, budget: int, zawgyi: bool,
                plain: bool) -> Text:
        text = self.factory(channel, story.lang)(story)
        if plain:
            text = strip_diacritics(text)
        elif zawgyi:
            text = to_zawgyi(text)
        if not budget:  # not SMS: sent whole
            return Text(text, None, None, story.practice_id)
        page = split_to_budget(gsm_friendly(text), budget)[0]
        info = count(page)
        return Text(page, info.segments, info.encoding, story.practice_id)
