"""Stories: a practice told snippet by snippet. MORE continues, NEXT tells another.
Under the first snippet of a practice that members have tried, a line says by how many
enterprises in how many countries (services/replication.py).

```mermaid
flowchart LR
  start -->|first snippet| reading
  reading -->|1 / MORE| reading
  reading -->|2 / NEXT| start
  reading -->|last snippet| finished
```
"""

from __future__ import annotations

from bot.flows import subscriptions
from bot.flows.common import BACK, to_menu
from bot.flows.flow import Flow, Keyword, MenuEntry
from bot.intents import MORE, NEXT, STORY
from bot.replies import MORE_CHOICE, Choice, Outcome, Reply, Step
from bot.turn import Turn
from services import replication, stories
from services.stories import StoryPiece

NEXT_CHOICE = Choice("2", "story.next")


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


def story(turn: Turn) -> Outcome:
    """STORY (a story), STORY ON / STORY OFF (the weekly story)."""
    switched = subscriptions.switch(turn)
    return switched if switched is not None else start(turn)


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
    return Outcome(_snippet(turn, story), Step("stories", "reading"))


def _snippet(turn: Turn, story: StoryPiece) -> list[Reply]:
    """The snippet and its options; the first with the line on who tried the practice."""
    tried = tried_line(turn, story.practice_id) if story.position == 0 else None
    return snippet_replies(story, tried)


def snippet_replies(story: StoryPiece, tried: Reply | None = None) -> list[Reply]:
    """What a member is sent for one snippet (the console previews it with this)."""
    params = {"title": story.title, "text": story.text, "n": story.position + 1,
              "total": story.total}
    if story.position + 1 < story.total:
        choices = (MORE_CHOICE, NEXT_CHOICE, BACK)
    else:
        choices = (NEXT_CHOICE, BACK)
    if tried is None:
        return [Reply("story.snippet", params, choices)]
    # The options follow the line; on SMS both share the snippet's message when they fit.
    return [Reply("story.snippet", params), Reply(tried.key, tried.params, choices)]


def tried_line(turn: Turn, practice_id: int) -> Reply | None:
    """"Tried by N enterprises in M countries", or None when nobody has reported it."""
    return reach_reply(replication.reach(session=turn.session, practice_id=practice_id,
                                         sandbox=turn.member.sandbox))


def reach_reply(reach: replication.Reach) -> Reply | None:
    """The line for a practice's reach (a printed manual says it too), None for nobody."""
    if reach.enterprises == 0:
        return None
    if reach.enterprises == 1:
        return Reply("tried.count_one")
    if reach.countries < 2:
        return Reply("tried.count_n", {"n": reach.enterprises})
    return Reply("tried.count", {"n": reach.enterprises, "m": reach.countries})


STEPS = {"reading": reading}
FLOW = Flow(
    name="stories",
    steps=STEPS,
    keywords=(Keyword(STORY, story, takes_argument=True),
              Keyword(MORE, start, step_reads_it=True),
              Keyword(NEXT, start, step_reads_it=True)),
    menu=MenuEntry(1, "menu.story", STORY),
    interruptible=True,  # a follow-up may come between two snippets
)
