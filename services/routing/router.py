"""route(): sends an open question to up to three answerers, with reply codes.

Order of choice: people offering one of the question's topics who read the asker's
language (experts first, then peers, least loaded first, reachable now). When nobody
offering the topic reads that language, English readers get it and the question joins
the translation queue. When nobody offers the topic at all, it stays open and goes to
the moderators (escalated now). When the only candidates are in their quiet hours, it
stays open and a later route() call (after their night) will find them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from content.models import Member, Practice, Question, QuestionRoute, SearchDoc
from content.segment import words
from services import search
from services.language import normalize
from services.routing.candidates import pick
from services.routing.codes import new_code
from services.search.terms import doc_counts

MAX_ANSWERERS = 3
TOPIC_HITS = 12  # practices looked at to find the question's topics
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
    """The topics of the practice that best matches the question (none if nothing does).

    The search ranks practices by all the question's words, and a long text holding
    "how", "we" and "sell" can come first. So each found practice gets its share of the
    best search score plus its share of the best specificity: the question's words its
    texts hold, each weighing log(documents / documents holding it). In "how do we dry
    fish to sell", "fish" then points to the practice about fisheries. (On the bench
    questions this keeps the search's own top hit as often, and finds more fish.)
    """
    hits = search.search(session=session, query=text, lang=lang, limit=TOPIC_HITS)
    if not hits:
        return []
    terms = set(words(normalize(text), lang))
    counts = doc_counts(session, list(terms))
    total = session.exec(select(func.count()).select_from(SearchDoc)).one()
    docs = dict(session.exec(select(SearchDoc.id, SearchDoc.practice_id).where(
        SearchDoc.id.in_([hit.doc_id for hit in hits]))).all())
    held = _held_terms(session, list(docs.values()), {hit.lang for hit in hits}, terms)
    specific = [sum(math.log(max(total, counts[t]) / counts[t])
                    for t in held.get(docs.get(hit.doc_id), ()) if t in counts)
                for hit in hits]
    top, most = hits[0].score if hits[0].score > 0 else 1.0, max(specific) or 1.0
    best = max(range(len(hits)), key=lambda i: hits[i].score / top + specific[i] / most)
    slug = hits[best].practice
    practice = session.exec(select(Practice).where(Practice.slug == slug)).first()
    return list(practice.topics) if practice else []


def _held_terms(session: Session, practice_ids: list[int], langs: set[str],
                terms: set[str]) -> dict[int, set[str]]:
    """Per practice: which of the terms its indexed texts in these languages hold."""
    held: dict[int, set[str]] = {}
    rows = session.exec(select(SearchDoc.practice_id, SearchDoc.tokens).where(
        SearchDoc.practice_id.in_(practice_ids), SearchDoc.lang.in_(sorted(langs)))).all()
    for practice_id, tokens in rows:
        held.setdefault(practice_id, set()).update(terms.intersection((tokens or "").split()))
    return held


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
    linked = session.get(Practice, question.practice_id) if question.practice_id else None
    if given:
        result.topics, source = list(topics), "given"
    elif linked is not None and linked.topics:  # "what went wrong" after TRIED: the
        # member's words say little ("the seedlings died"); the practice says the topic
        result.topics, source = list(linked.topics), f"of the practice {linked.slug}"
    else:
        result.topics = infer_topics(session, question.text, question.lang)
        source = "inferred from the search hits"
    if not result.topics:
        return _for_moderators(question, now, result, "no topic found for the question")
    question.topics = list(result.topics)  # shown in the moderators' queues
    session.add(question)
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
    asker = session.get(Member, question.member_id)
    return pick(session, question_id=question.id, asker_id=question.member_id,
                sandbox=asker.sandbox if asker else None, topics=topics, lang=lang,
                now=now, needed=needed)


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
