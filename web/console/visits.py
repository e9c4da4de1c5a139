"""Exchange visits in the console: the calendar of the organisation's visits beside the
interest list, a visit made from a practice's interest, the members invited to it (by
SMS or Telegram, in their language, through the scheduler's jobs), their answers and
their reflections; changing or cancelling a visit tells those who said yes or maybe;
after the visit, who came.

The rules are the services' (services/visit_plans.py, visit_invites.py, visit_lists.py);
the calendar feed for calendar apps is web/console/visit_feed.py.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import select

from content.models import Organisation, Practice, Visit, utcnow
from content.models.visits import STATUSES
from services import visit_attendance, visit_calendar, visit_invites, visit_lists, visit_plans
from services.access import allowed, practice_scope
from web.console.core import PREFIX, Console, Current, NotFound
from web.params import RowId

Day = Annotated[date | None, Form()]
Text = Annotated[str, Form(max_length=300)]
Languages = Annotated[list[str] | None, Form()]
Members = Annotated[list[RowId] | None, Form()]


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("visits.read"))
    actor = Depends(console.allow("visits.act"))
    console.notices.update(visit_created="The visit is planned. Invite the members below.",
                           visit_invited="Invited: each gets the invitation in their "
                           "language on their channel (after their quiet hours).",
                           visit_changed="Saved. Those who said yes or maybe are told.",
                           visit_cancelled="The visit is cancelled; those who said yes "
                           "or maybe are told.",
                           visit_attendance="Saved who came. Only they are asked what "
                           "they saw, and only they count as having made the visit.")

    @router.get("/visits", response_class=HTMLResponse)
    def calendar(request: Request, current: Current = reader) -> HTMLResponse:
        """Upcoming and past visits by month, and the interest list."""
        today = utcnow().date()
        with console.db() as session:
            visits = visit_plans.listing(session=session, principal=current.principal)
            slugs = visit_lists.titles(session=session, visits=visits)
            seats = {v.id: visit_invites.taken(session, v.id) for v in visits}
            wanted = visit_lists.interest(session=session, principal=current.principal)
            feed = _feed_url(console, session, current, request)
        upcoming = [v for v in visits if v.ends_on >= today]
        months = [(month, list(rows)) for month, rows in
                  groupby(upcoming, key=lambda v: v.starts_on.strftime("%Y-%m"))]
        past = [v for v in reversed(visits) if v.ends_on < today]
        return console.render(request, current, "console/visits/list.html", {
            "months": months, "past": past, "slugs": slugs, "seats": seats,
            "wanted": wanted, "feed": feed})

    @router.get("/visits/new", response_class=HTMLResponse)
    def new_visit(request: Request, current: Current = actor,
                  practice: Annotated[RowId | None, Query()] = None) -> HTMLResponse:
        """The form for a visit to a practice's host."""
        return _form(console, request, current, None, {"practice_id": practice})

    @router.post("/visits", response_class=HTMLResponse)
    def create(request: Request, current: Current = actor,
               practice_id: Annotated[RowId, Form()] = 1, starts_on: Day = None,
               ends_on: Day = None, place: Text = "", capacity: Annotated[int, Form()] = 0,
               languages: Languages = None, bring: Text = "",
               costs_covered: Annotated[bool, Form()] = False) -> Response:
        """Plans the visit."""
        values = {"practice_id": practice_id, "starts_on": starts_on, "ends_on": ends_on,
                  "place": place, "capacity": capacity, "languages": languages or [],
                  "bring": bring, "costs_covered": costs_covered}
        try:
            window = _window(values)
            with console.db() as session:
                visit = visit_plans.create(session=session, principal=current.principal,
                                           practice_id=practice_id, window=window,
                                           now=utcnow())
                visit_id = visit.id
        except visit_plans.Refused as exc:
            return _form(console, request, current, None, values, error=str(exc))
        return console.redirect(f"{PREFIX}/visits/{visit_id}", ok="visit_created")

    @router.get("/visits/{visit_id}", response_class=HTMLResponse)
    def visit_page(request: Request, visit_id: RowId,
                   current: Current = reader) -> HTMLResponse:
        """The visit, who is invited and what they answered, whom to invite."""
        return _page(console, request, current, visit_id)

    @router.post("/visits/{visit_id}/invite")
    def invite(visit_id: RowId, current: Current = actor,
               member_ids: Members = None) -> Response:
        """Invites the members picked (only interested members in the account's scope)."""
        with console.db() as session:
            visit = _visit(session, current, visit_id)
            allowed_ids = {c.member.id for c in visit_lists.candidates(
                session=session, principal=current.principal, visit=visit)}
            visit_invites.invite(session=session, visit=visit, now=utcnow(),
                                 actor=current.principal,
                                 member_ids=[m for m in member_ids or [] if m in allowed_ids])
        return console.redirect(f"{PREFIX}/visits/{visit_id}", ok="visit_invited")

    @router.post("/visits/{visit_id}", response_class=HTMLResponse)
    def change(request: Request, visit_id: RowId, current: Current = actor,
               starts_on: Day = None, ends_on: Day = None, place: Text = "",
               capacity: Annotated[int, Form()] = 0, languages: Languages = None,
               bring: Text = "", costs_covered: Annotated[bool, Form()] = False) -> Response:
        """Saves a changed window; those who said yes or maybe hear of new dates or place."""
        values = {"starts_on": starts_on, "ends_on": ends_on, "place": place,
                  "capacity": capacity, "languages": languages or [], "bring": bring,
                  "costs_covered": costs_covered}
        try:
            window = _window(values)
            with console.db() as session:
                visit = _visit(session, current, visit_id)
                visit_plans.change(session=session, principal=current.principal,
                                   visit=visit, window=window, now=utcnow())
        except visit_plans.Refused as exc:
            return _page(console, request, current, visit_id, error=str(exc),
                         status_code=422)
        return console.redirect(f"{PREFIX}/visits/{visit_id}", ok="visit_changed")

    @router.post("/visits/{visit_id}/attendance", response_class=HTMLResponse)
    def attendance(request: Request, visit_id: RowId, current: Current = actor,
                   came: Members = None) -> Response:
        """Records who of those who said yes came (after the visit's last day)."""
        try:
            with console.db() as session:
                visit_attendance.record(session=session, principal=current.principal,
                                        visit=_visit(session, current, visit_id),
                                        came=came or [], now=utcnow())
        except visit_attendance.Refused as exc:
            return _page(console, request, current, visit_id, error=str(exc),
                         status_code=422)
        return console.redirect(f"{PREFIX}/visits/{visit_id}", ok="visit_attendance")

    @router.post("/visits/{visit_id}/cancel")
    def cancel(visit_id: RowId, current: Current = actor) -> Response:
        """Cancels the visit."""
        with console.db() as session:
            visit_plans.cancel(session=session, principal=current.principal,
                               visit=_visit(session, current, visit_id), now=utcnow())
        return console.redirect(f"{PREFIX}/visits/{visit_id}", ok="visit_cancelled")

    return router


