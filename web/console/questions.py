"""Escalated questions and questions waiting for quiet hours.

An escalated question (nobody answered in time, or nobody could be asked) can be
answered here (the asker gets the answer in their language and channel and rates it, as
a peer's answer), assigned to a resource person the moderator picks, routed again to
people not asked yet, or closed with a message to the asker. The waiting page shows
the questions held back by their answerers' quiet hours, with their topics, how long
they have waited and when the first answerer wakes up: nothing is delayed silently.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from bot import moderated
from content.models import utcnow
from services import questions, queue_facts, queues, sandbox
from web.console.core import Console, Current, NotFound, is_htmx
from web.console.queue_pages import (
    LIMIT,
    Listing,
    context,
    kept,
    listing,
    only_for,
    perform,
    span,
)
from web.params import RowId

TEXT_MAX = 4000
OUTCOMES = {"routed": "Sent to {n} more {people}. It leaves this queue and comes back if "
            "nobody answers in time.",
            "translation": "Sent to {n} more {people} who read English; they get it once "
            "the question has its English text (Translations).",
            "quiet": "Everyone who could take it is in their quiet hours. It waits for "
            "them under Waiting for quiet hours and goes out when their day starts.",
            "nobody": "Nobody else offers this topic in a language the asker or English "
            "readers share. It stays here: answer it, assign it or close it."}


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("queues.read"))
    actor = Depends(console.allow("questions.act"))
    back = Depends(kept)
    console.notices.update(
        answered="Your answer went to the asker, who is asked to rate it.",
        assigned="The resource person got the question with a reply code.",
        closed="The question is closed; the asker got your message.",
        **{f"{outcome}_{n}": OUTCOMES[outcome].format(n=n, people="people" if n > 1
                                                      else "person")
           for outcome in ("routed", "translation") for n in (1, 2, 3)},
        routed_quiet=OUTCOMES["quiet"], routed_nobody=OUTCOMES["nobody"])

    @router.get("/queues/escalated", response_class=HTMLResponse)
    def escalated(request: Request, current: Current = reader, lang: str | None = None,
                  country: str | None = None, org: str | None = None,
                  offset: str | None = None) -> HTMLResponse:
        """Questions nobody answered in time, with what can be done about each."""
        only_for(current, "escalated")
        shown = listing(lang, country, org, offset)
        with console.db() as session:
            rows = queues.page(session, queues.escalated(current.principal, shown.filters),
                               offset=shown.offset, limit=LIMIT)
            values = _facts(session, rows)
            values.update(context(session, shown, rows, "/queues/escalated"))
        return console.render(request, current, "console/questions/escalated.html", values)

    @router.get("/queues/escalated/{question_id}/assign", response_class=HTMLResponse)
    def assign_form(request: Request, question_id: RowId, current: Current = actor,
                    lang: str | None = None, country: str | None = None,
                    org: str | None = None, offset: str | None = None) -> HTMLResponse:
        """The resource people who can read the question, to choose one (htmx loads the
        form into the question's item; without it, this is a page of its own)."""
        shown = listing(lang, country, org, offset)
        with console.db() as session:
            try:
                question = moderated.question_in_scope(session, current.principal,
                                                       question_id)
            except questions.NotFound:
                raise NotFound() from None
            langs = [question.lang, *(["en"] if question.text_en else [])]
            people = queue_facts.for_question(queue_facts.resource_people(
                session=session, langs=langs, topics=question.topics or [],
                sandbox=sandbox.of_member(session, question.member_id)), question)
            values = {"question": question, "people": people, "listing": shown,
                      "back": shown.url("/queues/escalated")}
        template = "_assign_form.html" if is_htmx(request) else "assign.html"
        return console.render(request, current, f"console/questions/{template}", values)

    @router.get("/queues/waiting", response_class=HTMLResponse)
    def waiting(request: Request, current: Current = reader, lang: str | None = None,
                country: str | None = None, org: str | None = None,
                offset: str | None = None) -> HTMLResponse:
        """Questions waiting for their answerers' quiet hours to end."""
        only_for(current, "waiting")
        shown = listing(lang, country, org, offset)
        now = utcnow()
        with console.db() as session:
            rows = queues.page(session, queues.waiting(current.principal, shown.filters),
                               offset=shown.offset, limit=LIMIT)
            values = _facts(session, rows)
            values["awake"] = queue_facts.quiet_ends(session=session, now=now,
                                                     questions=[q for q, _ in rows])
            values.update(context(session, shown, rows, "/queues/waiting"), now=now,
                          span=span)
        return console.render(request, current, "console/questions/waiting.html", values)

    @router.post("/queues/escalated/{question_id}/answer")
    def answer(request: Request, question_id: RowId, current: Current = actor,
               text: Annotated[str, Form(max_length=TEXT_MAX)] = "",
               shown: Listing = back) -> Response:
        """The moderator's own answer goes to the asker."""
        return perform(console, request, current, action="question.answer",
                       target="question", target_id=question_id, ok="answered",
                       back=shown.url("/queues/escalated"),
                       change=lambda s, now: moderated.answer(
                           s, current.principal, question_id=question_id, text=text, now=now))

    @router.post("/queues/escalated/{question_id}/assign")
    def assign(request: Request, question_id: RowId, current: Current = actor,
               member_id: Annotated[RowId, Form()] = 0, shown: Listing = back) -> Response:
        """A resource person gets the question with a reply code."""
        return perform(console, request, current, action="question.assign",
                       target="question", target_id=question_id, ok="assigned",
                       back=shown.url("/queues/escalated"),
                       change=lambda s, now: moderated.assign(
                           s, current.principal, question_id=question_id,
                           member_id=member_id, now=now))

    @router.post("/queues/escalated/{question_id}/route")
    def route(request: Request, question_id: RowId, current: Current = actor,
              shown: Listing = back) -> Response:
        """Routes the question again to people not asked yet; says what came of it."""
        return perform(console, request, current, action="question.route",
                       target="question", target_id=question_id, ok=_routed,
                       back=shown.url("/queues/escalated"),
                       change=lambda s, now: moderated.route_again(
                           s, current.principal, question_id=question_id, now=now))

    @router.post("/queues/escalated/{question_id}/close")
    def close(request: Request, question_id: RowId, current: Current = actor,
              message: Annotated[str, Form(max_length=1000)] = "",
              shown: Listing = back) -> Response:
        """Closes the question with a message to the asker."""
        return perform(console, request, current, action="question.close",
                       target="question", target_id=question_id, ok="closed",
                       back=shown.url("/queues/escalated"),
                       change=lambda s, now: moderated.close(
                           s, current.principal, question_id=question_id, message=message,
                           now=now))

    return router


def _routed(done: moderated.Done) -> str:
    outcome, count = done.shown["outcome"], min(done.shown["routed"], 3)
    return f"{outcome}_{count}" if outcome in ("routed", "translation") \
        else f"routed_{outcome}"


def _facts(session, rows) -> dict:
    """How many people each question went to and its answers so far."""
    ids = [q.id for q, _ in rows]
    return {"rows": rows,
            "routed": queue_facts.routes_per_question(session=session, question_ids=ids),
            "answered": queue_facts.answers_per_question(session=session, question_ids=ids)}
