"""FAQ candidates: answers their askers found helpful, to promote to a practice's FAQ.

An answer carries its writer's name only where they agreed (for this answer or for
their answers in general); it can always be promoted without a name. Where nobody knows
yet, "Ask the answerer" sends them the question by message; the row then shows when
they were asked, until their reply (read by the bot's attribution step) lands.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from bot import moderated
from services import questions, queue_facts, queues
from services.routing.console import attribution_of
from web.console.core import Console, Current
from web.console.queue_pages import LIMIT, Listing, context, kept, listing, only_for, perform
from web.params import RowId


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("queues.read"))
    curator = Depends(console.allow("faq.act"))
    back = Depends(kept)
    console.notices.update(
        promoted="Promoted: the answer is in the practice's FAQ; the next asker gets it.",
        attribution_asked="The answerer was asked whether their name may be shown; "
        "their reply will show here.")

    @router.get("/queues/faq", response_class=HTMLResponse)
    def faq(request: Request, current: Current = reader, lang: str | None = None,
            country: str | None = None, org: str | None = None,
            offset: str | None = None) -> HTMLResponse:
        """Helpful answers not in the FAQ yet, with what their writers agreed to."""
        only_for(current, "faq")
        shown = listing(lang, country, org, offset)
        with console.db() as session:
            rows = queues.page(session, queues.faq(current.principal, shown.filters),
                               offset=shown.offset, limit=LIMIT)
            writers = queue_facts.members_by_id(session=session,
                                                ids=[a.member_id for a, _, _ in rows])
            values = {"rows": rows, "writers": writers,
                      "accounts": queue_facts.account_names(
                          session=session, ids=[a.account_id for a, _, _ in rows]),
                      "attribution": {a.id: attribution_of(a, writers.get(a.member_id))
                                      for a, _, _ in rows}}
            values.update(context(session, shown, rows, "/queues/faq"))
        return console.render(request, current, "console/questions/faq.html", values)

    @router.post("/queues/faq/{answer_id}/promote")
    def promote(request: Request, answer_id: RowId, current: Current = curator,
                attribution: Annotated[str, Form(max_length=16)] = "anonymous",
                practice: Annotated[str, Form(max_length=80)] = "",
                shown: Listing = back) -> Response:
        """Makes the answer an FAQ pair, named only where its writer agreed."""
        return perform(console, request, current, action="answer.promote", target="answer",
                       target_id=answer_id, back=shown.url("/queues/faq"), ok="promoted",
                       change=lambda s, now: _promote(
                           s, current, answer_id, attribution == "named", practice))

    @router.post("/queues/faq/{answer_id}/ask")
    def ask(request: Request, answer_id: RowId, current: Current = curator,
            shown: Listing = back) -> Response:
        """Asks the writer whether the answer may carry their name."""
        return perform(console, request, current, action="answer.ask_attribution",
                       target="answer", target_id=answer_id, back=shown.url("/queues/faq"),
                       ok="attribution_asked",
                       change=lambda s, now: moderated.ask_attribution(
                           s, current.principal, answer_id=answer_id, now=now))

    return router


def _promote(session, current: Current, answer_id: int, named: bool,
             practice: str) -> moderated.Done:
    """Promotes; a practice slug nobody knows is the moderator's typo, said as such."""
    moderated.answer_in_scope(session, current.principal, answer_id)
    try:
        return moderated.promote(session, current.principal, answer_id=answer_id,
                                 named=named, practice=practice.strip() or None)
    except questions.NotFound as exc:
        raise questions.Conflict(str(exc)) from None
