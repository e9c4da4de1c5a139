"""Printed manuals: the form and the download (every role reads practices; the manual
holds what the account's scope holds, tests/web/console/test_manuals.py)."""

from __future__ import annotations

from tests.web.console.routes import row

EVERYONE = dict(admin=200, moderator=200, translator=200, viewer=200)

ROWS = [
    row("GET", "/admin/manuals", **EVERYONE),
    row("GET", "/admin/manuals/download", **EVERYONE, note="English PDF, every practice"),
]
