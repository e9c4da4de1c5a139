"""Questions routed to people: the notice that asks each answerer, answers by reply code,
the answer relayed to the asker in their language, and the asker's rating.

```mermaid
flowchart LR
  routed([question routed]) -->|notice: reply A57 and your answer| answerer
  answerer -->|A57 dry them on racks| thanks
  answerer -->|A57 alone| text -->|the answer| thanks
  thanks -->|first time: may we show your name?| attribution --> done([menu])
  thanks -->|asked before| done
  approved([answer approved, in the asker's language]) -->|notice to the asker| rate
  rate -->|1 helped| candidate([FAQ candidate])
  rate -->|2 did not| rerouted([other people, or the moderators])
```

An answer written in another language than the asker's waits for a moderator's
translation; a question routed to English readers (nobody offering the topic reads
the asker's language) reaches them once a moderator has given its English text (see
web/moderation/questions.py, which sends the notices then).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache

from babel import Locale
from sqlmodel import Session, select

from bot.flows.common import invalid, to_menu
from bot.flows.flow import Flow
from bot.replies import Choice, Notice, Outcome, Reply, Step
from bot.titles import excerpt
from bot.turn import Turn
from content.languages import NON_LATIN
from content.models import Answer, Member, Question, QuestionRoute
from services import routing
from services.routing import answers
from services.routing.queue import ESCALATE_AFTER, waiting_for_answerers

RATE = (Choice("1", "ask.helped"), Choice("2", "ask.not_helped"))
ATTRIBUTION = (Choice("1", "answering.named"), Choice("2", "answering.anonymous"))
EXCERPT = 60  # characters of the question quoted back to the asker

FREE_TEXT = frozenset({"text"})


def route_question(session: Session, question_id: int, now: datetime) -> list[Notice]:
    """Routes an open question to answerers; the notices that ask them."""
    return route_and_tell(session, question_id, now)[1]


def route_and_tell(session: Session, question_id: int,
                   now: datetime) -> tuple[Reply, list[Notice]]:
    """Routes the question: what to tell the asker, honestly, and the notices that ask
    the answerers (none yet when the question waits for its English text)."""
    result, notices = route_with_notices(session, question_id, now)
    return _told(session.get(Question, question_id), result), notices


def route_with_notices(session: Session, question_id: int,
                       now: datetime) -> tuple[routing.RouteResult, list[Notice]]:
    """Routes the question: what routing did, and the notices that ask the answerers
    (none yet when the question waits for its English text)."""
    result = routing.route(session=session, question_id=question_id, now=now)
    question = session.get(Question, question_id)
    waits = result.needs_translation and not (question and question.text_en)
    routes = [(r.member_id, r.code) for r in result.routes]
    notices = [] if waits else question_notices(session, question, routes, result.topics)
    return result, notices


def _told(question: Question | None, result: routing.RouteResult) -> Reply:
    count = len(result.routes)
    if count and result.needs_translation:
        return Reply("ask.translating")
    if count:
        return Reply("ask.sent", {"n": count}) if count > 1 else Reply("ask.sent_one")
    if question is not None and question.status == "open" and question.escalated_at is None:
        return Reply("ask.later")  # the answerers' night: the sweep routes it later
    return Reply("ask.moderators")


def waiting_notices(session: Session, question_id: int) -> list[Notice]:
    """Notices for the routes of a question still waiting for an answer (sent once a
    moderator has translated the question)."""
    question = session.get(Question, question_id)
    routes = session.exec(select(QuestionRoute.member_id, QuestionRoute.code).where(
        QuestionRoute.question_id == question_id, QuestionRoute.status == "sent")
        .order_by(QuestionRoute.id)).all()
    topics = routing.infer_topics(session, question.text, question.lang) if routes else []
    return question_notices(session, question, list(routes), topics)


def question_notices(session: Session, question: Question | None,
                     routes: Iterable[tuple[int, str]], topics: list[str]) -> list[Notice]:
    """One notice per answerer: the question (in English for those who do not read the
    asker's language), the asker's country (never a name or number), topic and code."""
    if question is None:
        return []
    asker = session.get(Member, question.member_id)
    notices = []
    for member_id, code in routes:
        answerer = session.get(Member, member_id)
        reads = [answerer.language, *(answerer.languages or [])]
        text = question.text if question.lang in reads or not question.text_en \
            else question.text_en
        offered = [t for t in topics if t in (answerer.topics_offered or [])]
        topic = (offered or topics or answerer.topics_offered or ["-"])[0]
        params = {"code": code, "topic": topic.replace("-", " "), "question": text}
        if asker is not None and asker.country:
            params["country"] = country_name(shown_lang(answerer), asker.country)
            reply = Reply("answering.question", params)
        else:
            reply = Reply("answering.question_anywhere", params)
        notices.append(Notice(member_id, (reply,), purpose="question"))
    return notices


def by_code(turn: Turn, code: str, body: str) -> Outcome | None:
    """An answer by reply code; None when the member holds no route with this code."""
    route = answers.waiting_route(session=turn.session, member_id=turn.member.id, code=code)
    if route is None:
        return None
    if not body:
        turn.data = {"code": route.code}
        return Outcome([Reply("answering.write", {"code": route.code})],
                       Step("answering", "text"))
    return _take(turn, route.code, body)


def text(turn: Turn) -> Outcome:
    """The answer, after a code sent alone."""
    code = str(turn.data.get("code", ""))
    if not turn.text.strip():
        return Outcome([Reply("empty"), Reply("answering.write", {"code": code})],
                       Step("answering", "text"))
    return _take(turn, code, turn.text) or to_menu(Reply("answering.gone"))


def _take(turn: Turn, code: str, body: str) -> Outcome | None:
    """Stores the answer, thanks the answerer and relays it when it may go out now."""
    answer = answers.answer_by_code(session=turn.session, member_id=turn.member.id,
                                    text=f"{code} {body}", now=turn.now,
                                    hold_new_answerers=turn.policy.hold_new_answers)
    if answer is None:
        return None
    notices = relay_answer(turn.session, answer.id, turn.now)
    thanks = Reply("answering.held" if answer.status == "held"
                   else "answering.sent" if notices else "answering.translating")
    earlier = turn.member.attribution or answers.known_attribution(
        session=turn.session, member_id=turn.member.id)
    if earlier or not turn.member.name:  # asked once; nothing to show without a name
        answer.attribution = earlier
        turn.session.add(answer)
        outcome = to_menu(thanks)
    else:
        turn.data = {"answer_id": answer.id}
        outcome = Outcome([thanks, Reply("answering.attribution", choices=ATTRIBUTION)],
                          Step("answering", "attribution"))
    outcome.notices = notices
    return outcome


def attribution(turn: Turn) -> Outcome:
    """Whether the answerer's name may be shown if an answer of theirs becomes an FAQ:
    kept on the member (asked once) and on the answer it was asked about, if any."""
    if turn.number not in (1, 2):
        return Outcome([invalid(1, 2), Reply("answering.attribution", choices=ATTRIBUTION)],
                       Step("answering", "attribution"))
    choice = "named" if turn.number == 1 else "anonymous"
    turn.member.attribution = choice
    turn.session.add(turn.member)
    answer = turn.session.get(Answer, turn.data.get("answer_id") or 0)
    if answer is not None and answer.member_id == turn.member.id:
        answer.attribution = choice
        turn.session.add(answer)
    return to_menu(Reply("answering.noted"))


def attribution_notice(member_id: int, *, answer_id: int | None = None,
                       before: tuple[Reply, ...] = ()) -> Notice:
    """Asks a member (a new resource person, or an answerer whose answer a moderator
    would promote) whether answers may carry their name; the reply is read by the
    `attribution` step."""
    return Notice(member_id, (*before, Reply("answering.attribution", choices=ATTRIBUTION)),
                  next=Step("answering", "attribution"),
                  data={"answer_id": answer_id} if answer_id else {})


def relay_answer(session: Session, answer_id: int, now: datetime) -> list[Notice]:
    """An approved answer to its asker, in the asker's language, asking for a rating."""
    answer = session.get(Answer, answer_id)
    if answer is None or answer.status != "approved" or not answer.text_for_asker:
        return []
    question = session.get(Question, answer.question_id)
    if question.status == "closed":  # a moderator closed it and told the asker
        return []
    answers.mark_relayed(session=session, answer=answer, now=now)
    quoted = excerpt(question.text, EXCERPT)
    replies = (Reply("answering.answer", {"text": quoted, "answer": answer.text_for_asker}),
               Reply("ask.rate", choices=RATE))
    return [Notice(question.member_id, replies, next=Step("answering", "rate"),
                   data={"answer_id": answer.id}, purpose="answer")]


def rate(turn: Turn) -> Outcome:
    """The asker's rating of a relayed answer; if it did not help, other people get the
    question (or the moderators, when nobody else offers the topic)."""
    if turn.number not in (1, 2):
        return Outcome([invalid(1, 2), Reply("ask.rate", choices=RATE)],
                       Step("answering", "rate"))
    helped = turn.number == 1
    answer = answers.rate_answer(session=turn.session, helpful=helped,
                                 answer_id=turn.data.get("answer_id") or 0)
    if helped or answer is None:
        return to_menu(Reply("ask.thanks"))
    answers.reopen(session=turn.session, question_id=answer.question_id)
    told, notices = route_and_tell(turn.session, answer.question_id, turn.now)
    outcome = to_menu(Reply("ask.sorry"), told)
    outcome.notices = notices
    return outcome


def sweep(session: Session, now: datetime, after: timedelta = ESCALATE_AFTER) -> list[Notice]:
    """Periodic work, safe to run every minute and from several workers: routes the
    questions left waiting for answerers' quiet hours, then hands questions nobody
    answered within `after` to the moderators (once)."""
    notices: list[Notice] = []
    for question_id in waiting_for_answerers(session=session):
        notices += route_question(session, question_id, now)
    for question_id in routing.due_for_escalation(session=session, now=now, after=after):
        routing.escalate(session=session, question_id=question_id, now=now)
        notices += escalated_notice(session.get(Question, question_id))
    return notices


def escalated_notice(question: Question) -> list[Notice]:
    """Tells the asker that nobody answered in time and a moderator now looks at their
    question, so they never wait in silence."""
    if question.member_id is None:
        return []
    quoted = excerpt(question.text, EXCERPT)
    told = Reply("ask.escalated", {"question": quoted}, fit="question")  # cut to fit SMS
    return [Notice(question.member_id, (told,), purpose="notice")]


def shown_lang(member: Member) -> str:
    """The language the member's messages are shown in (English for a phone that cannot
    show their script), as bot.notify renders them."""
    latin = member.script == "latin" and member.language in NON_LATIN
    return "en" if latin else member.language


def country_name(lang: str, code: str) -> str:
    """A country's name in a language (CLDR names, through Babel)."""
    return _territories(lang).get(code.upper(), code.upper())


@lru_cache(maxsize=16)
def _territories(lang: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(lang).territories)
    except (ValueError, LookupError):
        return dict(Locale.parse("en").territories)


STEPS = {"text": text, "attribution": attribution, "rate": rate}
FLOW = Flow(name="answering", steps=STEPS, free_text=FREE_TEXT)
