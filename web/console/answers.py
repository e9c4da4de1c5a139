"""Held answers and the translation queue.

A held answer (a new answerer's first ones) is approved as written, edited and then
approved (the audit row keeps the text before), or rejected with a reason its writer is
told. The translation page gives questions their English text for English-reading
answerers and answers their text in the asker's language, each beside the original.
Translators see and translate only in the languages they hold (services.access).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from bot import moderated
from services import queue_facts, queues
from web.console.core import Console, Current
from web.console.queue_pages import LIMIT, Listing, context, kept, listing, only_for, perform
from web.params import RowId

TEXT_MAX = 4000


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("queues.read"))
    actor = Depends(console.allow("questions.act"))
    translator = Depends(console.allow("translations.act"))
    back = Depends(kept)
    console.notices.update(
        approved_sent="Approved: the answer went to the asker, who is asked to rate it.",
        approved_waiting="Approved: it goes to the asker once it has a translation into "
        "the asker's language (Translations).",
        rejected="Rejected: the answer will not go to the asker; its writer was told.",
        question_translated="Saved: the people the question was sent to get it in English.",
        answer_translated_sent="Saved: the translated answer went to the asker.",
        answer_translated_held="Saved: the answer goes to the asker once it is approved "
        "(Held answers).")

    @router.get("/queues/held", response_class=HTMLResponse)
    def held(request: Request, current: Current = reader, lang: str | None = None,
             country: str | None = None, org: str | None = None,
             offset: str | None = None) -> HTMLResponse:
        """Answers waiting for approval."""
        only_for(current, "held")
        shown = listing(lang, country, org, offset)
        with console.db() as session:
            rows = queues.page(session, queues.held(current.principal, shown.filters),
                               offset=shown.offset, limit=LIMIT)
            values = _writers(session, rows)
            values.update(context(session, shown, rows, "/queues/held"))
        return console.render(request, current, "console/questions/held.html", values)

    @router.get("/queues/translations", response_class=HTMLResponse)
    def translations(request: Request, current: Current = reader, lang: str | None = None,
                     country: str | None = None, org: str | None = None,
                     offset: str | None = None) -> HTMLResponse:
        """Questions to put into English and answers into the asker's language."""
        only_for(current, "translate_questions", "translate_answers")
        shown = listing(lang, country, org, offset)
        principal = current.principal
        with console.db() as session:
            to_english = queues.translate_questions(principal, shown.filters)
            to_asker = queues.translate_answers(principal, shown.filters)
            asked = queues.page(session, to_english, offset=shown.offset, limit=LIMIT)
            answered = queues.page(session, to_asker, offset=shown.offset, limit=LIMIT)
            values = _writers(session, answered)
            values.update(context(session, shown, max(asked, answered, key=len),
                                  "/queues/translations"),
                          questions=asked, answers=answered)
        return console.render(request, current, "console/questions/translations.html",
                              values)

    @router.post("/queues/held/{answer_id}/approve")
    def approve(request: Request, answer_id: RowId, current: Current = actor,
                text: Annotated[str, Form(max_length=TEXT_MAX)] = "",
                shown: Listing = back) -> Response:
        """Approves the answer, with the moderator's edit if the text was changed."""
        return perform(console, request, current, action="answer.approve", target="answer",
                       target_id=answer_id, back=shown.url("/queues/held"),
                       ok=lambda done: "approved_sent" if done.shown["status"] == "relayed"
                       else "approved_waiting",
                       change=lambda s, now: moderated.approve(
                           s, current.principal, answer_id=answer_id, text=text, now=now))

    @router.post("/queues/held/{answer_id}/reject")
    def reject(request: Request, answer_id: RowId, current: Current = actor,
               reason: Annotated[str, Form(max_length=1000)] = "",
               shown: Listing = back) -> Response:
        """Rejects the answer; its writer is told why."""
        return perform(console, request, current, action="answer.reject", target="answer",
                       target_id=answer_id, back=shown.url("/queues/held"), ok="rejected",
                       change=lambda s, now: moderated.reject(
                           s, current.principal, answer_id=answer_id, reason=reason))

    @router.post("/queues/translations/questions/{question_id}")
    def translate_question(request: Request, question_id: RowId,
                           current: Current = translator,
                           text: Annotated[str, Form(max_length=TEXT_MAX)] = "",
                           shown: Listing = back) -> Response:
        """The question in English; its waiting answerers get it."""
        return perform(console, request, current, action="question.translate",
                       target="question", target_id=question_id, ok="question_translated",
                       back=shown.url("/queues/translations"),
                       change=lambda s, now: moderated.translate_question(
                           s, current.principal, question_id=question_id,
                           text=text))

    @router.post("/queues/translations/answers/{answer_id}")
    def translate_answer(request: Request, answer_id: RowId, current: Current = translator,
                         text: Annotated[str, Form(max_length=TEXT_MAX)] = "",
                         shown: Listing = back) -> Response:
        """The answer in the asker's language; it goes out if approved."""
        return perform(console, request, current, action="answer.translate",
                       target="answer", target_id=answer_id,
                       back=shown.url("/queues/translations"),
                       ok=lambda done: "answer_translated_sent"
                       if done.shown["status"] == "relayed" else "answer_translated_held",
                       change=lambda s, now: moderated.translate_answer(
                           s, current.principal, answer_id=answer_id, text=text,
                           now=now))

    return router


def _writers(session, rows) -> dict:
    """Who wrote each answer: the member, or the console account."""
    return {"rows": rows,
            "writers": queue_facts.members_by_id(session=session,
                                                 ids=[a.member_id for a, _, _ in rows]),
            "accounts": queue_facts.account_names(session=session,
                                                  ids=[a.account_id for a, _, _ in rows])}
