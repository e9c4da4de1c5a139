"""route(): sends an open question to up to three answerers, with reply codes.

Order of choice: people offering one of the question's topics who read the asker's
language (experts first, then peers, least loaded first, reachable now). When nobody
offering the topic reads that language, English readers get it and the question joins
the translation queue. When nobody offers the topic at all, it stays open and goes to
the moderators (escalated now). When the only candidates are in their quiet hours, it
stays open and a later route() call (after their night) will find them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from content.models import Practice, Question, QuestionRoute
from services import search
from services.routing.candidates import pick
from services.routing.codes import new_code

MAX_ANSWERERS = 3
BRIDGE_LANG = "en"  # what moderators translate from and to


@dataclass(frozen=True)
class Routed:
    """One answerer and the code they reply with."""

    member_id: int
    code: str


@dataclass
class RouteResult:
    """What route() did, and why, in words a moderator can read."""

    question_id: int
    routes: list[Routed] = field(default_factory=list)
    needs_translation: bool = False
    reasons: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


def infer_topics(session: Session, text: str, lang: str) -> list[str]:
    """The topics of the practice that best matches the question (none if nothing does)."""
    hits = search.search(session=session, query=text, lang=lang, limit=1)
    if not hits:
        return []
    practice = session.exec(select(Practice).where(Practice.slug == hits[0].practice)).first()
    return list(practice.topics) if practice else []


def route(*, session: Session, question_id: int, now: datetime,
          max_answerers: int = MAX_ANSWERERS, topics: list[str] | None = None,
          rng: random.Random | None = None) -> RouteResult:
    """Routes question `question_id`; the caller commits."""
    question = session.get(Question, question_id)
    result = RouteResult(question_id)
    if question is None or question.status != "open":
        result.reasons.append("no open question with this id")
        return result
    given = bool(topics)
    result.topics = list(topics) if given else infer_topics(session, question.text,
                                                            question.lang)
    if not result.topics:
        return _for_moderators(question, now, result, "no topic found for the question")
    source = "given" if given else "inferred from the best search hit"
    result.reasons.append(f"topics ({source}): {', '.join(result.topics)}")
    needed = max(0, min(max_answerers, MAX_ANSWERERS))
    chosen, exist = _pick(session, question, result.topics, question.lang, now, needed)
    if chosen:
        result.reasons.append(f"{len(chosen)} answerer(s) reading {question.lang}")
    elif exist:
        return _waiting(result, question.lang)
    elif question.lang != BRIDGE_LANG:
        result.reasons.append(f"nobody offering these topics reads {question.lang}")
        chosen, exist = _pick(session, question, result.topics, BRIDGE_LANG, now, needed)
        if not chosen and exist:
            return _waiting(result, BRIDGE_LANG)
        if chosen:
            result.needs_translation = question.needs_translation = True
            result.reasons.append(f"{len(chosen)} English reader(s); translation queue")
    if not chosen:
        return _for_moderators(question, now, result, "nobody offers these topics")
    _send(session, question, chosen, now, rng or random.Random(), result)
    return result


def _pick(session, question, topics, lang, now, needed):
    return pick(session, question_id=question.id, asker_id=question.member_id,
                topics=topics, lang=lang, now=now, needed=needed)


def _send(session, question, chosen, now, rng, result) -> None:
    taken: set[str] = set()
    for candidate in chosen:
        code = new_code(session, rng, taken)
        taken.add(code)
        session.add(QuestionRoute(question_id=question.id, member_id=candidate.member_id,
                                  code=code, status="sent", created_at=now))
        result.routes.append(Routed(candidate.member_id, code))
    question.status = "routed"
    session.add(question)
    session.flush()


def _waiting(result: RouteResult, lang: str) -> RouteResult:
    result.reasons.append(f"every candidate reading {lang} is in quiet hours; "
                          "left open, route again later")
    return result


def _for_moderators(question, now, result: RouteResult, why: str) -> RouteResult:
    question.escalated_at = question.escalated_at or now
    result.reasons.append(f"{why}; left open for moderators")
    return result
