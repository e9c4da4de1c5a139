"""Health, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text


def make_router(services) -> APIRouter:
    """Health, readiness and metrics of the wired services."""
    router = APIRouter()

    @router.get("/healthz")
    def healthz() -> dict:
        """The process is up."""
        return {"status": "ok"}


    @router.get("/readyz")
    def readyz(response: Response) -> dict:
        """The database answers (else 503). `send_rates` says whether the send rates are
        shared through Redis ("shared") or this process's own ("local"; with `redis`,
        the failure while Redis is away): ready either way."""
        try:
            with services.db.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:
            response.status_code = 503
            return {"status": "unavailable", "database": type(exc).__name__,
                    **services.send_rates()}
        return {"status": "ok", **services.send_rates()}


    @router.get("/metrics", response_class=PlainTextResponse)
    def metrics() -> Response:
        """Prometheus text format."""
        return Response(generate_latest(services.metrics), media_type=CONTENT_TYPE_LATEST)

    return router
