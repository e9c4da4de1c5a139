"""Stories: a practice told snippet by snippet. MORE continues, NEXT tells another.

```mermaid
flowchart LR
  start -->|first snippet| reading
  reading -->|1 / MORE| reading
  reading -->|2 / NEXT| start
  reading -->|last snippet| finished
```
"""

from __future__ import annotations

from bot.flows.common import BACK, to_menu
from bot.intents import MORE, NEXT
from bot.replies import Choice, Outcome, Reply, Step
from bot.turn import Turn
from services import stories
from services.stories import StoryPiece

MORE_CHOICE, NEXT_CHOICE = Choice("1", "story.more"), Choice("2", "story.next")


def start(turn: Turn, *, exclude: set[int] = frozenset()) -> Outcome:
    """Tells the first snippet of a practice on the member's topics."""
    found = stories.pick_practice(session=turn.session, topics=turn.member.topics_wanted,
                                  langs=turn.content_langs(), member_id=turn.member.id,
                                  country=turn.member.country, exclude=exclude)
    if found is None:
        if exclude:
            return start(turn)
        return to_menu(Reply("story.none"))
    return _tell(turn, found[0], found[1], 0)


def open_practice(turn: Turn, slug: str) -> Outcome | None:
    """Starts a named practice (a QR code on a printed manual); None if unknown."""
    practice = stories.practice_by_slug(session=turn.session, slug=slug)
    if practice is None:
        return None
    for lang in turn.content_langs():
        if stories.piece(session=turn.session, practice_id=practice.id, lang=lang, position=0):
            return _tell(turn, practice.id, lang, 0)
    return None


def reading(turn: Turn) -> Outcome:
    """Continues (1, MORE), moves on (2, NEXT), or repeats the options."""
    intent, number = turn.parsed.intent, turn.number
    practice_id = turn.data.get("practice_id")
    if intent == MORE or number == 1:
        return _tell(turn, practice_id, turn.data["lang"], turn.data["position"] + 1)
    if intent == NEXT or number == 2:
        return start(turn, exclude={practice_id})
    return to_menu(Reply("not_understood"))


def _tell(turn: Turn, practice_id: int, lang: str, position: int) -> Outcome:
    story = stories.piece(session=turn.session, practice_id=practice_id, lang=lang,
                          position=position)
    if story is None:
        return start(turn, exclude={practice_id})
    stories.mark_read(session=turn.session, member_id=turn.member.id, story=story)
    turn.data = {"practice_id": practice_id, "lang": lang, "position": position}
    return Outcome([_snippet(story)], Step("stories", "reading"))


def _snippet(story: StoryPiece) -> Reply:
    params = {"title": story.title, "text": story.text, "n": story.position + 1,
              "total": story.total}
    if story.position + 1 < story.total:
        return Reply("story.snippet", params, (MORE_CHOICE, NEXT_CHOICE, BACK))
    return Reply("story.snippet", params, (NEXT_CHOICE, BACK))


STEPS = {"reading": reading}
