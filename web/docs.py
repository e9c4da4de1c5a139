"""The API documentation at /docs, served from this site: Swagger UI's files are in
web/static/vendor/swagger-ui (FastAPI's default page loads them from a CDN, which a
partner office behind a firewall or offline cannot reach). The page has no inline
script, so the console's Content-Security-Policy holds here too."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>peerlearn API</title>
<link rel="icon" type="image/png" href="/static/vendor/swagger-ui/favicon-32x32.png">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body>
</html>
"""


def make_router() -> APIRouter:
    """GET /docs."""
    router = APIRouter(include_in_schema=False)

    @router.get("/docs", response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        """Swagger UI over /openapi.json, with local assets only."""
        return HTMLResponse(PAGE)

    return router
