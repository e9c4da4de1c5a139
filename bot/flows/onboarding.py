"""Onboarding: language, consent, country (when the number does not tell), first name
and enterprise name (each skippable), sector, topics.

```mermaid
flowchart LR
  hi --> language -->|SMS, km lo my th / vi| script --> consent
  language --> consent
  consent -->|2 no| declined([nothing kept to send])
  consent -->|1 yes| country{{country known?}}
  country -->|no| ask_country --> name
  country -->|yes| name -->|words / 1 skip| enterprise -->|words / 1 skip| sector
  sector --> topics --> menu
```

The name and the enterprise come after consent (nothing is kept without it) and are
the member's own words (FREE_TEXT): there a command word followed by more words ("Story
Farm", "Kasama Coop") is an answer, while a command word alone still asks the question
again, as everywhere in onboarding (the engine passes those to `resume`).
"""

from __future__ import annotations

from bot.choices import COUNTRIES, SECTORS, numbered
from bot.flows import profile, settings, stories, topic_picks
from bot.flows.common import invalid, to_menu
from bot.flows.flow import Flow
from bot.replies import Choice, Outcome, Reply, Step
from bot.turn import Turn
from content.languages import LANGUAGES
from content.models import Member

FREE_TEXT = frozenset({"name", "enterprise"})
CONSENT = (Choice("1", "consent.yes"), Choice("2", "consent.no"))
COUNTRY_CHOICES = numbered(COUNTRIES, "country") + (
    Choice(str(len(COUNTRIES) + 1), "country.other"),)


def _ask(step: str, *before: Reply) -> Outcome:
    replies = {"language": settings.language_reply(),
               "consent": Reply("consent.ask", choices=CONSENT),
               "country": Reply("country.ask", choices=COUNTRY_CHOICES),
               "name": profile.name_question(),
               "enterprise": profile.enterprise_question(),
               "sector": Reply("sector.ask", choices=numbered(SECTORS, "sector")),
               "topics": settings.topics_reply()}
    return Outcome([*before, replies[step]], Step("onboarding", step))


def start(turn: Turn) -> Outcome:
    """Greets a new member, or one coming back, and asks the first open question."""
    return _ask(_first_open(turn), Reply("welcome"))


def resume(turn: Turn, step: str | None) -> Outcome:
    """Asks the current question again (after HELP, MENU or START), unless the member's
    own words only began with a command word."""
    if step in FREE_TEXT and turn.parsed.argument and not turn.text.startswith("/"):
        return STEPS[step](turn)
    if step in ("script", "plain"):
        return _script_question(turn) or _ask(_first_open(turn))
    return _ask(step or _first_open(turn))


def _first_open(turn: Turn) -> str:
    """The first question the member has not answered, so onboarding survives expiry
    (a name or enterprise skipped before it is asked again)."""
    member = turn.member
    if not member.language_chosen:
        return "language"
    if member.consent_data_at is None:
        return "consent"
    if member.sector is None:
        return _profile_step(member) if member.country else "country"
    return "topics"


def _profile_step(member: Member) -> str:
    """The first of name, enterprise and sector with no answer yet."""
    if member.name is None and member.enterprise is None:
        return "name"
    return "enterprise" if member.enterprise is None else "sector"


def _script_question(turn: Turn, *before: Reply) -> Outcome | None:
    """The script (or diacritics) question on SMS, None where there is none."""
    question = settings.script_question(turn)
    if question is None:
        return None
    return Outcome([*before, *question[1]], Step("onboarding", question[0]))


def language(turn: Turn) -> Outcome:
    """Saves the language, then asks for consent in it."""
    code = settings.pick_language(turn)
    if code is None:
        return _ask("language", invalid(1, len(LANGUAGES)))
    wrote_it = turn.member.language == code  # their first message was in this script
    turn.member.language, turn.member.language_chosen = code, True
    turn.member.script = "native"
    asked = None if wrote_it else _script_question(turn)
    return asked or _ask("consent", Reply("language.set"))


def script(turn: Turn) -> Outcome:
    """Saves whether the phone shows the script (or wants no diacritics)."""
    asked = None if settings.pick_script(turn) else _script_question(
        turn, invalid(1, settings.script_options(turn.member)))
    return asked or _ask("consent", Reply("language.set"))


def consent(turn: Turn) -> Outcome:
    """Records consent to the data use; without it, nothing more happens."""
    if turn.number == 2:
        turn.member.consent_declined_at, turn.member.consent_data_at = turn.now, None
        return Outcome([Reply("consent.declined")], None)
    if turn.number != 1:
        return _ask("consent", invalid(1, 2))
    turn.member.consent_data_at, turn.member.consent_declined_at = turn.now, None
    turn.member.consent_stories = True
    return _ask(_profile_step(turn.member)) if turn.member.country else _ask("country")


def country(turn: Turn) -> Outcome:
    """Saves the country of a member whose channel has no phone number."""
    number = turn.number
    if number is None or not 1 <= number <= len(COUNTRY_CHOICES):
        return _ask("country", invalid(1, len(COUNTRY_CHOICES)))
    turn.member.country = COUNTRIES[number - 1] if number <= len(COUNTRIES) else None
    return _ask(_profile_step(turn.member))


def name(turn: Turn) -> Outcome:
    """Saves the first name as typed (1 skips it), then asks the enterprise's name."""
    if profile.skipped(turn):
        return _ask("enterprise")
    typed = profile.clean(turn.text, profile.NAME_MAX)
    if typed is None:
        return _ask("name", profile.INVALID)
    turn.member.name = typed
    return _ask("enterprise", profile.thanks(typed))


def enterprise(turn: Turn) -> Outcome:
    """Saves the enterprise's name as typed (1 skips it), then asks what it does."""
    if profile.skipped(turn):
        return _ask("sector")
    typed = profile.clean(turn.text, profile.ENTERPRISE_MAX)
    if typed is None:
        return _ask("enterprise", profile.INVALID)
    turn.member.enterprise = typed
    return _ask("sector")


def sector(turn: Turn) -> Outcome:
    """Saves what the member's enterprise does."""
    number = turn.number
    if number is None or not 1 <= number <= len(SECTORS):
        return _ask("sector", invalid(1, len(SECTORS)))
    turn.member.sector = SECTORS[number - 1]
    return _ask("topics")


def topics(turn: Turn) -> Outcome:
    """Saves the topics (typed, or ticked then Done) and finishes onboarding."""
    answer = topic_picks.answer(turn, "topics.ask")
    if answer.groups is None:
        return Outcome(answer.replies, Step("onboarding", "topics"))
    turn.member.topics_wanted = settings.topics_for(answer.groups)
    turn.member.onboarded_at = turn.now
    slug = turn.data.pop("open", None)  # a deep link followed before onboarding
    opened = stories.open_practice(turn, slug) if slug else None
    if opened is not None:
        opened.replies.insert(0, Reply("onboarding.done"))
        return opened
    return to_menu(Reply("onboarding.done"))


STEPS = {"language": language, "script": script, "plain": script, "consent": consent,
         "country": country, "name": name, "enterprise": enterprise, "sector": sector,
         "topics": topics}
FLOW = Flow(name="onboarding", steps=STEPS, free_text=FREE_TEXT)
