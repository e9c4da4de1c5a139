"""ASK: a question answered from the content store, or kept for a person to answer.

```mermaid
flowchart LR
  ask -->|no text yet| prompt --> question
  ask -->|ASK how to ...| question
  question -->|confident stored answer| rate
  question -->|nothing confident| open([saved for a person])
  rate -->|1 helped| done([thanks])
  rate -->|2 did not| open
```
"""

from __future__ import annotations

from bot.flows.common import invalid, to_menu
from bot.intents import ASK
from bot.replies import Choice, Outcome, Reply, Step
from bot.turn import Turn
from services import questions

RATE = (Choice("1", "ask.helped"), Choice("2", "ask.not_helped"))


def start(turn: Turn) -> Outcome:
    """Answers the question given with the command, or asks for it."""
    text = turn.parsed.argument.strip() if turn.parsed.intent == ASK else ""
    if text:
        return answer(turn, text)
    return Outcome([Reply("ask.prompt")], Step("ask", "question"))


def question(turn: Turn) -> Outcome:
    """The member's question, in their own words."""
    if not turn.text.strip():
        return Outcome([Reply("empty"), Reply("ask.prompt")], Step("ask", "question"))
    return answer(turn, turn.text)


def answer(turn: Turn, text: str) -> Outcome:
    """Stores the question and answers from the store when the match is confident."""
    found = questions.ask(session=turn.session, member=turn.member, text=text,
                          langs=turn.content_langs())
    if found.answer is None:
        return to_menu(Reply("ask.open"))
    turn.data = {"question_id": found.question_id}
    reply = Reply("ask.answer", {"answer": found.answer.text, "title": found.answer.title})
    return Outcome([reply, Reply("ask.rate", choices=RATE)], Step("ask", "rate"))


def rate(turn: Turn) -> Outcome:
    """Records whether the answer helped; if not, the question stays open for a person."""
    if turn.number not in (1, 2):
        return Outcome([invalid(1, 2), Reply("ask.rate", choices=RATE)], Step("ask", "rate"))
    helped = turn.number == 1
    questions.rate(session=turn.session, question_id=turn.data.get("question_id"),
                   helpful=helped, now=turn.now)
    return to_menu(Reply("ask.thanks" if helped else "ask.open_after_no"))

FREE_TEXT = frozenset({"question"})
STEPS = {"question": question, "rate": rate}
