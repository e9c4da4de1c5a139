"""The question queues as the moderation API shows them: JSON rows of services.queues'
scoped selects, with ids, languages, countries, topics and texts (never a phone number,
chat id or username)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import Session

from content.languages import LANGUAGE_CODES
from content.models import Answer, Member, Question
from services import queue_facts, queues, sandbox
from services.access import Principal
from services.routing.console import attribution_of

QUEUE_LIMIT = 200


class QueueFilters(BaseModel):
    """The filters of a queue: language, country (two letters), organisation (slug)."""

    lang: str | None = Field(default=None, pattern="^(" + "|".join(LANGUAGE_CODES) + ")$")
    country: str | None = Field(default=None, pattern="^[A-Za-z]{2}$")
    org: str | None = Field(default=None, max_length=80)

    def of(self) -> queues.Filters:
        """services.queues' filters."""
        return queues.Filters(lang=self.lang, country=self.country, organisation=self.org)


def queue(session: Session, principal: Principal, filters: queues.Filters) -> dict:
    """{"held_answers", "questions_to_translate", "answers_to_translate", "escalated"}:
    the ones the account works on (a translator's are the translations)."""
    shown = queues.visible(principal)

    def answers_of(name: str) -> list[dict]:
        return answer_rows(session, _rows(session, principal, filters, name, shown))

    def questions_of(name: str) -> list[dict]:
        return question_rows(session, _rows(session, principal, filters, name, shown))

    return {"held_answers": answers_of("held"),
            "questions_to_translate": questions_of("translate_questions"),
            "answers_to_translate": answers_of("translate_answers"),
            "escalated": questions_of("escalated")}


def _rows(session, principal, filters, name: str, shown) -> list:
    if name not in shown:
        return []
    return queues.page(session, queues.BUILDERS[name](principal, filters), limit=QUEUE_LIMIT)


def question_rows(session: Session, rows: list[tuple[Question, Member]]) -> list[dict]:
    """Questions with their asker's country, how many people got them, their answers."""
    ids = [q.id for q, _ in rows]
    routed = queue_facts.routes_per_question(session=session, question_ids=ids)
    answered = queue_facts.answers_per_question(session=session, question_ids=ids)
    return [{"id": q.id, "lang": q.lang, "text": q.text, "text_en": q.text_en,
             "status": q.status, "asker_country": asker.country, "asker_lang": asker.language,
             "topics": list(q.topics or []), "created_at": _iso(q.created_at),
             "escalated_at": _iso(q.escalated_at), "routed_to": routed.get(q.id, 0),
             "answers": answered.get(q.id, {})} for q, asker in rows]


def answer_rows(session: Session, rows: list[tuple[Answer, Question, Member]]) -> list[dict]:
    """Answers with their question, the asker's and the answerer's country."""
    members = queue_facts.members_by_id(session=session, ids=[a.member_id for a, _, _ in rows])
    result = []
    for a, q, asker in rows:
        writer = members.get(a.member_id)
        result.append({
            "id": a.id, "question_id": q.id, "status": a.status, "lang": a.lang,
            "text": a.text, "text_for_asker": a.text_for_asker,
            "answerer_country": writer.country if writer else None,
            "written_in_console": a.account_id is not None,
            "question_lang": q.lang, "question_text": q.text, "question_text_en": q.text_en,
            "asker_country": asker.country, "created_at": _iso(a.created_at)})
    return result


def candidates(session: Session, principal: Principal, filters: queues.Filters) -> list:
    """FAQ candidates with what their writer said about attribution."""
    rows = queues.page(session, queues.faq(principal, filters), limit=QUEUE_LIMIT)
    members = queue_facts.members_by_id(session=session, ids=[a.member_id for a, _, _ in rows])
    return [{**row, "attribution": attribution_of(a, members.get(a.member_id)),
             "attribution_asked_at": _iso(a.attribution_asked_at)}
            for row, (a, _, _) in zip(answer_rows(session, rows), rows, strict=True)]


def waiting(session: Session, principal: Principal, filters: queues.Filters,
            now: datetime) -> list[dict]:
    """Questions waiting for quiet hours: since when, and when the first person who
    may answer them is awake (null: nobody known)."""
    rows = queues.page(session, queues.waiting(principal, filters), limit=QUEUE_LIMIT)
    ends = queue_facts.quiet_ends(session=session, questions=[q for q, _ in rows], now=now)
    return [{**row, "first_awake_at": _iso(ends.get(row["id"]))}
            for row in question_rows(session, rows)]


def people(session: Session, question: Question) -> list[dict]:
    """The resource people a moderator may assign the question to."""
    langs = [question.lang] + (["en"] if question.text_en else [])
    found = queue_facts.resource_people(session=session, langs=langs,
                                        sandbox=sandbox.of_member(session, question.member_id),
                                        topics=question.topics or [])
    return [{"id": p.id, "name": p.name, "country": p.country, "languages": list(p.languages),
             "topics": list(p.topics)} for p in queue_facts.for_question(found, question)]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
