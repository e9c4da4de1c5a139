"""The route × role table: who may call what, one module per area, each with `ROWS`.

A row names a route (method and path template, as the app declares it), how to set up
what the route acts on (ids for the path, in the scope of CEDAC's accounts unless the
row says otherwise), what to send, and the status each person gets:
anonymous, admin, moderator, translator, viewer (CEDAC's). tests/web/console/test_routes
checks that every console and moderation API route has exactly one row, so a new route
without a row fails the suite.

Console routes are called with the person's session cookie and, for a form post, its
CSRF token; API routes with the person's personal token (Bearer). Anonymous console
requests are redirected to the login page (303); anonymous API requests get 401.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from tests.support.console import World

WHO = ("anonymous", "admin", "moderator", "translator", "viewer")
Setup = Callable[[Engine, World], dict]


def nothing(_db: Engine, _world: World) -> dict:
    """No path parameters."""
    return {}


@dataclass(frozen=True)
class Row:
    """One route and the status each person gets."""

    method: str
    path: str
    expect: dict[str, int]
    setup: Setup = nothing
    form: dict | None = None  # console form fields (the CSRF token is added)
    json: dict | None = None  # API body
    note: str = field(default="", compare=False)

    @property
    def api(self) -> bool:
        """Whether the route is part of the JSON API (else a console page)."""
        return self.path.startswith("/api/")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def row(method: str, path: str, *, anonymous: int | None = None, admin: int,
        moderator: int, translator: int, viewer: int, setup: Setup = nothing,
        form: dict | None = None, json: dict | None = None, note: str = "") -> Row:
    """A row; anonymous defaults to 401 for the API and 303 (to the login) for pages."""
    if anonymous is None:
        anonymous = 401 if path.startswith("/api/") else 303
    return Row(method, path, {"anonymous": anonymous, "admin": admin,
                              "moderator": moderator, "translator": translator,
                              "viewer": viewer}, setup, form, json, note)


def collect() -> list[Row]:
    """Every area module's ROWS."""
    rows: list[Row] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        rows += module.ROWS
    return rows
