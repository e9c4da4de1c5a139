"""Commands that work from anywhere: STOP, START, HELP, MENU, and every flow's words.

They are decided before any flow step, so a member stuck in a step can always get out.
The four that belong to no flow are declared at the end like a flow's (`FLOW`, no
steps); their words are the catalogs' `keyword.stop` ... entries.
"""

from __future__ import annotations

from bot.flows import menu, onboarding, registry, stories
from bot.flows.common import to_menu
from bot.flows.flow import Flow, Keyword, MenuEntry
from bot.intents import HELP, MENU, START, STOP
from bot.replies import Outcome, Reply
from bot.turn import Turn
from services import members
from services.stories import DEEP_LINK_PREFIX


def stop(turn: Turn) -> Outcome:
    """Opts this identity out and confirms it once."""
    members.opt_out(session=turn.session, identity=turn.identity)
    if turn.caps.provider_confirms_opt_out:
        return Outcome([], None)
    return Outcome([Reply("stop.done")], None)


def start(turn: Turn, step: str | None) -> Outcome:
    """Opts back in; a deep-link payload opens a practice once onboarded."""
    was_out = members.opt_in(session=turn.session, identity=turn.identity)
    before = [Reply("start.done")] if was_out else []
    payload = turn.parsed.argument.strip()
    if turn.member.onboarded_at is None:
        if payload.startswith(DEEP_LINK_PREFIX):  # opened once onboarding is done
            turn.data["open"] = payload[len(DEEP_LINK_PREFIX):]
        outcome = onboarding.resume(turn, step) if step else onboarding.start(turn)
        outcome.replies[:0] = before
        return outcome
    if payload.startswith(DEEP_LINK_PREFIX):
        opened = stories.open_practice(turn, payload[len(DEEP_LINK_PREFIX):])
        if opened is not None:
            opened.replies[:0] = before
            return opened
    return to_menu(*before)


def onboarded_command(turn: Turn, intent: str, flow: str | None,
                      step: str | None = None) -> Outcome | None:
    """The outcome of a command for an onboarded member, None if the step should decide."""
    if intent in (HELP, MENU):
        return menu.run(turn, intent)
    if (flow, step) in registry.free_text():  # the member's own words: only HELP, MENU act
        return None
    keyword = registry.keywords().get(intent)
    if keyword is None or keyword.start is None:
        return None
    if keyword.step_reads_it and flow == registry.owner()[intent]:
        return None  # MORE while reading a story: the reading step goes on
    return menu.run(turn, intent)


def show_help(turn: Turn) -> Outcome:
    """HELP (and the menu's last line): what the bot understands, then the menu."""
    return to_menu(Reply("help"))


def show_menu(turn: Turn) -> Outcome:
    """MENU, or "0" anywhere: back to the main menu."""
    return to_menu()


# Twilio answers these lists itself on SMS (Advanced Opt-Out) and opts the number out or
# in: the bot must agree with it whatever a catalog says. So they are fixed words, kept
# here and not in bot/locale: an edited or emptied `keyword.stop` entry cannot remove
# them, and bot/keywords.py gives fixed words to their intent before any catalog word.
TWILIO_STOP = ("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout")
TWILIO_START = ("start", "unstop", "yes")
TWILIO_HELP = ("help", "info")
# "0" is the way back to the menu on every numbered list (common.BACK); catalog words
# that are numbers are ignored, so it is fixed here too.
MENU_NUMBER = ("0",)

FLOW = Flow(
    name="commands",
    steps={},
    keywords=(Keyword(STOP, fixed=TWILIO_STOP),
              Keyword(START, takes_argument=True, fixed=TWILIO_START),
              Keyword(HELP, show_help, fixed=TWILIO_HELP),
              Keyword(MENU, show_menu, fixed=MENU_NUMBER)),
    menu=MenuEntry(7, "menu.help", HELP),
    interruptible=True,
)
