"""Settings a member can change any time: language, topics wanted and offered, the
weekly story, peer introductions, and the first name and enterprise peers see. LANG and
TOPICS go straight to their question.

```mermaid
flowchart LR
  settings -->|1 / LANG| language --> script
  settings -->|2 / TOPICS| topics
  settings -->|3| offered
  settings -->|4| weekly[weekly story on/off]
  settings -->|5| peers[peer introductions on/off]
  settings -->|6| profile[name and enterprise: bot/flows/profile.py]
  settings -->|0| menu
```
"""

from __future__ import annotations

from bot.choices import TOPIC_GROUPS, topics_for
from bot.flows import profile, subscriptions, topic_picks
from bot.flows.common import BACK, invalid, to_menu
from bot.flows.flow import Flow, Keyword, MenuEntry
from bot.intents import LANG, SETTINGS, TOPICS
from bot.replies import Choice, Outcome, Reply, Step
from bot.turn import Turn
from content.languages import LANGUAGES, NON_LATIN
from content.models import Member
from services.language import to_zawgyi


def language_reply() -> Reply:
    """The language list, each name in Latin letters and in its own script."""
    return Reply("language.ask", choices=tuple(
        Choice(str(i), "", label=lang.menu_label, button_label=lang.button_label)
        for i, lang in enumerate(LANGUAGES, start=1)))


def pick_language(turn: Turn) -> str | None:
    """The language code the member picked by number, or None."""
    number = turn.number
    if number is not None and 1 <= number <= len(LANGUAGES):
        return LANGUAGES[number - 1].code
    return None


def topics_reply() -> Reply:
    """The topic groups, several may be picked (typed, or ticked then Done)."""
    return topic_picks.question("topics.ask")


SCRIPT = (Choice("1", "script.yes"), Choice("2", "script.no"))
PLAIN = (Choice("1", "plain.yes"), Choice("2", "plain.no"))
# "Can you read this? Yes" sent in Zawgyi as a third answer to the Burmese question: a
# phone that shows Zawgyi shows the Unicode question as broken letters but this line
# right (a technical probe, like the language names, so it is not in the catalog).
ZAWGYI_PROBE = "ဒီစာ ဖတ်လို့ရလား? ရတယ်"


def script_choices(member: Member) -> tuple[Choice, ...]:
    """1 yes, 2 no; for Burmese on a phone not known to use Zawgyi, also 3: the question
    in Zawgyi, for the phones that show that one right."""
    if member.language == "my" and not member.zawgyi:
        return SCRIPT + (Choice("3", "", label=to_zawgyi(ZAWGYI_PROBE)),)
    return SCRIPT


def script_options(member: Member) -> int:
    """How many answers the member's script question has."""
    return len(script_choices(member)) if member.language in NON_LATIN else len(PLAIN)


def script_question(turn: Turn) -> tuple[str, list[Reply]] | None:
    """On SMS, after a language is picked: can the phone show its script (asked in the
    script itself, which is the sample, with one line of English for a phone that shows
    boxes), or, for Vietnamese, does the member want text without diacritics. None when
    there is nothing to ask."""
    lang = turn.member.language
    if not turn.caps.segmented:
        return None
    if lang in NON_LATIN:
        return "script", [Reply("script.ask", choices=script_choices(turn.member)),
                          Reply("script.fallback", lang="en")]
    if lang == "vi":
        return "plain", [Reply("plain.ask", choices=PLAIN)]
    return None


def pick_script(turn: Turn) -> bool:
    """Saves the answer to the script question; False if it was none of its numbers.
    3 (Burmese): the phone shows Zawgyi, so replies go out in Zawgyi."""
    if turn.number is None or not 1 <= turn.number <= script_options(turn.member):
        return False
    if turn.number == 3:
        turn.member.zawgyi, turn.member.script = True, "native"
        return True
    readable = turn.number == 1
    if turn.member.language == "vi":
        readable = not readable  # 1 = yes, without diacritics
    turn.member.script = "native" if readable else "latin"
    return True


def ask_language(turn: Turn) -> Outcome:
    """Offers the language list."""
    return Outcome([language_reply()], Step("settings", "language"))