def _visit(session, current: Current, visit_id: int) -> Visit:
    visit = visit_plans.find(session=session, principal=current.principal, visit_id=visit_id)
    if visit is None:
        raise NotFound()
    return visit


def _window(values: dict) -> visit_plans.Window:
    if values["starts_on"] is None:
        raise visit_plans.Refused("Give the first day of the visit.")
    return visit_plans.Window(values["starts_on"], values["ends_on"] or values["starts_on"],
                              values["place"], values["capacity"],
                              tuple(values["languages"]), values["bring"],
                              values["costs_covered"])


def _feed_url(console: Console, session, current: Current, request: Request) -> str | None:
    """The organisation's calendar feed URL, for the account's own organisation, on the
    public address where one is set (calendar apps fetch it from outside)."""
    if current.principal.organisation_id is None or not allowed(current.principal,
                                                                "visits.act"):
        return None
    organisation = session.get(Organisation, current.principal.organisation_id)
    secret = visit_calendar.token(session=session, organisation=organisation)
    path = request.app.url_path_for("visit_feed", slug=organisation.slug, token=secret)
    public = console.services.settings.public_base_url
    return (public.rstrip("/") if public else str(request.base_url).rstrip("/")) + path


def _page(console: Console, request: Request, current: Current, visit_id: int,
          error: str | None = None, status_code: int = 200) -> HTMLResponse:
    with console.db() as session:
        visit = _visit(session, current, visit_id)
        practice = session.get(Practice, visit.practice_id)
        rows = visit_lists.invitations(session=session, visit=visit)
        context = {"visit": visit, "practice": practice, "rows": rows,
                   "counts": visit_lists.tally(rows), "error": error,
                   "dates": visit_plans.dates(visit),
                   "seats": visit_invites.taken(session, visit.id),
                   "candidates": visit_lists.candidates(
                       session=session, principal=current.principal, visit=visit),
                   "place_max": visit_plans.PLACE_MAX, "statuses": STATUSES,
                   "attendance": visit_attendance.recordable(visit, utcnow()),
                   "recorded": visit_attendance.recorded(session, visit.id)}
        return console.render(request, current, "console/visits/visit.html", context,
                              status_code=status_code)


def _form(console: Console, request: Request, current: Current, visit_id: int | None,
          values: dict, error: str | None = None) -> HTMLResponse:
    with console.db() as session:
        practices = session.exec(select(Practice.id, Practice.slug).where(
            practice_scope(current.principal), Practice.status == "published",
            Practice.visitors_welcome.is_not(False)).order_by(Practice.slug)).all()
    defaults = {"practice_id": None, "starts_on": None, "ends_on": None, "place": "",
                "capacity": 10, "languages": [], "bring": "", "costs_covered": False}
    return console.render(request, current, "console/visits/form.html", {
        "values": {**defaults, **values}, "practices": practices, "error": error,
        "place_max": visit_plans.PLACE_MAX}, status_code=422 if error else 200)
