"""ASK: a question answered from the content store, or routed to people who can answer.

```mermaid
flowchart LR
  ask -->|no text yet| prompt --> question
  ask -->|ASK how to ...| question
  question -->|confident stored answer| rate
  question -->|nothing confident| routed([routed: the member is told to whom])
  rate -->|1 helped| done([thanks])
  rate -->|2 did not| routed
```

Routing (bot/flows/answering.py) tells the member honestly what happens: sent to people
who know the topic, translated first by a moderator, waiting for the answerers' morning,
or left to a moderator when nobody offers the topic.
"""

from __future__ import annotations

from bot.flows import answering
from bot.flows.common import invalid, to_menu
from bot.flows.flow import Flow, Keyword, MenuEntry
from bot.intents import ASK, fold, strip_edges
from bot.replies import Choice, Outcome, Reply, Step
from bot.turn import Turn
from services import questions

RATE = (Choice("1", "ask.helped"), Choice("2", "ask.not_helped"))


def start(turn: Turn) -> Outcome:
    """Answers the question given with the command, or asks for it."""
    text = own_words(turn) if turn.parsed.intent == ASK else ""
    if text:
        return answer(turn, text)
    return Outcome([Reply("ask.prompt")], Step("ask", "question"))


def own_words(turn: Turn) -> str:
    """The question after the command word as the member typed it: the parsed argument
    is folded (lower case, no accents, no end punctuation), which moderators, answerers
    and the asker reading it back should not see."""
    argument = turn.parsed.argument.strip()
    tokens = turn.text.split()
    for skip in (1, 2):  # the command is one word or two ("bat dau", "sudah coba")
        rest = " ".join(tokens[skip:])
        if rest and strip_edges(fold(rest)) == argument:
            return rest
    return argument


def question(turn: Turn) -> Outcome:
    """The member's question, in their own words."""
    if not turn.text.strip():
        return Outcome([Reply("empty"), Reply("ask.prompt")], Step("ask", "question"))
    return answer(turn, turn.text)


def answer(turn: Turn, text: str) -> Outcome:
    """Stores the question and answers from the store when the match is confident;
    otherwise routes it to people."""
    found = questions.ask(session=turn.session, member=turn.member, text=text,
                          langs=turn.content_langs())
    if found.answer is None:
        return _routed(turn, found.question_id)
    turn.data = {"question_id": found.question_id}
    stored = found.answer
    replies = [Reply("ask.answer", {"answer": stored.text, "title": stored.title})]
    credit = credit_reply(stored.credit, turn)
    replies += [credit] if credit else []
    return Outcome([*replies, Reply("ask.rate", choices=RATE)], Step("ask", "rate"))


def credit_reply(credit: questions.Credit | None, turn: Turn) -> Reply | None:
    """Who gave an answer promoted from a member: "— answered by Aminah, Malaysia", or
    without the name when they did not agree to show it."""
    if credit is None or not credit.country:
        return None
    country = answering.country_name(answering.shown_lang(turn.member), credit.country)
    if credit.name:
        return Reply("ask.credit.named", {"name": credit.name, "country": country})
    role = "expert" if credit.role == "expert" else "member"
    return Reply(f"ask.credit.{role}", {"country": country})


def rate(turn: Turn) -> Outcome:
    """Records whether the answer helped; if not, the question goes to people."""
    if turn.number not in (1, 2):
        return Outcome([invalid(1, 2), Reply("ask.rate", choices=RATE)], Step("ask", "rate"))
    helped = turn.number == 1
    question_id = turn.data.get("question_id")
    questions.rate(session=turn.session, question_id=question_id, helpful=helped,
                   now=turn.now)
    if helped or not question_id:
        return to_menu(Reply("ask.thanks"))
    return _routed(turn, question_id, Reply("ask.sorry"))


def _routed(turn: Turn, question_id: int, *before: Reply) -> Outcome:
    told, notices = answering.route_and_tell(turn.session, question_id, turn.now)
    outcome = to_menu(*before, told)
    outcome.notices = notices
    return outcome


FREE_TEXT = frozenset({"question"})
STEPS = {"question": question, "rate": rate}
FLOW = Flow(name="ask", steps=STEPS, keywords=(Keyword(ASK, start, takes_argument=True),),
            menu=MenuEntry(2, "menu.ask", ASK), free_text=FREE_TEXT)
