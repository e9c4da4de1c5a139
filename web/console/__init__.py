"""The moderator console at /admin: server-rendered pages for partner organisations.

One area, one module (STYLE.md): auth.py (login, set-up link, account), home.py (the
queues at a glance), and one module per area of work, each with its templates under
web/templates/console/<area>/. core.py holds what they share. Every form works without
JavaScript; htmx (web/static/htmx.min.js) only swaps fragments the same templates
render. Pages send a Content-Security-Policy without inline scripts (web/headers.py).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from web.console import (
    accounts,
    answers,
    audit,
    auth,
    broadcasts,
    drafts,
    faq,
    home,
    indicators,
    manuals,
    member_actions,
    members,
    organisations,
    practice_editor,
    practice_versions,
    practices,
    questions,
    reports,
    sms,
    texts,
    visit_feed,
    visits,
)
from web.console.core import PREFIX, Console, Forbidden, LoginRequired, NotFound, is_htmx

AREAS = (auth, home, questions, answers, faq, reports, practices, practice_editor,
         practice_versions, manuals, sms, drafts, texts, members, member_actions, audit,
         accounts, organisations, broadcasts, visits, visit_feed, indicators)


def make_router(services) -> tuple[APIRouter, Console]:
    """Every console route, and the Console they share."""
    console = Console(services)
    router = APIRouter(include_in_schema=False)
    for area in AREAS:
        router.include_router(area.make_router(console), prefix=PREFIX)
    return router, console


def install(app: FastAPI, services) -> Console:
    """Adds the console to the app: routes and error pages (the security headers are
    the app's: web/headers.py)."""
    router, console = make_router(services)
    app.include_router(router)

    @app.exception_handler(LoginRequired)
    def login_required(request: Request, _exc: LoginRequired) -> Response:
        target = f"{PREFIX}/login?next={request.url.path}" if request.method == "GET" \
            else f"{PREFIX}/login"
        if is_htmx(request):  # htmx follows HX-Redirect instead of swapping the login page
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, exc: Forbidden) -> Response:
        return console.render(request, console.current(request), "console/error.html",
                              {"title": "Not allowed", "reason": exc.reason},
                              status_code=403)

    @app.exception_handler(NotFound)
    def not_found(request: Request, _exc: NotFound) -> Response:
        return console.render(request, console.current(request), "console/error.html",
                              {"title": "Not found", "reason": "There is nothing here, or "
                               "nothing your account may see."}, status_code=404)

    original = app.exception_handlers.get(StarletteHTTPException)

    async def console_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Console pages answer errors with a page; everything else as before."""
        if not request.url.path.startswith(PREFIX + "/") and request.url.path != PREFIX:
            return await original(request, exc)
        return console.render(request, console.current(request), "console/error.html",
                              {"title": str(exc.status_code), "reason": exc.detail},
                              status_code=exc.status_code)

    app.add_exception_handler(StarletteHTTPException, console_http_error)
    return console
