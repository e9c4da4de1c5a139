"""Indicators and goals in the console: the overview (the organisation's goals with
their progress, the form to set one, the figures), one page per figure (its chart, its
table, its CSV), all filtered by period, country and organisation (admins) through the
query string, so every view is a link and works without JavaScript."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import select

from content.models import Organisation, utcnow
from services.indicators import DIMENSIONS, FIGURES, Filters, default_filters, figure, goals
from services.indicators.export import to_csv
from web.console import charts
from web.console.core import PREFIX, Console, Current, NotFound
from web.console.organisations import COUNTRIES

OVERVIEW, FIGURE = "console/indicators/overview.html", "console/indicators/figure.html"
Short = Annotated[str, Form(max_length=40)]
MAX_DAYS = 3 * 366  # a longer period is cut to its last three years


def make_router(console: Console) -> APIRouter:
    """The routes of this area."""
    router = APIRouter()
    reader = Depends(console.allow("indicators.read"))
    setter = Depends(console.allow("goals.set"))
    console.notices.update(goal_set="The goal is set.",
                           goals_measured="The goals are measured again.")

    @router.get("/indicators", response_class=HTMLResponse)
    def overview(request: Request, current: Current = reader) -> HTMLResponse:
        """Goals and their progress, and the figures to open."""
        return _overview(console, request, current)

    @router.get("/indicators/charts.css")
    def stylesheet() -> Response:
        """pygal's chart styles, served from this site (web/console/charts.py)."""
        return Response(charts.stylesheet(), media_type="text/css",
                        headers={"cache-control": "public, max-age=86400"})

    @router.get("/indicators/{key}.csv")
    def download(request: Request, key: str, current: Current = reader) -> Response:
        """A figure's table as CSV, with the page's filters."""
        with console.db() as session:
            found = _figure(session, current, key, _filters(request, current, session))
        name = f"{key}-{found[1].start.isoformat()}-{found[1].end.isoformat()}.csv"
        return Response(to_csv(found[0]), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}"'})

    @router.get("/indicators/{key}", response_class=HTMLResponse)
    def show(request: Request, key: str, current: Current = reader) -> HTMLResponse:
        """One figure: its chart and its table."""
        with console.db() as session:
            filters = _filters(request, current, session)
            found, filters = _figure(session, current, key, filters)
            context = _context(session, current, filters)
        return console.render(request, current, FIGURE, {
            **context, "figure": found, "chart": charts.svg(found)})

    @router.post("/indicators/goals", response_class=HTMLResponse)
    def set_goal(request: Request, current: Current = setter, indicator: Short = "",
                 country: Short = "", start: Short = "", end: Short = "",
                 target: Short = "", org: Short = "") -> Response:
        """Sets a goal for the account's organisation (an admin's: the one chosen)."""
        values = {"indicator": indicator, "country": country, "start": start, "end": end,
                  "target": target, "org": org}
        try:
            with console.db() as session:
                organisation = _organisation(session, org)
                goals.create(session=session, principal=current.principal,
                             organisation_id=organisation.id if organisation else None,
                             indicator=indicator, country=_country(country) or None,
                             start=_day(start, "start"), end=_day(end, "end"),
                             target=_number(target))
        except goals.Refused as exc:
            return _overview(console, request, current, values, error=str(exc))
        return console.redirect(f"{PREFIX}/indicators", ok="goal_set")

    @router.post("/indicators/goals/measure", response_class=HTMLResponse)
    def measure_again(request: Request, current: Current = reader, org: Short = "") -> Response:
        """Measures the goals the account sees now (the scheduler does it every scan)."""
        with console.db() as session:
            organisation = _organisation(session, org) if current.principal.is_admin else None
            goals.measure_again(session=session, principal=current.principal,
                                organisation_id=organisation.id if organisation else None)
        chosen = f"?{urlencode({'org': organisation.slug})}" if organisation else ""
        return console.redirect(f"{PREFIX}/indicators{chosen}", ok="goals_measured")

    return router


def _overview(console: Console, request: Request, current: Current,
              values: dict | None = None, error: str | None = None) -> HTMLResponse:
    with console.db() as session:
        filters = _filters(request, current, session)
        context = _context(session, current, filters)
        progress = goals.progress(session=session, principal=current.principal,
                                  organisation_id=filters.organisation_id)
        session.expunge_all()
    today = utcnow().date()
    values = {"indicator": "onboarded", "country": "", "start": today.replace(day=1)
              .isoformat(), "end": today.replace(month=12, day=31).isoformat(),
              "target": "", "org": "", **(values or {})}
    return console.render(request, current, OVERVIEW, {
        **context, "progress": progress, "values": values, "error": error,
        "goal_kinds": [(key, kind.label) for key, kind in goals.GOALS.items()]},
        status_code=422 if error else 200)


def _context(session, current: Current, filters: Filters) -> dict:
    """What the filter form and the figure links need."""
    organisations = session.exec(select(Organisation).order_by(Organisation.name)).all() \
        if current.principal.is_admin else []
    chosen = next((o.slug for o in organisations if o.id == filters.organisation_id), "")
    query = {"start": filters.start.isoformat(), "end": filters.end.isoformat(),
             "country": filters.country or "", "org": chosen, "by": filters.by}
    return {"filters": filters, "query": {k: v for k, v in query.items() if v},
            "organisations": [(o.slug, o.name) for o in organisations],
            "countries": COUNTRIES, "dimensions": DIMENSIONS,
            "figures": [(key, TITLES[key]) for key in FIGURES]}


def N_(text: str) -> str:  # noqa: N802 (gettext's name for "extract, translate later")
    """Marks a text for the catalog; templates translate it with _()."""
    return text


TITLES = {"onboarded": N_("Members onboarded"), "active": N_("Members active (30 days)"),
          "stories": N_("Stories started and read"), "questions": N_("Questions and answers"),
          "introductions": N_("Introductions"), "visits": N_("Visits"),
          "documented": N_("Practices documented through SHARE"),
          "replication": N_("Replication reports"), "sms": N_("SMS segments and cost")}


def _figure(session, current: Current, key: str, filters: Filters):
    if key not in FIGURES:
        raise NotFound()
    return figure(session=session, principal=current.principal, key=key,
                  filters=filters), filters


def _filters(request: Request, current: Current, session) -> Filters:
    """The query string's filters; what makes no sense is the default."""
    params, today = request.query_params, utcnow().date()
    base = default_filters(today)
    start, end = _date(params.get("start")) or base.start, _date(params.get("end")) or base.end
    if end < start:
        start, end = end, start
    start = max(start, date.fromordinal(end.toordinal() - MAX_DAYS))
    organisation = _organisation(session, params.get("org", "")) \
        if current.principal.is_admin else None
    by = params.get("by", "country")
    return Filters(start=start, end=end, country=_country(params.get("country", "")) or None,
                   organisation_id=organisation.id if organisation else None,
                   organisation_country=organisation.country if organisation else None,
                   by=by if by in DIMENSIONS else "country")


def _organisation(session, slug: str) -> Organisation | None:
    if not slug:
        return None
    return session.exec(select(Organisation).where(Organisation.slug == slug[:80])).first()


def _country(value: str | None) -> str:
    value = (value or "").strip().upper()
    return value if len(value) == 2 and value.isalpha() and value.isascii() else ""


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        return None


def _day(value: str, which: str) -> date:
    found = _date(value)
    if found is None:
        raise goals.Refused(f"The period's {which} is not a date (YYYY-MM-DD).")
    return found


def _number(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise goals.Refused("The target is a whole number above zero.") from None
