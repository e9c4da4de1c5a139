"""Naming practices to a member, for the flows that offer them (TRIED, VISIT, SHARE): a
numbered list of titles that fits the channel, and the languages titles are taken in
when there is no turn (a follow-up, a notice)."""

from __future__ import annotations

from bot.replies import Choice
from bot.titles import short_title
from content import languages
from content.models import Member

LIST_MAX = 5  # practices offered at once: more do not fit two SMS segments
BUTTON_ROOM = 40  # a Telegram button shows little more


def practice_choices(titles: list[str], *, segmented: bool) -> tuple[Choice, ...]:
    """Numbered practices, at most LIST_MAX; on SMS the renderer cuts the titles only as
    far as the list needs to fit (the reply's `fit="labels"`), on Telegram a button shows
    about 40 characters."""
    titles = titles[:LIST_MAX]
    if segmented:
        return tuple(Choice(str(i), "", label=t) for i, t in enumerate(titles, start=1))
    return tuple(Choice(str(i), "", label=short_title(title, BUTTON_ROOM))
                 for i, title in enumerate(titles, start=1))


def content_langs(member: Member) -> list[str]:
    """Languages to take practice titles in, as Turn.content_langs, outside a turn."""
    return languages.content_langs(member.language, latin_only=member.script == "latin")
