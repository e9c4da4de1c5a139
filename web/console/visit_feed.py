"""An organisation's exchange visits as an iCalendar feed, for calendar apps: GET
/admin/organisations/{slug}/visits/{token}.ics. Calendar apps have no console session,
so the organisation's secret in the URL's path (services/visit_calendar.py; in the path
rather than the query, which some calendar apps drop) is the only key; a wrong one is
404, as for an organisation that does not exist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from content.models import utcnow
from services import visit_calendar
from web.console.core import Console, NotFound


def make_router(console: Console) -> APIRouter:
    """The feed's route."""
    router = APIRouter()

    @router.get("/organisations/{slug}/visits/{token}.ics", name="visit_feed")
    def visit_feed(request: Request, slug: Annotated[str, Path(max_length=80)],
                   token: Annotated[str, Path(max_length=64)]) -> Response:
        """The organisation's visits, for a calendar app to subscribe to."""
        with console.db() as session:
            organisation = visit_calendar.by_token(session=session, slug=slug,
                                                   given=token)
            if organisation is None:
                raise NotFound()
            body = visit_calendar.feed(session=session, organisation=organisation,
                                       host=request.url.hostname or "peerlearn",
                                       now=utcnow())
            name = organisation.slug
        return Response(body, media_type="text/calendar; charset=utf-8",
                        headers={"Cache-Control": "private, max-age=300",
                                 "Content-Disposition": f'inline; filename="{name}.ics"'})

    return router