def language(turn: Turn) -> Outcome:
    """Saves the language picked."""
    code = pick_language(turn)
    if code is None:
        return Outcome([invalid(1, len(LANGUAGES)), language_reply()],
                       Step("settings", "language"))
    turn.member.language, turn.member.language_chosen = code, True
    turn.member.script = "native"
    question = script_question(turn)
    if question:
        return Outcome(question[1], Step("settings", question[0]))
    return to_menu(Reply("language.set"))


def script(turn: Turn) -> Outcome:
    """Saves whether the phone shows the script (or wants no diacritics)."""
    question = script_question(turn)
    if not pick_script(turn) and question:
        return Outcome([invalid(1, script_options(turn.member)), *question[1]],
                       Step("settings", question[0]))
    return to_menu(Reply("language.set"))


def ask_topics(turn: Turn) -> Outcome:
    """Offers the topic groups."""
    turn.data.pop(topic_picks.PICKED, None)
    return Outcome([topics_reply()], Step("settings", "topics"))


def topics(turn: Turn) -> Outcome:
    """Saves the topics picked, or ticks a tapped one until Done."""
    answer = topic_picks.answer(turn, "topics.ask")
    if answer.groups is None:
        return Outcome(answer.replies, Step("settings", "topics"))
    turn.member.topics_wanted = topics_for(answer.groups)
    return to_menu(Reply("topics.saved"))


def ask_offered(turn: Turn) -> Outcome:
    """Offers the topic groups for what the member can help others with."""
    turn.data.pop(topic_picks.PICKED, None)
    return Outcome([offered_reply()], Step("settings", "offered"))


def offered_reply() -> Reply:
    """The topic groups again, asked about the member's own know-how."""
    return topic_picks.question("settings.offer_ask")


def offered(turn: Turn) -> Outcome:
    """Saves the topics the member can help with ("Everything" is every topic: questions
    are routed by the topics offered, so an empty list would offer nothing)."""
    answer = topic_picks.answer(turn, "settings.offer_ask")
    if answer.groups is None:
        return Outcome(answer.replies, Step("settings", "offered"))
    picks = answer.groups
    if any(TOPIC_GROUPS[n - 1][0] == "all" for n in picks):
        picks = [n for n, (name, _) in enumerate(TOPIC_GROUPS, start=1) if name != "all"]
    turn.member.topics_offered = topics_for(picks)
    return to_menu(Reply("settings.offer_saved"))


ITEMS = 6  # items of the settings menu, 0 (the main menu) aside


def menu_reply(member: Member) -> Reply:
    """The settings, with the weekly story and introductions as they stand now."""
    story = "settings.story_on" if member.story_subscribed else "settings.story_off"
    peers = "settings.peers_on" if member.consent_matching else "settings.peers_off"
    return Reply("settings.title", choices=(
        Choice("1", "menu.language"), Choice("2", "menu.topics"), Choice("3", "settings.offer"),
        Choice("4", story), Choice("5", peers), Choice("6", "settings.profile"), BACK))


def start(turn: Turn) -> Outcome:
    """The settings menu."""
    return Outcome([menu_reply(turn.member)], Step("settings", "choose"))


def choose(turn: Turn) -> Outcome:
    """Runs the setting picked by number; 4 and 5 switch on what is off and off what is
    on."""
    number = turn.number
    if number == 1:
        return ask_language(turn)
    if number == 2:
        return ask_topics(turn)
    if number == 3:
        return ask_offered(turn)
    if number == 4:
        return subscriptions.set_weekly(turn, not turn.member.story_subscribed)
    if number == 5:
        turn.member.consent_matching = not turn.member.consent_matching
        return to_menu(Reply("settings.peers_on_done" if turn.member.consent_matching
                             else "settings.peers_off_done"))
    if number == 6:
        return profile.start(turn)
    before = invalid(1, ITEMS) if number is not None else Reply("not_understood")
    return Outcome([before, menu_reply(turn.member)], Step("settings", "choose"))


STEPS = {"choose": choose, "language": language, "topics": topics, "offered": offered,
         "script": script, "plain": script}
FLOW = Flow(
    name="settings",
    steps=STEPS,
    keywords=(Keyword(SETTINGS, start),
              Keyword(TOPICS, ask_topics, takes_argument=True),
              Keyword(LANG, ask_language, takes_argument=True)),
    menu=MenuEntry(6, "menu.settings", SETTINGS),
)
