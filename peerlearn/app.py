"""The web application: `create_app(settings)` builds and wires everything."""

from __future__ import annotations

import asyncio
import gc
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from content.db import session_scope
from content.models import utcnow
from peerlearn.migrate import ensure_migrated
from peerlearn.settings import PROJECT_ROOT, Settings
from peerlearn.wiring import Services, build
from peerlearn.worker import make_processors, make_scheduler
from services.accounts import ensure_admin
from web import api, console, docs, moderation, simulator, unavailable
from web.cross_site import JsonOnly
from web.headers import SecurityHeaders
from webhooks import health, routes
from webhooks.body_limit import BodyLimit
from webhooks.group_commit import GroupCommit


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    """A FastAPI app over a migrated database; raises DatabaseNotMigrated otherwise."""
    services = services or build(settings)
    ensure_migrated(services.db)
    first_admin(services)
    processors = make_processors(services)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        stop = asyncio.Event()
        tasks = []
        await services.start()
        # One process serves everything (`make run`): it also processes what its
        # webhooks stored (and retries what failed), sends and keeps the schedule; each
        # is safe next to any number of workers doing the same.
        dispatcher = services.dispatcher() if settings.run_dispatcher else None
        if dispatcher is not None:  # replies queued here are sent without a poll's wait
            processors.on_turns = dispatcher.wake
        if settings.run_processor:
            tasks.append(asyncio.create_task(processors.run(stop)))
        if dispatcher is not None:
            tasks += [asyncio.create_task(dispatcher.run(stop)),
                      asyncio.create_task(make_scheduler(services).run(
                          stop, settings.scheduler_every_seconds))]
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks)
            await services.aclose()

    app = FastAPI(title="peerlearn", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.services = services
    app.include_router(health.make_router(services))
    store = GroupCommit(services.inbox, on_commit=processors.wake)
    app.include_router(routes.make_router(store, services.adapters,
                                          settings.public_base_url))
    the_console = console.install(app, services)
    app.include_router(simulator.make_router(services, the_console))
    app.include_router(api.make_router(services))
    app.include_router(moderation.make_router(services))
    app.include_router(docs.make_router())
    for error in unavailable.ERRORS:  # database out of reach: 503, not 500
        app.add_exception_handler(error, unavailable.answer)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "web" / "static"), name="static")
    # The Noto fonts the printed manuals embed, for pages in Khmer, Lao, Burmese and Thai
    # on a machine without them (web/static/scripts.css asks for them by Unicode range).
    app.mount("/fonts", StaticFiles(directory=PROJECT_ROOT / "services" / "manuals" / "fonts"),
              name="fonts")
    app.add_middleware(JsonOnly)
    app.add_middleware(SecurityHeaders)
    # Outermost: a body over the limit is refused before anything reads it.
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    return app


def serving_app() -> FastAPI:
    """The app of one of `peerlearn serve --workers N`'s processes (uvicorn's factory):
    built from the environment, its start-up heap set aside."""
    application = create_app(Settings())
    settle_heap()
    return application


def settle_heap() -> None:
    """Sets what start-up built (routes, templates, catalogs, models: about 250,000
    objects) aside from the garbage collector, once, before serving. Otherwise every full
    collection walks them all: a stall of 150-250 ms every dozen console pages
    (bench/console.py). Tests build many apps in one process and do not call it: frozen
    objects are never freed."""
    gc.collect()
    gc.freeze()


def first_admin(services: Services) -> None:
    """ADMIN_EMAIL / ADMIN_PASSWORD: the first admin of the console, created or updated
    at start-up (an empty password sets nothing)."""
    settings = services.settings
    password = settings.admin_password.get_secret_value() if settings.admin_password else ""
    if settings.admin_email and password:
        with session_scope(services.db) as session:
            ensure_admin(session=session, email=settings.admin_email, password=password,
                         now=utcnow())
